"""Anchor firms' chain coverage: suppliers in scope, assessed, at the required level."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from assessments.models import Framework, FrameworkVersion
from enterprises.models import SupplierLink
from reports.analytics.coverage import anchor_chain_coverage
from reports.analytics.scope import analytics_filters_parse, analytics_scope_for
from reports.analytics.selectors import analytics_dashboard
from reports.models import SupplyRequirement
from tests.conftest import Personas, api_as
from tests.factories import EnterpriseFactory
from tests.reports.analytics_data import link, settle
from tests.reports.conftest import BEST, LEVEL1

pytestmark = pytest.mark.django_db


def require(anchor, *, level: str, framework: str = "report-fw", **group) -> None:
    SupplyRequirement.objects.create(
        anchor=anchor,
        framework=Framework.objects.get(code=framework),
        min_level_code=level,
        deadline=dt.date(2030, 6, 30),
        **({"group": "all"} | group),
    )


@pytest.fixture
def chain(personas: Personas, report_framework: FrameworkVersion, test_framework) -> dict:
    anchor = EnterpriseFactory(name="苏州链主", region_id="320506")
    s1 = EnterpriseFactory(name="一号供应商")
    settle(s1, BEST, confirmed="L2")
    s2 = EnterpriseFactory(name="二号供应商")
    settle(s2, LEVEL1)
    s3 = EnterpriseFactory(name="三号供应商")
    s4 = EnterpriseFactory(name="无锡供应商", region_id="320214")
    settle(s4, BEST, confirmed="L2")
    s5 = EnterpriseFactory(name="五号供应商")
    settle(s5, {})
    link(anchor, s1, tags=["关键"])
    link(anchor, s2, tier=2)
    link(anchor, s3)
    link(anchor, s4)
    link(anchor, s5, tier=2, tags=["关键"])
    invited = EnterpriseFactory(name="未接受供应商")
    SupplierLink.objects.create(
        anchor=anchor, supplier=invited, supplier_uscc=invited.uscc, supplier_name=invited.name
    )
    require(anchor, level="L1")
    require(anchor, level="L2", group="tag", tag="关键")
    require(anchor, level="L1", group="tier", tier=2)
    require(anchor, level="L2", group="tier", tier=3)  # applies to no link
    require(anchor, level="L2", framework="test-fw")  # another framework
    plain = EnterpriseFactory(name="无要求链主")
    link(plain, s2)
    return {"anchor": anchor, "plain": plain}


def passed_deadline(anchor) -> None:
    """The anchor's tier-2 requirement fell due in 2020 (saved one by one, as the
    requirement services save: what coverage counts follows saves)."""
    for requirement in SupplyRequirement.objects.filter(anchor=anchor, group="tier", tier=2):
        requirement.deadline = dt.date(2020, 1, 1)
        requirement.save(update_fields=["deadline"])


def coverage(personas: Personas, **params: str) -> dict:
    scope = analytics_scope_for(personas.officer)
    return analytics_dashboard(
        scope, analytics_filters_parse(scope, {"framework": "report-fw", **params})
    )["coverage"]


def test_each_supplier_is_held_to_the_highest_level_its_requirements_ask(
    personas: Personas, chain: dict, settings
) -> None:
    settings.GRADIENT_BENCHMARK_MIN_GROUP = 1
    out = coverage(personas)
    rows = {row["name"]: row for row in out["anchors"]}
    assert out["count"] == 2
    row = rows["苏州链主"]
    # s1 (tag: L2) is L2; s2 (L1) is L1; s3 is unassessed; s5 (tag: L2) is below L1.
    assert {
        key: row[key]
        for key in (
            "suppliers_total",
            "suppliers",
            "outside_scope",
            "assessed",
            "with_requirement",
            "at_required",
            "assessed_share",
            "at_required_share",
        )
    } == {
        "suppliers_total": 5,
        "suppliers": 4,
        "outside_scope": 1,
        "assessed": 3,
        "with_requirement": 4,
        "at_required": 2,
        "assessed_share": 75.0,
        "at_required_share": 50.0,
    }
    plain = rows["无要求链主"]
    assert (plain["suppliers"], plain["with_requirement"], plain["at_required_share"]) == (
        1,
        0,
        None,
    )
    assert out["total"]["suppliers"] == 5 and out["total"]["at_required"] == 2


def test_the_required_level_share_is_suppressed_below_k(personas: Personas, chain: dict) -> None:
    row = {r["name"]: r for r in coverage(personas)["anchors"]}["苏州链主"]
    assert row["suppressed"] is True
    assert row["at_required"] is None and row["at_required_share"] is None
    assert row["assessed"] == 3  # participation stays


def test_an_officer_of_another_region_sees_no_suzhou_anchor(
    personas: Personas, chain: dict
) -> None:
    scope = analytics_scope_for(personas.other_officer)
    out = analytics_dashboard(scope, analytics_filters_parse(scope, {"framework": "report-fw"}))[
        "coverage"
    ]
    assert out["count"] == 0


def test_the_list_behind_an_anchor_holds_its_accepted_suppliers_in_scope(
    personas: Personas, chain: dict
) -> None:
    response = api_as(personas.officer).get(
        reverse("api-analytics-enterprises"),
        {"framework": "report-fw", "anchor": chain["anchor"].pk},
    )
    assert response.status_code == 200
    names = [row["name"] for row in response.json()["results"]]
    assert sorted(names) == sorted(["一号供应商", "二号供应商", "三号供应商", "五号供应商"])


def test_dimension_minimums_are_checked_supplier_by_supplier(
    personas: Personas, chain: dict, settings
) -> None:
    settings.GRADIENT_BENCHMARK_MIN_GROUP = 1
    # s2 stands at L1 with data at 50%: the minimum level alone would be met.
    require(chain["anchor"], level="L1", min_dimension_percents={"data": 60})
    row = {r["name"]: r for r in coverage(personas)["anchors"]}["苏州链主"]
    assert (row["with_requirement"], row["at_required"], row["at_required_share"]) == (4, 1, 25.0)
    assert row["overdue"] == 0  # every deadline is in 2030


def test_suppliers_short_of_a_passed_deadline_count_as_overdue(
    personas: Personas, chain: dict, settings
) -> None:
    settings.GRADIENT_BENCHMARK_MIN_GROUP = 1
    passed_deadline(anchor=chain["anchor"])
    out = coverage(personas)
    row = {r["name"]: r for r in out["anchors"]}["苏州链主"]
    # Tier 2 must be L1 since 2020: s2 is, s5 (below L1) is not.
    assert (row["at_required"], row["overdue"]) == (2, 1)
    assert out["total"]["overdue"] == 1


def test_a_dimension_minimum_every_supplier_meets_changes_nothing(
    personas: Personas, chain: dict, settings
) -> None:
    """Levels of all suppliers or of a tier, then the same with a dimension minimum that
    every assessed supplier meets: the same answer."""
    settings.GRADIENT_BENCHMARK_MIN_GROUP = 1
    anchor = chain["anchor"]
    SupplyRequirement.objects.filter(anchor=anchor, group="tag").delete()
    passed_deadline(anchor=anchor)
    require(anchor, level="L2", group="tier", tier=1)
    by_rank = {r["name"]: r for r in coverage(personas)["anchors"]}["苏州链主"]
    # A minimum every assessed supplier meets (and the unassessed still miss).
    require(anchor, level="L1", min_dimension_percents={"data": 0})
    by_link = {r["name"]: r for r in coverage(personas)["anchors"]}["苏州链主"]
    assert by_rank == by_link
    # s1 (tier 1, L2) meets all; s2 (tier 2, L1) too; s3 (tier 1, unassessed) does not;
    # s5 (tier 2, below L1) does not and is past the 2020 deadline.
    assert (by_rank["with_requirement"], by_rank["at_required"], by_rank["overdue"]) == (4, 2, 1)


def test_the_dashboard_shows_overdue_suppliers(
    personas: Personas, chain: dict, client, settings
) -> None:
    settings.GRADIENT_BENCHMARK_MIN_GROUP = 1
    passed_deadline(anchor=chain["anchor"])
    client.force_login(personas.officer)
    html = client.get(reverse("analytics"), {"framework": "report-fw"}).content.decode()
    assert "逾期未达要求" in html or "已过期限" in html


def test_the_anchors_shown_are_the_first_by_suppliers_then_name(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    # Ties at the cut are broken by name, though names are read for the anchors shown
    # (and those tied with the last of them) only.
    suppliers = [EnterpriseFactory(name=f"供应商{i}") for i in range(4)]
    # The tied anchors are created against their names' order (丁 < 丙 < 乙), so a cut
    # that ignored names would keep the wrong one.
    counts = {"甲链主": 3, "乙链主": 2, "丙链主": 2, "丁链主": 2, "戊链主": 1, "己链主": 4}
    for name, n in counts.items():
        anchor = EnterpriseFactory(name=name, region_id="320506")
        for supplier in suppliers[:n]:
            link(anchor, supplier)
    expected = sorted(counts, key=lambda name: (-counts[name], name))
    scope = analytics_scope_for(personas.officer)
    filters = analytics_filters_parse(scope, {"framework": "report-fw"})
    for limit in range(len(counts) + 2):
        found = anchor_chain_coverage(scope, filters, limit=limit)
        assert [row["name"] for row in found["anchors"]] == expected[:limit]
        assert found["count"] == len(counts)
        assert found["total"]["suppliers"] == sum(counts.values())
