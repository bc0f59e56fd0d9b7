"""generate_synthetic: a seeded Jiangsu population stored as the services store real data."""

from __future__ import annotations

import io
import json
from collections import defaultdict
from datetime import date
from decimal import Decimal
from itertools import pairwise
from typing import Any

import pytest
from django.core.management import CommandError, call_command
from stdnum.cn import uscc as stdnum_uscc

from assessments import scoring
from assessments.models import Answer, Assessment, FrameworkVersion, ReviewDecision
from assessments.selectors import compiled_framework
from assessments.services.rescoring import stored_result
from enterprises import services
from enterprises.models import Enterprise, SupplierLink
from reports.models import PlanItem, SupplyRequirement
from reports.synthetic import synthetic_enterprises
from reports.synthetic.history import Timeline
from reports.synthetic.population import allocate, organisation_check
from tests.factories import EnterpriseFactory

pytestmark = pytest.mark.django_db

AS_OF = "2026-06-15"


def generate(*args: str) -> str:
    err = io.StringIO()
    call_command(
        "generate_synthetic", *args, "--as-of", AS_OF, "--workers", "1", stderr=err, stdout=err
    )
    return err.getvalue()


def synthetic_assessments() -> Any:
    return Assessment.objects.filter(enterprise__in=synthetic_enterprises())


def population_signature() -> dict[str, Any]:
    """Everything a generation decides, keyed by USCC instead of database ids."""
    enterprises = sorted(
        (e.uscc, e.name, e.region_id, e.industry_id, e.size_class, e.employees,
         str(e.revenue_10k_yuan), e.created_at.isoformat(),
         tuple(sorted(c.code for c in e.clusters.all())))
        for e in synthetic_enterprises().prefetch_related("clusters")
    )  # fmt: skip
    assessments = sorted(
        (a.enterprise.uscc, a.framework_id, a.status, a.created_at.isoformat(),
         a.submitted_at.isoformat() if a.submitted_at else "", a.level_code,
         a.confirmed_level_code, str(a.total), json.dumps(a.answers_snapshot, sort_keys=True),
         a.returned_from.submitted_at.isoformat() if a.returned_from else "")
        for a in synthetic_assessments().select_related("enterprise", "returned_from")
    )  # fmt: skip
    links = sorted(
        (link.anchor.uscc, link.supplier_uscc, link.supplier_name, link.status, link.tier,
         link.parent.supplier_uscc if link.parent else "", tuple(link.tags),
         link.created_at.isoformat())
        for link in SupplierLink.objects.select_related("anchor", "parent")
    )  # fmt: skip
    requirements = sorted(
        (r.anchor.uscc, r.group, r.tier, r.tag, r.framework_id, r.min_level_code,
         json.dumps(r.min_dimension_percents, sort_keys=True), r.deadline.isoformat())
        for r in SupplyRequirement.objects.select_related("anchor")
    )  # fmt: skip
    return {
        "enterprises": enterprises,
        "assessments": assessments,
        "links": links,
        "requirements": requirements,
    }


# --- counts and identity ------------------------------------------------------------------


def test_a_small_population_has_exactly_the_requested_counts() -> None:
    generate("--enterprises", "60", "--seed", "7", "--assessments", "150")
    assert synthetic_enterprises().count() == 60
    assert synthetic_assessments().count() == 150
    assert SupplierLink.objects.filter(anchor__in=synthetic_enterprises()).exists()
    submitted = synthetic_assessments().exclude(status=Assessment.Status.DRAFT)
    expected_answers = sum(len(s) for s in submitted.values_list("answers_snapshot", flat=True))
    assert Answer.objects.filter(assessment__in=submitted).count() == expected_answers


def test_the_default_is_four_assessments_per_enterprise() -> None:
    generate("--enterprises", "45", "--seed", "7")
    assert synthetic_assessments().count() == 180


def test_every_uscc_is_valid_and_names_the_enterprises_region() -> None:
    generate("--enterprises", "80", "--seed", "3")
    codes = list(synthetic_enterprises().values_list("uscc", "region_id"))
    assert len({uscc for uscc, _region in codes}) == 80
    for uscc, region in codes:
        assert stdnum_uscc.is_valid(uscc), uscc
        assert uscc[2:8] == region
        assert uscc[16] == organisation_check(uscc[8:16])  # GB 11714 check of the org code
    for uscc in SupplierLink.objects.values_list("supplier_uscc", flat=True):
        assert stdnum_uscc.is_valid(uscc), uscc


def test_the_organisation_code_check_matches_a_real_code() -> None:
    # 91110000600037341L (python-stdnum's example): organisation code 60003734-1.
    assert organisation_check("60003734") == "1"


