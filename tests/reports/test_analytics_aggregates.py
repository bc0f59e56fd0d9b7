"""The dashboard's numbers equal a reference computed with pandas from the raw rows."""

from __future__ import annotations

import pytest
from django.test import Client
from django.urls import reverse

from assessments.models import FrameworkVersion
from reports.analytics.scope import analytics_filters_parse, analytics_scope_for
from reports.analytics.selectors import analytics_dashboard, enterprise_list
from tests.conftest import Personas, api_as
from tests.reports.analytics_data import population, reference

pytestmark = pytest.mark.django_db

SUZHOU_PREFIX = ["3205"]


@pytest.fixture
def no_suppression(settings) -> None:
    settings.GRADIENT_BENCHMARK_MIN_GROUP = 1


@pytest.fixture
def data(personas: Personas, report_framework: FrameworkVersion, no_suppression: None) -> None:
    population(45)


def counts(row: dict) -> dict:
    """A dashboard group in the reference's shape (levels without zero counts)."""
    return {
        "enterprises": row["enterprises"],
        "assessed": row["assessed"],
        "levels": {lv["code"]: lv["count"] for lv in row["levels"][1:] if lv["count"]},
    }


def dashboard(personas: Personas, **params: str) -> dict:
    scope = analytics_scope_for(personas.officer)
    filters = analytics_filters_parse(scope, {"framework": "report-fw", **params})
    return analytics_dashboard(scope, filters)


def test_overview_and_breakdowns_equal_the_reference(personas: Personas, data: None) -> None:
    ref = reference(SUZHOU_PREFIX)
    # The personas' own Suzhou enterprise is registered and unassessed.
    assert ref["enterprises"] > 20 and ref["assessed"] > 10
    out = dashboard(personas)
    assert counts(out["overview"]) == {
        "enterprises": ref["enterprises"],
        "assessed": ref["assessed"],
        "levels": ref["levels"],
    }
    assert {row["key"]: counts(row) for row in out["by_city"]} == ref["city"]
    assert {row["key"]: counts(row) for row in out["by_industry"]} == ref["industry"]
    assert {row["key"]: counts(row) for row in out["by_size"]} == ref["size"]
    assert {row["key"]: counts(row) for row in out["by_cluster"]} == ref["cluster"]


def test_confirmed_lower_levels_and_the_latest_settled_result_are_what_counts(
    personas: Personas, data: None
) -> None:
    levels = {lv["code"]: lv["count"] for lv in dashboard(personas)["overview"]["levels"]}
    ref = reference(SUZHOU_PREFIX)
    # L2 holds the confirmed L2s and those whose older L1 was superseded; L1 holds the
    # confirmed-lower ones; pending and returned assessments count nowhere.
    assert levels["L2"] == ref["levels"]["L2"] > 0
    assert levels["L1"] == ref["levels"]["L1"] > 0
    assert levels[""] == ref["levels"][""] > 0


def test_dimension_means_and_the_heatmap_equal_the_reference(
    personas: Personas, data: None
) -> None:
    ref = reference(SUZHOU_PREFIX)
    out = dashboard(personas)
    for dimension in out["dimensions"]:
        assert dimension["mean"] == pytest.approx(ref["dimension_mean"][dimension["key"]], abs=1e-3)
        if dimension["scored"]:
            assert dimension["mean_percent"] == pytest.approx(
                ref["dimension_percent"][dimension["key"]], abs=0.05
            )
        else:
            assert dimension["mean_percent"] is None
    keys = [column["key"] for column in out["heatmap"]["columns"]]
    assert keys == ["equip", "data", "people"]
    for row in out["heatmap"]["rows"]:
        for key, cell in zip(keys, row["cells"], strict=True):
            assert cell["value"] == pytest.approx(ref["heatmap"][(row["key"], key)], abs=0.05)


def test_unmet_gates_equal_the_reference(personas: Personas, data: None) -> None:
    ref = reference(SUZHOU_PREFIX)
    gates = dashboard(personas)["gates"]["overall"]
    assert {(g["level_code"], g["gate_index"]): g["count"] for g in gates} == ref["gates"]
    first = gates[0]
    assert first["label"]
    assert first["key"].endswith(f".{first['level_code']}.{first['gate_index']}")


def test_filters_narrow_every_number_like_the_reference(personas: Personas, data: None) -> None:
    ref = reference(SUZHOU_PREFIX)
    out = dashboard(personas, industry="C38")
    assert counts(out["overview"]) == ref["industry"]["C38"]
    out = dashboard(personas, region="320583")
    assert counts(out["overview"]) == reference(["320583"])["city"]["320500"]
    out = dashboard(personas, cluster="iot")
    assert counts(out["overview"]) == ref["cluster"]["iot"]


