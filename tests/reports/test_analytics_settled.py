"""The settled results analytics read are kept in step by the services that store results,
and can be rebuilt from the assessments after a bulk load."""

from __future__ import annotations

import importlib
from io import StringIO

import pytest
from django.apps import apps
from django.core.management import call_command

from assessments.models import Assessment, FrameworkVersion, SettledResult
from assessments.services.assessments import answer_save, assessment_review, assessment_submit
from assessments.services.rescoring import results_rescore
from assessments.services.settled import settled_facts, settled_results_rebuild
from tests.conftest import Personas
from tests.factories import EnterpriseFactory
from tests.reports.analytics_data import population, settle
from tests.reports.conftest import BEST, LEVEL1, store_submitted

pytestmark = pytest.mark.django_db


def answer(draft: Assessment, personas: Personas, answers: dict) -> None:
    for key, value in answers.items():
        answer_save(
            assessment=draft, user=personas.editor, question_key=key, value=value, base_revision=0
        )


def dimensions(row: SettledResult) -> list[float]:
    """The dimension scores kept, in the version's dimension order."""
    values = [getattr(row, f"dimension_{slot}") for slot in range(1, 17)]
    return [value for value in values if value is not None]


def standing(enterprise_id: int) -> dict:
    row = SettledResult.objects.get(enterprise_id=enterprise_id)
    return {
        "assessment": row.assessment_id,
        "level": row.level_code,
        "rank": row.level_rank,
        "dimensions": dimensions(row),
        "misses": [i for i in range(63) if row.missed_gates >> i & 1],
    }


def test_a_submission_with_a_final_level_becomes_the_settled_result(
    personas: Personas, draft: Assessment
) -> None:
    answer(draft, personas, {"q_net": "full", "q_mes": False})
    assessment_submit(assessment=draft, user=personas.editor, pledge=True)
    assert standing(personas.enterprise.pk) == {
        "assessment": draft.pk,
        "level": "L1",
        "rank": 1,
        "dimensions": [2.0],
        "misses": [0],  # of L2: total at least 4
    }


def test_a_submission_pending_review_is_not_settled_until_confirmed(
    personas: Personas, draft: Assessment
) -> None:
    answer(draft, personas, {"q_net": "full", "q_mes": True})
    submitted = assessment_submit(assessment=draft, user=personas.editor, pledge=True)
    assert submitted.status == Assessment.Status.PENDING_REVIEW
    assert not SettledResult.objects.exists()
    assessment_review(
        assessment=submitted,
        reviewer=personas.officer,
        decision="confirm",
        comment="降级：证据不足",
        confirmed_level="L1",
    )
    # Confirmed one level lower: the next level's own gates are met, so none is missing.
    assert standing(personas.enterprise.pk) == {
        "assessment": draft.pk,
        "level": "L1",
        "rank": 1,
        "dimensions": [4.0],
        "misses": [],
    }


def test_a_newer_settled_assessment_replaces_the_older_one(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    older = settle(personas.enterprise, LEVEL1, days_ago=30)
    newer = settle(personas.enterprise, BEST, confirmed="L2", days_ago=1)
    assert SettledResult.objects.count() == 1
    assert standing(personas.enterprise.pk)["assessment"] == newer.pk
    assert standing(personas.enterprise.pk)["level"] == "L2"
    assert older.pk != newer.pk


def test_rescoring_rewrites_the_settled_scores_in_the_same_batch(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    assessment = settle(personas.enterprise, LEVEL1)
    SettledResult.objects.update(dimension_1=99, missed_gates=0)
    Assessment.objects.filter(pk=assessment.pk).update(result={"stale": True})
    results_rescore(framework_code="report-fw")
    after = standing(personas.enterprise.pk)
    assert after["dimensions"] == [2.0, 1.0, 0.0, 0.0]  # equip, data, people, scenes
    assert after["misses"] == [0]
    assert after["level"] == "L1"


def test_settled_facts_find_the_unmet_gates_of_the_level_above() -> None:
    result = {
        "total": 3,
        "max_total": 8,
        "dimensions": [{"key": "a", "score": 3, "max": 6}, {"key": "s", "score": 0, "max": 0}],
        "levels": [
            {"code": "L1", "gates": [{"type": "total_at_least", "met": True}]},
            {
                "code": "L2",
                "gates": [
                    {"type": "total_at_least", "met": False},
                    {"type": "any_of", "met": True},
                    {"type": "all_of", "met": False},
                ],
            },
        ],
    }
    facts = settled_facts(result, "L1")
    assert facts.level_rank == 1
    assert facts.percent == 37.5
    assert (facts.next_level, facts.misses) == ("L2", [0, 2])
    assert facts.dimension_scores == [3.0, 0.0]
    assert settled_facts(result, "").misses == []  # L1's only gate is met
    top = settled_facts(result, "L2")  # the top level has nothing above
    assert (top.next_level, top.misses) == (None, [])


def snapshot() -> list[tuple]:
    return sorted(
        (
            row.enterprise_id,
            row.assessment_id,
            row.level_code,
            row.level_rank,
            row.total,
            dimensions(row),
            row.missed_gates,
        )
        for row in SettledResult.objects.all()
    )


def test_a_rebuild_after_a_bulk_load_gives_what_the_services_keep(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    population(18)
    kept = snapshot()
    SettledResult.objects.all().delete()
    # A bulk load writes assessments without the services.
    store_submitted(EnterpriseFactory(name="批量导入企业"), LEVEL1)
    out = StringIO()
    call_command("rebuild_settled_results", "--batch-size", "4", stdout=out, stderr=StringIO())
    rebuilt = snapshot()
    assert len(rebuilt) == len(kept) + 1
    assert set(map(repr, kept)) < set(map(repr, rebuilt))
    assert f"Rebuilt {len(rebuilt)} settled result(s)" in out.getvalue()
    assert settled_results_rebuild() == len(rebuilt)  # idempotent
    assert snapshot() == rebuilt


def test_the_data_migration_fills_the_settled_results_of_existing_rows(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    population(18)
    kept = snapshot()
    SettledResult.objects.all().delete()
    migration = importlib.import_module("assessments.migrations.0008_fill_settled_results")
    migration.fill(apps, None)
    assert snapshot() == kept