def test_enterprises_spread_over_jiangsu_and_skew_small() -> None:
    generate("--enterprises", "400", "--seed", "5", "--assessments", "0")
    rows = list(synthetic_enterprises().values_list("region_id", "size_class", "industry_id"))
    assert all(region.startswith("32") and not region.endswith("00") for region, _s, _i in rows)
    cities = {region[:4] for region, _s, _i in rows}
    assert len(cities) >= 10
    suzhou = sum(region.startswith("3205") for region, _s, _i in rows)
    lianyungang = sum(region.startswith("3207") for region, _s, _i in rows)
    assert suzhou > 3 * lianyungang
    small_or_micro = sum(size in ("small", "micro") for _r, size, _i in rows)
    assert small_or_micro > 0.7 * len(rows)
    for enterprise in synthetic_enterprises():
        expected = services.size_class_for(
            employees=enterprise.employees, revenue_10k_yuan=enterprise.revenue_10k_yuan
        )
        assert enterprise.size_class == expected


def test_the_same_seed_gives_the_same_population_and_another_seed_another() -> None:
    generate("--enterprises", "70", "--seed", "11")
    first = population_signature()
    generate("--enterprises", "70", "--seed", "11", "--replace")
    assert population_signature() == first
    generate("--enterprises", "70", "--seed", "12", "--replace")
    other = population_signature()
    assert other["enterprises"] != first["enterprises"]
    assert other["assessments"] != first["assessments"]


# --- assessments as the services store them ----------------------------------------------


def test_every_stored_result_is_the_engines_score_of_its_snapshot() -> None:
    generate("--enterprises", "80", "--seed", "21")
    versions = {v.pk: compiled_framework(v) for v in FrameworkVersion.objects.all()}
    scored = synthetic_assessments().exclude(status=Assessment.Status.DRAFT)
    frameworks = set()
    for a in scored:
        fw = versions[a.framework_version_id]
        frameworks.add(fw.code)
        snapshot = a.answers_snapshot
        assert scoring.validate_answers(fw, snapshot) == {}
        assert scoring.missing_required(fw, snapshot) == []
        assert set(snapshot) <= scoring.visible_questions(fw, snapshot)
        computed = stored_result(fw, snapshot)
        assert a.result == json.loads(json.dumps(computed.result))
        assert a.total == computed.total
        assert a.level_code == computed.level_code
        assert a.engine_version == computed.engine_version
        assert a.pledge_accepted_at == a.submitted_at
        answers = dict(Answer.objects.filter(assessment=a).values_list("question_key", "value"))
        assert answers == snapshot
    assert frameworks == {"sme-digital-level-2024", "smart-factory-gradient"}


def test_drafts_hold_answers_but_no_result() -> None:
    generate("--enterprises", "150", "--seed", "4")
    drafts = synthetic_assessments().filter(status=Assessment.Status.DRAFT)
    assert drafts.exists()
    for draft in drafts:
        assert draft.answers_snapshot is None and draft.result is None
        assert draft.submitted_at is None and draft.total is None
        assert Answer.objects.filter(assessment=draft).exists()
        assert not ReviewDecision.objects.filter(assessment=draft).exists()


def test_statuses_and_confirmed_levels_follow_the_review_rules() -> None:
    generate("--enterprises", "200", "--seed", "9")
    versions = {v.pk: compiled_framework(v) for v in FrameworkVersion.objects.all()}
    seen = set()
    for a in synthetic_assessments().exclude(status=Assessment.Status.DRAFT):
        fw = versions[a.framework_version_id]
        levels = [level.code for level in fw.levels]
        confirmation = {level.code: level.confirmation for level in fw.levels}
        decisions = list(
            a.decisions.order_by("created_at", "id").values_list("decision", "level_code")
        )
        assert decisions[0] == (ReviewDecision.Decision.SUBMITTED, a.level_code)
        seen.add(a.status)
        if confirmation.get(a.level_code) != "review":
            assert a.status == Assessment.Status.SUBMITTED
            assert a.confirmed_level_code == a.level_code
            assert len(decisions) == 1
        elif a.status == Assessment.Status.PENDING_REVIEW:
            assert a.confirmed_level_code == "" and len(decisions) == 1
        elif a.status == Assessment.Status.CONFIRMED:
            assert a.confirmed_level_code in levels[: levels.index(a.level_code) + 1]
            lower = a.confirmed_level_code != a.level_code
            expected = "confirm_lower" if lower else "confirm"
            assert decisions[1] == (expected, a.confirmed_level_code)
        else:
            assert a.status == Assessment.Status.RETURNED
            assert a.confirmed_level_code == "" and decisions[1][0] == "return"
            assert Assessment.objects.filter(returned_from=a).count() == 1
    assert {"submitted", "confirmed"} <= seen