def test_the_list_behind_each_number_holds_exactly_that_many_enterprises(
    personas: Personas, data: None
) -> None:
    out = dashboard(personas)
    client = api_as(personas.officer)
    for level in out["overview"]["levels"]:
        response = client.get(reverse("api-analytics-enterprises"), level["link"])
        assert response.status_code == 200, response.json()
        assert response.json()["count"] == level["count"], level["code"]
    for gate in out["gates"]["overall"]:
        response = client.get(reverse("api-analytics-enterprises"), gate["link"])
        assert response.json()["count"] == gate["count"]
    for row in out["by_cluster"]:
        response = client.get(reverse("api-analytics-enterprises"), row["link"])
        assert response.json()["count"] == row["enterprises"]


def test_the_summary_api_equals_the_reference(personas: Personas, data: None) -> None:
    ref = reference(SUZHOU_PREFIX)
    response = api_as(personas.officer).get(
        reverse("api-analytics-summary"), {"framework": "report-fw"}
    )
    assert response.status_code == 200
    body = response.json()
    assert body["enterprises"] == ref["enterprises"]
    assert body["assessed"] == ref["assessed"]
    assert body["levels"] == {"L1": ref["levels"]["L1"], "L2": ref["levels"]["L2"]}
    assert body["no_level"] == ref["levels"][""]
    assert body["suppressed"] is False
    means = {d["key"]: d["mean"] for d in body["dimensions"]}
    for key, mean in ref["dimension_mean"].items():
        assert means[key] == pytest.approx(mean, abs=1e-3)


def test_the_page_shows_the_same_counts(personas: Personas, data: None) -> None:
    ref = reference(SUZHOU_PREFIX)
    client = Client()
    client.force_login(personas.officer)
    html = client.get(reverse("analytics"), {"framework": "report-fw"}).content.decode()
    assert f">{ref['enterprises']}</a>" in html
    assert f">{ref['assessed']}</a>" in html


def test_the_enterprise_list_pages_through_every_enterprise_once(
    personas: Personas, data: None
) -> None:
    scope = analytics_scope_for(personas.officer)
    filters = analytics_filters_parse(scope, {"framework": "report-fw"})
    seen = []
    page = enterprise_list(scope, filters, {}, page=1, per_page=10)
    while True:
        seen += [row["id"] for row in page.object_list]
        if not page.has_next():
            break
        page = enterprise_list(scope, filters, {}, page=page.next_page_number(), per_page=10)
    assert len(seen) == len(set(seen)) == reference(SUZHOU_PREFIX)["enterprises"]


def test_results_of_an_older_version_count_under_their_own_dimension_and_gate_order(
    personas: Personas, report_framework: FrameworkVersion, no_suppression: None
) -> None:
    import yaml

    from assessments.services import frameworks as fw_services
    from tests.factories import EnterpriseFactory
    from tests.reports.analytics_data import settle
    from tests.reports.conftest import BEST, LEVEL1, REPORT_YAML

    doc = yaml.safe_load(REPORT_YAML)
    doc["version"] = "2"
    # Version 2 lists the data dimension first and asks L1 for a higher total, with a
    # second gate in front of the first.
    doc["dimensions"] = [doc["dimensions"][1], doc["dimensions"][0], *doc["dimensions"][2:]]
    doc["levels"][0]["gates"] = [
        {"type": "dimension_at_least", "dimension": "people", "value": 2},
        {"type": "total_at_least", "value": 3},
    ]
    newer = fw_services.framework_import(
        source=yaml.safe_dump(doc, allow_unicode=True), publish=True
    )
    for i, answers in enumerate([LEVEL1, {"q_net": "full"}, {}, BEST]):
        settle(EnterpriseFactory(name=f"旧版企业{i}"), answers, version=report_framework)
    for i, answers in enumerate([LEVEL1, {"q_data": "all"}, {}]):
        settle(EnterpriseFactory(name=f"新版企业{i}"), answers, version=newer)
    ref = reference(SUZHOU_PREFIX)
    out = dashboard(personas)
    assert counts(out["overview"])["levels"] == ref["levels"]
    for dimension in out["dimensions"]:
        assert dimension["mean"] == pytest.approx(ref["dimension_mean"][dimension["key"]], abs=1e-3)
    # Gates are named per version: both versions' L1 gates appear, counted apart.
    versions = {g["version_id"] for g in out["gates"]["overall"]}
    assert versions == {report_framework.pk, newer.pk}
    by_key = {
        (g["version_id"], g["level_code"], g["gate_index"]): g for g in out["gates"]["overall"]
    }
    assert by_key[(newer.pk, "L1", 0)]["label"].startswith("「人才」")
    reference_gates = ref["gates_by_version"]
    assert {key: g["count"] for key, g in by_key.items()} == reference_gates
