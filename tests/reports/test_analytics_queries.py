"""Analytics pages and API calls do a fixed number of queries, whatever the data size."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from assessments.models import Framework, FrameworkVersion
from assessments.services import frameworks as fw_services
from reports.analytics.snapshots import analytics_snapshots_build_all
from reports.models import SupplyRequirement
from tests.conftest import Personas, api_as
from tests.reports.analytics_data import link, population
from tests.reports.conftest import REPORT_YAML

pytestmark = pytest.mark.django_db


def grow(personas: Personas, n: int, offset: int) -> None:
    """n more enterprises, an anchor with n // 3 suppliers and a requirement, snapshots."""
    made = population(n, offset=offset)
    anchor = made[0]
    for supplier in made[1 : 1 + n // 3]:
        link(anchor, supplier, tier=1 + supplier.pk % 2, tags=["关键"] if supplier.pk % 3 else [])
    SupplyRequirement.objects.create(
        anchor=anchor,
        framework=Framework.objects.get(code="report-fw"),
        group="tag",
        tag="关键",
        min_level_code="L1",
        deadline=dt.date(2030, 1, 1),
    )
    analytics_snapshots_build_all(now=None)


def queries(client: object, name: str, params: dict) -> int:
    with CaptureQueriesContext(connection) as captured:
        response = client.get(reverse(name), params)  # type: ignore[attr-defined]
    assert response.status_code == 200
    return len(captured)


def page_client(personas: Personas) -> Client:
    client = Client()
    client.force_login(personas.officer)
    return client


CALLS = [
    ("page", "analytics", {"framework": "report-fw"}),
    ("page", "analytics", {"framework": "report-fw", "cluster": "iot", "size": "large"}),
    ("page", "analytics-enterprises", {"framework": "report-fw", "level": "L1"}),
    ("api", "api-analytics-summary", {"framework": "report-fw", "industry": "C34"}),
    ("api", "api-analytics-enterprises", {"framework": "report-fw", "assessed": "yes"}),
]


@pytest.mark.parametrize(("kind", "name", "params"), CALLS)
def test_query_counts_do_not_grow_with_the_data(
    personas: Personas, report_framework: FrameworkVersion, kind: str, name: str, params: dict
) -> None:
    client = page_client(personas) if kind == "page" else api_as(personas.officer)
    grow(personas, 12, 0)
    queries(client, name, params)  # warm the compiled-framework cache
    small = queries(client, name, params)
    grow(personas, 40, 500)
    large = queries(client, name, params)
    assert small == large
    assert large <= 30


def test_the_anchor_list_query_count_does_not_grow(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    grow(personas, 12, 0)
    client = api_as(personas.officer)
    anchor = SupplyRequirement.objects.get().anchor_id
    params = {"framework": "report-fw", "anchor": anchor}
    queries(client, "api-analytics-enterprises", params)
    small = queries(client, "api-analytics-enterprises", params)
    grow(personas, 40, 500)
    assert queries(client, "api-analytics-enterprises", params) == small


def test_the_dashboard_reads_older_framework_versions_once(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    """Results on older versions are named from their documents: every read of the
    dashboard needs them, and one query fetches them for all of the reads."""
    grow(personas, 12, 0)
    for number in ("2", "3"):
        fw_services.framework_import(
            source=REPORT_YAML.replace('version: "1"', f'version: "{number}"'), publish=True
        )
        grow(personas, 6, 100 * int(number))
    client = page_client(personas)
    params = {"framework": "report-fw"}
    queries(client, "analytics", params)  # warm the compiled-framework cache
    with CaptureQueriesContext(connection) as captured:
        assert client.get(reverse("analytics"), params).status_code == 200
    version_reads = [
        q["sql"]
        for q in captured.captured_queries
        if 'FROM "assessments_frameworkversion"' in q["sql"] and '"id" IN (' in q["sql"]
    ]
    assert len(version_reads) == 1, version_reads
