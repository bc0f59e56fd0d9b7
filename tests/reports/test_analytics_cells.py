"""The settled cells the dashboards sum follow every change to what they count, and add
up to exactly what a scan of the enterprises gives."""

from __future__ import annotations

import importlib
import itertools
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection

from assessments.models import Assessment, FrameworkVersion, SettledCell, SettledResult
from assessments.services.cells import Delta, Facet, cells_drift, cells_rebuild
from assessments.services.rescoring import results_rescore
from assessments.services.settled import settled_result_refresh
from enterprises.models import Cluster, Enterprise
from enterprises.services import enterprise_update
from reports.analytics.queries import (
    Group,
    cell_rows,
    cells_filter,
    level_rows,
    scanned_level_rows,
)
from reports.analytics.scope import AnalyticsScope, analytics_filters_parse
from reports.tasks import check_analytics_tables
from tests.conftest import Personas
from tests.factories import EnterpriseFactory, valid_uscc
from tests.reports.analytics_data import population, settle
from tests.reports.conftest import BEST, LEVEL1

pytestmark = pytest.mark.django_db

PROVINCE = AnalyticsScope(prefixes=("32",))
SUZHOU = AnalyticsScope(prefixes=("3205",))
IOT = AnalyticsScope(prefixes=("32",), clusters=("iot",))
BREAKDOWNS = [(), ("city", "industry_id", "size_class"), ("clusters",), ("city",)]


@pytest.fixture
def world(personas: Personas, report_framework: FrameworkVersion) -> list[Enterprise]:
    return population(27)


def no_drift() -> None:
    assert cells_drift() == []


def folded(rows: list[dict], by: tuple[str, ...]) -> dict:
    """Rows folded into groups by `by`, as the dashboard folds them (rounded sums)."""
    groups: dict = {}
    for row in rows:
        key = tuple(row[name] for name in by)
        groups.setdefault(key, Group()).add_row(row)
    return {
        key: (
            group.enterprises,
            dict(group.levels),
            round(group.percent_sum, 6),
            group.percent_n,
            dict(group.versions),
            {k: round(v, 6) for k, v in group.dimensions.items()},
            dict(group.gates),
        )
        for key, group in groups.items()
    }


def same_as_scan(scope: AnalyticsScope, **params: str) -> int:
    """Every breakdown, with and without details, summed from cells equals the scan;
    returns how many the cells answered."""
    filters = analytics_filters_parse(scope, {"framework": "report-fw", **params})
    answered = 0
    for by, details in itertools.product(BREAKDOWNS, (False, True)):
        scanned = folded(scanned_level_rows(scope, filters, *by, details=details), by)
        cells = cells_filter(scope, filters, by)
        if cells is None:
            continue
        answered += 1
        rows = cell_rows(cells, filters, by, details=details)
        # Counts come back as ints (read past Django's conversions), never as decimals.
        assert all(type(row["n"]) is int and type(row["percent_n"]) is int for row in rows)
        summed = folded(rows, by)
        if "clusters" in by:  # the dashboard keeps the scope's clusters only
            scanned = {k: v for k, v in scanned.items() if scope.covers_cluster(k[0])}
        assert summed == scanned, (by, details, params)
    return answered


def test_the_cells_of_a_population_are_its_rows(world: list[Enterprise]) -> None:
    assert SettledCell.objects.filter(n__gt=0).exists()
    no_drift()


@pytest.mark.parametrize(
    ("scope", "params"),
    [
        (PROVINCE, {}),
        (SUZHOU, {}),
        (PROVINCE, {"region": "320500"}),
        (PROVINCE, {"industry": "C34", "size": "small"}),
        (PROVINCE, {"cluster": "iot"}),
        (IOT, {}),
        (IOT, {"region": "320500", "industry": "C38"}),
    ],
)
def test_cells_add_up_to_what_the_scan_gives(
    world: list[Enterprise], scope: AnalyticsScope, params: dict
) -> None:
    assert same_as_scan(scope, **params) > 0


def test_what_cells_do_not_count_is_scanned(world: list[Enterprise]) -> None:
    county = AnalyticsScope(prefixes=("320505",))
    two_clusters = AnalyticsScope(prefixes=("32",), clusters=("iot", "new-power-equipment"))
    filters = analytics_filters_parse(county, {"framework": "report-fw"})
    assert cells_filter(county, filters, ()) is None
    in_county = analytics_filters_parse(PROVINCE, {"framework": "report-fw", "region": "320505"})
    assert cells_filter(PROVINCE, in_county, ()) is None
    in_iot = analytics_filters_parse(PROVINCE, {"framework": "report-fw", "cluster": "iot"})
    assert cells_filter(PROVINCE, in_iot, ("clusters",)) is None
    assert cells_filter(PROVINCE, in_iot, ()) is not None
    both = analytics_filters_parse(two_clusters, {"framework": "report-fw"})
    assert cells_filter(two_clusters, both, ()) is None
    assert cells_filter(two_clusters, both, ("clusters",)) is not None
    # An enterprise in both clusters counts once; the scan says so, and level_rows scans.
    rows = level_rows(two_clusters, both)
    members = (
        Enterprise.objects.filter(clusters__in=["iot", "new-power-equipment"]).distinct().count()
    )
    assert sum(row["n"] for row in rows) == members