def test_each_enterprise_has_at_most_one_open_assessment_per_framework_and_it_is_the_latest() -> (
    None
):
    generate("--enterprises", "200", "--seed", "9")
    histories: dict[tuple[int, int], list[Assessment]] = defaultdict(list)
    for a in synthetic_assessments().order_by("created_at"):
        histories[(a.enterprise_id, a.framework_id)].append(a)
    open_statuses = {Assessment.Status.DRAFT, Assessment.Status.PENDING_REVIEW}
    for history in histories.values():
        opened = [a for a in history if a.status in open_statuses]
        assert len(opened) <= 1
        if opened:
            assert opened[0] is history[-1]
        for earlier, later in pairwise(history):
            closed_at = earlier.updated_at  # submission, or the review that closed it
            assert later.created_at >= closed_at


def test_history_spans_eight_quarters_before_the_reference_date() -> None:
    generate("--enterprises", "120", "--seed", "2")
    timeline = Timeline.ending(date.fromisoformat(AS_OF))
    submitted = synthetic_assessments().exclude(submitted_at=None)
    for a in submitted:
        assert timeline.quarter_starts[0] <= a.submitted_at < timeline.as_of
        assert a.created_at <= a.submitted_at <= a.updated_at < timeline.as_of
        assert a.enterprise.created_at < a.created_at
    quarters = {(a.submitted_at.year, (a.submitted_at.month - 1) // 3) for a in submitted}
    assert len(quarters) == 8


def test_later_assessments_of_an_enterprise_never_score_lower() -> None:
    generate("--enterprises", "150", "--seed", "8")
    histories: dict[tuple[int, int], list[Decimal]] = defaultdict(list)
    for enterprise_id, framework_id, total in (
        synthetic_assessments()
        .exclude(submitted_at=None)
        .order_by("submitted_at")
        .values_list("enterprise_id", "framework_id", "total")
    ):
        histories[(enterprise_id, framework_id)].append(total)
    repeated = [totals for totals in histories.values() if len(totals) > 1]
    assert repeated
    assert all(totals == sorted(totals) for totals in repeated)
    assert any(totals[-1] > totals[0] for totals in repeated)


# --- supply chains -------------------------------------------------------------------------


def test_supplier_trees_are_well_formed() -> None:
    generate("--enterprises", "200", "--seed", "6")
    links = list(SupplierLink.objects.select_related("anchor", "supplier", "parent"))
    assert {link.tier for link in links} == {1, 2}
    assert {link.status for link in links} == set(SupplierLink.Status)
    registered = set(Enterprise.objects.values_list("uscc", flat=True))
    for link in links:
        assert link.anchor.size_class == "large"
        assert link.supplier_uscc != link.anchor.uscc
        if link.tier == 1:
            assert link.parent is None
        else:
            assert link.parent is not None
            assert link.parent.tier == 1 and link.parent.anchor_id == link.anchor_id
            assert link.parent.status == SupplierLink.Status.ACCEPTED
        if link.supplier is None:
            assert link.supplier_uscc not in registered
            assert link.status == SupplierLink.Status.INVITED and link.contact_email
        else:
            assert link.supplier.uscc == link.supplier_uscc
            assert link.supplier.name == link.supplier_name
        consented = link.status in (SupplierLink.Status.ACCEPTED, SupplierLink.Status.REVOKED)
        assert (link.consented_at is not None) == consented
        assert isinstance(link.tags, list)
    pairs = [(link.anchor_id, link.supplier_uscc) for link in links]
    assert len(pairs) == len(set(pairs))


def test_anchors_require_levels_of_their_suppliers_as_real_anchors_do() -> None:
    generate("--enterprises", "800", "--seed", "6", "--assessments", "800")
    requirements = list(SupplyRequirement.objects.select_related("anchor", "framework"))
    anchors = set(SupplierLink.objects.values_list("anchor_id", flat=True))
    assert requirements and {r.anchor_id for r in requirements} <= anchors
    assert {r.group for r in requirements} == {"all", "tier", "tag"}
    as_of = date.fromisoformat(AS_OF)
    assert min(r.deadline for r in requirements) < as_of < max(r.deadline for r in requirements)
    for r in requirements:
        version = FrameworkVersion.objects.latest_published(r.framework.code)
        fw = compiled_framework(version)
        assert r.min_level_code in {level.code for level in fw.levels}
        keys = {d.key for d in fw.dimensions if d.maximum > 0}
        assert set(r.min_dimension_percents) <= keys
        assert all(40 <= p <= 70 for p in r.min_dimension_percents.values())
        assert (r.tier is not None) == (r.group == "tier") and bool(r.tag) == (r.group == "tag")
        assert r.created_at.date() < as_of
    assert any(r.min_dimension_percents for r in requirements)


# --- running twice --------------------------------------------------------------------------


def test_a_second_run_without_replace_is_refused_and_changes_nothing() -> None:
    generate("--enterprises", "30", "--seed", "1")
    before = (synthetic_enterprises().count(), synthetic_assessments().count())
    with pytest.raises(CommandError, match="--replace"):
        generate("--enterprises", "30", "--seed", "2")
    assert (synthetic_enterprises().count(), synthetic_assessments().count()) == before


def test_replace_removes_the_previous_population_and_what_hangs_off_it_but_nothing_else() -> None:
    real = EnterpriseFactory(name="苏州真实企业有限公司")
    generate("--enterprises", "40", "--seed", "1")
    victim = synthetic_enterprises().first()
    assessment = synthetic_assessments().exclude(status="draft").first()
    SupplierLink.objects.create(
        anchor=real, supplier=victim, supplier_uscc=victim.uscc, supplier_name=victim.name
    )
    PlanItem.objects.create(
        enterprise_id=assessment.enterprise_id,
        framework_id=assessment.framework_id,
        question_key="q1_network",
        adopted_from=assessment,
        recommendation="-",
        target_score=Decimal(1),
        expected_gain=Decimal(1),
        phase="near",
    )
    generate("--enterprises", "25", "--seed", "1", "--replace")
    assert synthetic_enterprises().count() == 25
    assert synthetic_assessments().count() == 100
    assert Enterprise.objects.filter(pk=real.pk).exists()
    assert not SupplierLink.objects.filter(anchor=real).exists()
    assert not PlanItem.objects.exists()
    assert not Assessment.objects.filter(pk=assessment.pk).exists()


def test_progress_is_reported_for_enterprises_and_supplier_trees() -> None:
    output = generate("--enterprises", "300", "--seed", "1", "--assessments", "300")
    assert "enterprises" in output and "300/300 100.0%" in output
    assert "supplier trees" in output
    assert "Generated 300 enterprises, 300 assessments" in output


def test_bad_sizes_are_refused_naming_the_option() -> None:
    with pytest.raises(CommandError, match="--enterprises"):
        generate("--enterprises", "0")
    with pytest.raises(CommandError, match="--assessments"):
        generate("--enterprises", "5", "--assessments", "-1")
    with pytest.raises(CommandError, match="--as-of"):
        call_command("generate_synthetic", "--enterprises", "5", "--as-of", "June")


# --- bureau scope ----------------------------------------------------------------------------


def test_a_city_bureau_sees_the_generated_enterprises_of_its_city_only() -> None:
    generate("--enterprises", "150", "--seed", "5", "--assessments", "0")
    officer = services.bureau_officer_create(
        username="sz-officer", password="pw-Gradient-2026", region_codes=["320500"]
    ).user
    in_scope = Enterprise.objects.in_scope_of(officer)
    expected = synthetic_enterprises().filter(region__code__startswith="3205")
    assert expected.exists()
    assert set(in_scope) == set(expected)


def test_a_cluster_bureau_sees_the_generated_members_of_its_cluster() -> None:
    generate("--enterprises", "150", "--seed", "5", "--assessments", "0")
    officer = services.bureau_officer_create(
        username="province-auto",
        password="pw-Gradient-2026",
        region_codes=["320000"],
        cluster_codes=["automobiles-parts"],
    ).user
    members = synthetic_enterprises().filter(clusters__code="automobiles-parts")
    assert members.exists()
    assert set(Enterprise.objects.in_scope_of(officer)) == set(members)


# --- allocation ---------------------------------------------------------------------------------


@pytest.mark.parametrize(
    ("weights", "quota", "cap"),
    [
        ([1.0, 2.0, 0.0, 0.5], 17, 12),
        ([0.0, 0.0, 0.0], 5, 12),
        ([5.0, 0.1, 0.1], 20, 8),
        ([1.0] * 7, 0, 3),
    ],
)
def test_allocation_hands_out_exactly_the_quota_within_the_cap(
    weights: list[float], quota: int, cap: int
) -> None:
    shares = allocate(weights, quota, cap)
    assert sum(shares) == quota
    assert all(0 <= share <= cap for share in shares)
    if any(weights) and quota <= cap * sum(1 for w in weights if w):
        assert all(share == 0 for share, w in zip(shares, weights, strict=True) if not w)
