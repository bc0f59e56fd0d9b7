"""manage.py rescore: recompute stored results in batches after an engine change."""

from __future__ import annotations

from decimal import Decimal
from io import StringIO

import pytest
from django.core.management import CommandError, call_command

from assessments.models import Assessment, FrameworkVersion
from assessments.selectors import compiled_framework
from assessments.services.rescoring import stored_result
from tests.assessments.helpers import best_answers, shipped_doc
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

CODE = "sme-digital-level-2024"


def submitted(answers: dict, *, stale: bool) -> Assessment:
    version = FrameworkVersion.objects.latest_published(CODE)
    computed = stored_result(compiled_framework(version), answers)
    return Assessment.objects.create(
        enterprise=EnterpriseFactory(),
        framework=version.framework,
        framework_version=version,
        status=Assessment.Status.SUBMITTED,
        answers_snapshot=answers,
        result={"stale": True} if stale else computed.result,
        total=Decimal("-1") if stale else computed.total,
        level_code="stale" if stale else computed.level_code,
        engine_version="0.0.0" if stale else computed.engine_version,
    )


def test_rescore_recomputes_every_stored_result_in_batches() -> None:
    best = best_answers(shipped_doc(CODE))
    rows = [submitted(best, stale=True) for _ in range(5)] + [submitted({}, stale=True)]
    draft_version = FrameworkVersion.objects.latest_published(CODE)
    draft = Assessment.objects.create(
        enterprise=EnterpriseFactory(),
        framework=draft_version.framework,
        framework_version=draft_version,
    )
    err = StringIO()
    out = StringIO()
    call_command("rescore", "--framework", CODE, "--batch-size", "2", stdout=out, stderr=err)
    assert "Rescored 6 result(s)" in out.getvalue()
    assert "6/6 100.0%" in err.getvalue()
    assert err.getvalue().count("/6") == 3  # three batches of two
    for row in rows[:5]:
        row.refresh_from_db()
        assert row.total == Decimal("100")
        assert row.level_code == "L4"
        assert row.result["total"] == 100
        assert row.engine_version != "0.0.0"
    rows[5].refresh_from_db()
    assert rows[5].total == 0 and rows[5].level_code == ""
    draft.refresh_from_db()
    assert draft.result is None  # drafts have no stored result to recompute


def test_rescore_never_touches_answers_or_confirmed_levels() -> None:
    row = submitted({}, stale=True)
    Assessment.objects.filter(pk=row.pk).update(confirmed_level_code="L1")
    call_command("rescore", "--framework", CODE, stdout=StringIO(), stderr=StringIO())
    row.refresh_from_db()
    assert row.answers_snapshot == {}
    assert row.confirmed_level_code == "L1"


def test_rescore_of_an_unknown_framework_is_an_error() -> None:
    with pytest.raises(CommandError, match="Unknown framework"):
        call_command("rescore", "--framework", "nope", stdout=StringIO(), stderr=StringIO())


def test_one_open_draft_per_enterprise_and_framework_is_a_database_constraint() -> None:
    from django.db import IntegrityError, transaction

    version = FrameworkVersion.objects.latest_published(CODE)
    enterprise = EnterpriseFactory()
    Assessment.objects.create(
        enterprise=enterprise, framework=version.framework, framework_version=version
    )
    with pytest.raises(IntegrityError), transaction.atomic():
        Assessment.objects.create(
            enterprise=enterprise, framework=version.framework, framework_version=version
        )
    # A submitted one beside the draft is fine.
    Assessment.objects.create(
        enterprise=enterprise,
        framework=version.framework,
        framework_version=version,
        status=Assessment.Status.SUBMITTED,
    )