def test_cells_follow_profile_edits_and_cluster_memberships(world: list[Enterprise]) -> None:
    moved, other, third = world[0], world[4], world[5]
    assert SettledResult.objects.filter(enterprise=moved).exists()
    enterprise_update(
        enterprise=moved,
        name=moved.name,
        region_code="320214",  # Suzhou -> Wuxi
        industry_code="C39",
        employees=5,
        revenue_10k_yuan=Decimal(50),
        cluster_codes=["construction-machinery", "iot"],
    )
    no_drift()
    other.clusters.add("iot", "new-power-equipment")
    no_drift()
    other.clusters.remove("iot", "construction-machinery")  # one of them is no membership
    no_drift()
    other.clusters.clear()
    no_drift()
    iot = Cluster.objects.get(pk="iot")
    iot.enterprises.add(third, other)  # from the cluster's side
    no_drift()
    iot.enterprises.remove(third)
    no_drift()
    iot.enterprises.clear()
    no_drift()
    assert same_as_scan(PROVINCE) > 0


def test_cells_follow_registrations_deletions_and_a_cluster_going(
    world: list[Enterprise],
) -> None:
    EnterpriseFactory(name="新注册企业", region_id="320505")
    no_drift()
    world[3].delete()  # in two clusters (an assessed enterprise cannot be deleted)
    no_drift()
    Cluster.objects.get(pk="new-power-equipment").delete()
    no_drift()
    assert same_as_scan(SUZHOU) > 0


def test_cells_follow_settlements_reviews_rescoring_and_withdrawals(
    world: list[Enterprise], report_framework: FrameworkVersion
) -> None:
    firm = world[3]  # not assessed
    settle(firm, LEVEL1, days_ago=2)
    no_drift()
    settle(firm, BEST, confirmed="L2")  # a newer, confirmed, result replaces it
    no_drift()
    assert results_rescore(framework_code="report-fw") > 0
    no_drift()
    # The latest settled assessment goes away (as only a data repair would do): its
    # settled result and cells go with it, and the refresh brings back the older one.
    latest = SettledResult.objects.get(enterprise=firm).assessment
    latest.delete()
    no_drift()
    settled_result_refresh(enterprise_id=firm.pk, framework_id=report_framework.framework_id)
    assert SettledResult.objects.get(enterprise=firm).level_code == "L1"
    no_drift()
    Assessment.objects.filter(enterprise=firm).delete()
    settled_result_refresh(enterprise_id=firm.pk, framework_id=report_framework.framework_id)
    assert not SettledResult.objects.filter(enterprise=firm).exists()
    no_drift()


def test_a_rebuild_heals_cells_a_bulk_write_went_past(world: list[Enterprise]) -> None:
    # Bulk writes send no signals: the cells do not see them.
    Enterprise.objects.filter(pk=world[0].pk).update(region_id="320115")
    Enterprise.objects.bulk_create(
        [
            Enterprise(
                name="批量企业",
                uscc=valid_uscc("320505"),
                region_id="320505",
                industry_id="C34",
                employees=5,
                revenue_10k_yuan=Decimal(50),
                size_class="micro",
            )
        ]
    )
    drift = cells_drift()
    assert drift, "the bulk writes should have left the cells behind"
    assert check_analytics_tables() == len(drift)  # the nightly check finds and rebuilds
    no_drift()
    assert check_analytics_tables() == 0


def test_rebuild_settled_results_rebuilds_the_cells(world: list[Enterprise]) -> None:
    SettledCell.objects.all().delete()
    call_command("rebuild_settled_results", stdout=None)
    no_drift()


def test_the_migration_fills_the_cells_of_existing_rows(world: list[Enterprise]) -> None:
    kept = sorted(SettledCell.objects.filter(n__gt=0).values_list("framework", "city", "n"))
    SettledCell.objects.all().delete()
    migration = importlib.import_module("assessments.migrations.0009_settled_cells")
    migration.fill(apps, connection.schema_editor())
    assert sorted(SettledCell.objects.values_list("framework", "city", "n")) == kept
    assert cells_rebuild() == SettledCell.objects.count()


def test_many_increments_go_in_batches_and_add_up(db: None) -> None:
    facets = [Facet(city=str(3200 + i), industry="C34", size_class="small") for i in range(120)]
    for sign in (1, 1, -1):
        delta = Delta()
        for facet in facets:
            delta.enterprise(facet, ("", "iot"), sign)
        assert delta.apply() == 240
    assert SettledCell.objects.count() == 240
    assert {cell.n for cell in SettledCell.objects.all()} == {1}
