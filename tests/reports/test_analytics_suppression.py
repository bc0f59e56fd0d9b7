"""Groups with fewer than K assessed enterprises do not show their results."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse
from hypothesis import given
from hypothesis import strategies as st

from assessments.models import FrameworkVersion
from reports.analytics.scope import analytics_filters_parse, analytics_scope_for
from reports.analytics.selectors import analytics_dashboard
from reports.analytics.suppression import suppress_partition
from tests.conftest import Personas, api_as
from tests.factories import EnterpriseFactory
from tests.reports.analytics_data import settle
from tests.reports.conftest import BEST, LEVEL1


def test_a_small_group_is_hidden_and_so_is_the_next_smallest() -> None:
    # 3 is below 5; hiding it alone would let total - 12 - 9 reveal it.
    assert suppress_partition([12, 3, 9], 5) == [False, True, True]


def test_small_groups_that_together_reach_k_hide_nothing_more() -> None:
    assert suppress_partition([12, 3, 2, 9], 5) == [False, True, True, False]


def test_empty_groups_are_never_hidden() -> None:
    assert suppress_partition([0, 7, 0], 5) == [False, False, False]


@given(st.lists(st.integers(min_value=0, max_value=30), max_size=12), st.integers(1, 8))
def test_the_hidden_groups_hold_none_or_at_least_k_and_every_small_group_is_hidden(
    sizes: list[int], k: int
) -> None:
    hidden = suppress_partition(sizes, k)
    held = sum(n for n, h in zip(sizes, hidden, strict=True) if h)
    assert held == 0 or held >= k or all(hidden[i] for i, n in enumerate(sizes) if n)
    assert all(hidden[i] for i, n in enumerate(sizes) if 0 < n < k)


@pytest.fixture
def groups(personas: Personas, report_framework: FrameworkVersion) -> None:
    """Industry C34: six assessed (five L1, one L2). C39: five L1. C38: two, both L2."""
    for i in range(5):
        settle(EnterpriseFactory(name=f"中组企业{i}", industry_id="C39"), LEVEL1)
    for i in range(5):
        settle(EnterpriseFactory(name=f"大组企业{i}", industry_id="C34"), LEVEL1)
    settle(EnterpriseFactory(name="大组二级企业", industry_id="C34"), BEST, confirmed="L2")
    for i in range(2):
        settle(EnterpriseFactory(name=f"小组企业{i}", industry_id="C38"), BEST, confirmed="L2")


def dashboard(personas: Personas, **params: str) -> dict:
    scope = analytics_scope_for(personas.officer)
    return analytics_dashboard(
        scope, analytics_filters_parse(scope, {"framework": "report-fw", **params})
    )


@pytest.mark.django_db
def test_an_industry_with_fewer_than_k_assessed_hides_its_levels_and_the_next_smallest(
    personas: Personas, groups: None
) -> None:
    rows = {row["key"]: row for row in dashboard(personas)["by_industry"]}
    assert rows["C34"]["suppressed"] is False
    assert rows["C38"]["suppressed"] is True
    # Shown, C39 would give C38's levels away: all of them minus C34's and C39's.
    assert rows["C39"]["suppressed"] is True
    # Participation stays visible.
    assert (rows["C38"]["enterprises"], rows["C38"]["assessed"]) == (2, 2)


@pytest.mark.django_db
def test_a_filtered_view_below_k_hides_levels_means_and_gates(
    personas: Personas, groups: None
) -> None:
    out = dashboard(personas, industry="C38")
    assert out["overview"]["suppressed"] is True
    assert all(d["mean"] is None for d in out["dimensions"])
    assert out["gates"]["overall"] == []
    body = (
        api_as(personas.officer)
        .get(reverse("api-analytics-summary"), {"framework": "report-fw", "industry": "C38"})
        .json()
    )
    assert body["suppressed"] is True
    assert body["levels"] == {} and body["no_level"] is None and body["mean_percent"] is None
    assert {d["mean"] for d in body["dimensions"]} == {None}
    assert (body["enterprises"], body["assessed"]) == (2, 2)


@pytest.mark.django_db
def test_the_page_says_a_group_is_too_small_instead_of_showing_it(
    personas: Personas, groups: None
) -> None:
    client = Client()
    client.force_login(personas.officer)
    client.cookies["django_language"] = "en"
    html = client.get(
        reverse("analytics"), {"framework": "report-fw", "industry": "C38"}
    ).content.decode()
    assert "Fewer than 5 assessed: results not shown" in html
    assert "level=L2" not in html


@pytest.mark.django_db
def test_the_threshold_is_a_setting(personas: Personas, groups: None, settings) -> None:
    settings.GRADIENT_BENCHMARK_MIN_GROUP = 2
    out = dashboard(personas, industry="C38")
    assert out["overview"]["suppressed"] is False
    assert {lv["code"]: lv["count"] for lv in out["overview"]["levels"]}["L2"] == 2
    settings.GRADIENT_BENCHMARK_MIN_GROUP = 14  # 13 assessed in all
    assert dashboard(personas)["overview"]["suppressed"] is True
    settings.GRADIENT_BENCHMARK_MIN_GROUP = 13
    assert dashboard(personas)["overview"]["suppressed"] is False


@pytest.mark.django_db
def test_a_cluster_below_k_hides_its_heatmap_row_and_its_gates(
    personas: Personas, groups: None
) -> None:
    for enterprise in EnterpriseFactory._meta.model.objects.filter(name__startswith="小组"):
        enterprise.clusters.set(["iot"])
    for enterprise in EnterpriseFactory._meta.model.objects.filter(name__startswith="大组"):
        enterprise.clusters.set(["new-power-equipment"])
    out = dashboard(personas)
    clusters = {row["key"]: row for row in out["by_cluster"]}
    assert clusters["iot"]["suppressed"] and not clusters["new-power-equipment"]["suppressed"]
    heat = {row["key"]: row["cells"] for row in out["heatmap"]["rows"]}
    assert {cell["value"] for cell in heat["iot"]} == {None}
    assert all(cell["suppressed"] for cell in heat["iot"])
    assert all(cell["value"] is not None for cell in heat["new-power-equipment"])
    assert [c["key"] for c in out["gates"]["clusters"]] == ["new-power-equipment"]
