"""Who may see cluster analytics, and that an officer sees only their own scope."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from assessments.models import FrameworkVersion
from reports.analytics.scope import analytics_filters_parse, analytics_scope_for
from reports.analytics.selectors import analytics_dashboard
from tests.conftest import Personas, api_as
from tests.reports.analytics_data import SUZHOU, WUXI, population

pytestmark = pytest.mark.django_db

PAGES = ["analytics", "analytics-enterprises"]
APIS = ["api-analytics-summary", "api-analytics-enterprises"]
EXPECTED = {
    "admin": 403,
    "editor": 403,
    "viewer": 403,
    "outsider": 403,
    "anchor": 403,
    "officer": 200,
    "other_officer": 200,
    "assessor": 403,
    "platform_admin": 403,
}


@pytest.mark.parametrize("name", APIS)
def test_only_bureau_officers_may_call_the_analytics_api(
    personas: Personas, report_framework: FrameworkVersion, name: str
) -> None:
    for persona, user in personas.all().items():
        response = api_as(user).get(reverse(name), {"framework": "report-fw"})
        assert response.status_code == EXPECTED[persona], persona
        if response.status_code == 403:
            assert response.json()["detail"]
    assert api_as(None).get(reverse(name)).status_code == 401


@pytest.mark.parametrize("name", PAGES)
def test_only_bureau_officers_may_open_the_analytics_pages(
    personas: Personas, report_framework: FrameworkVersion, name: str
) -> None:
    for persona, user in personas.all().items():
        client = Client()
        client.force_login(user)
        response = client.get(reverse(name), {"framework": "report-fw"})
        assert response.status_code == EXPECTED[persona], persona
    anonymous = Client().get(reverse(name))
    assert anonymous.status_code == 302
    assert anonymous["Location"].startswith(reverse("login"))


def test_officers_see_the_analytics_link_and_others_do_not(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    for persona, user in personas.all().items():
        client = Client()
        client.force_login(user)
        html = client.get(reverse("dashboard")).content.decode()
        assert (reverse("analytics") in html) == (EXPECTED[persona] == 200), persona


@pytest.fixture
def two_cities(personas: Personas, report_framework: FrameworkVersion) -> dict[str, list]:
    return {
        "suzhou": population(18, regions=SUZHOU),
        "wuxi": population(9, regions=WUXI, offset=100),
    }


def test_an_officer_of_another_region_sees_none_of_suzhou_in_the_api(
    personas: Personas, two_cities: dict[str, list]
) -> None:
    wuxi = api_as(personas.other_officer)
    body = wuxi.get(reverse("api-analytics-summary"), {"framework": "report-fw"}).json()
    # Wuxi: its 9 enterprises plus the personas' anchor firm (320214).
    assert body["enterprises"] == 10
    listed = wuxi.get(
        reverse("api-analytics-enterprises"), {"framework": "report-fw", "page_size": 200}
    ).json()
    names = {row["name"] for row in listed["results"]}
    assert not names & {e.name for e in two_cities["suzhou"]}
    assert personas.enterprise.name not in names
    assert names >= {e.name for e in two_cities["wuxi"]}


def test_an_officer_of_another_region_sees_none_of_suzhou_on_the_pages(
    personas: Personas, two_cities: dict[str, list]
) -> None:
    client = Client()
    client.force_login(personas.other_officer)
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    html = client.get(reverse("analytics"), {"framework": "report-fw"}).content.decode()
    html += client.get(
        reverse("analytics-enterprises"), {"framework": "report-fw"}
    ).content.decode()
    for enterprise in [*two_cities["suzhou"], personas.enterprise]:
        assert enterprise.name not in html
    assert "Suzhou" not in html and "苏州" not in html
    assert "Wuxi" in html


def test_asking_for_a_region_outside_the_scope_is_refused_by_name(
    personas: Personas, two_cities: dict[str, list]
) -> None:
    response = api_as(personas.other_officer).get(
        reverse("api-analytics-summary"), {"framework": "report-fw", "region": "320505"}
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["region"]
    client = Client()
    client.force_login(personas.other_officer)
    page = client.get(reverse("analytics"), {"framework": "report-fw", "region": "320505"})
    assert page.status_code == 400
    html = page.content.decode()
    assert "苏州" not in html and "虎丘" not in html
    assert "This region is outside your scope." in html or "超出" in html


def test_an_anchor_outside_the_scope_cannot_be_listed(
    personas: Personas, two_cities: dict[str, list]
) -> None:
    suzhou_firm = two_cities["suzhou"][0]
    response = api_as(personas.other_officer).get(
        reverse("api-analytics-enterprises"), {"framework": "report-fw", "anchor": suzhou_firm.pk}
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["anchor"]
    assert suzhou_firm.name not in response.content.decode()


def test_a_cluster_scope_sees_only_its_clusters(
    personas: Personas, two_cities: dict[str, list]
) -> None:
    from enterprises import services

    officer = services.bureau_officer_create(
        username="officer-iot",
        password="pw-Gradient-2026",
        region_codes=["320500"],
        cluster_codes=["iot"],
    ).user
    client = api_as(officer)
    body = client.get(reverse("api-analytics-summary"), {"framework": "report-fw"}).json()
    in_iot = [e for e in two_cities["suzhou"] if e.clusters.filter(pk="iot").exists()]
    assert body["enterprises"] == len(in_iot)
    # Its members' other clusters are not broken down for it.
    assert any(e.clusters.count() > 1 for e in in_iot)
    scope = analytics_scope_for(officer)
    out = analytics_dashboard(scope, analytics_filters_parse(scope, {"framework": "report-fw"}))
    assert [row["key"] for row in out["by_cluster"]] == ["iot"]
    assert [row["key"] for row in out["heatmap"]["rows"]] == ["iot"]
    refused = client.get(
        reverse("api-analytics-summary"),
        {"framework": "report-fw", "cluster": "construction-machinery"},
    )
    assert refused.status_code == 400
    assert list(refused.json()["errors"]) == ["cluster"]


@pytest.mark.parametrize(
    ("params", "fields"),
    [
        ({"framework": "no-such"}, ["framework"]),
        ({"cluster": "no-such"}, ["cluster"]),
        ({"region": "999999"}, ["region"]),
        ({"region": "3205"}, ["region"]),
        ({"industry": "Z99"}, ["industry"]),
        ({"size": "huge"}, ["size"]),
        ({"industry": "Z99", "size": "huge", "cluster": "x"}, ["cluster", "industry", "size"]),
    ],
)
def test_bad_filters_are_400_naming_each_field(
    personas: Personas, report_framework: FrameworkVersion, params: dict, fields: list
) -> None:
    response = api_as(personas.officer).get(reverse("api-analytics-summary"), params)
    assert response.status_code == 400
    assert sorted(response.json()["errors"]) == fields


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"level": "L9"}, "level"),
        ({"assessed": "maybe"}, "assessed"),
        ({"gate": "nonsense"}, "gate"),
        ({"anchor": "abc"}, "anchor"),
    ],
)
def test_bad_list_filters_are_400_naming_the_field(
    personas: Personas, report_framework: FrameworkVersion, params: dict, field: str
) -> None:
    response = api_as(personas.officer).get(
        reverse("api-analytics-enterprises"), {"framework": "report-fw", **params}
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == [field]
    client = Client()
    client.force_login(personas.officer)
    page = client.get(reverse("analytics-enterprises"), {"framework": "report-fw", **params})
    assert page.status_code == 400


def test_the_analytics_endpoints_are_described_in_the_schema(tmp_path) -> None:
    from django.core.management import call_command

    call_command("spectacular", "--validate", "--fail-on-warn", "--file", str(tmp_path / "s.yaml"))
    text = (tmp_path / "s.yaml").read_text()
    for path in ("/api/v1/analytics/summary/", "/api/v1/analytics/enterprises/"):
        assert path in text
    for field in ("assessed_share", "suppressed", "min_group", "level_name"):
        assert field in text
