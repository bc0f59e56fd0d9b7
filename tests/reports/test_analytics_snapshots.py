"""Quarterly snapshots: built per scope by a periodic task, idempotently, read as a trend."""

from __future__ import annotations

import datetime as dt
from io import StringIO

import pytest
from django.conf import settings
from django.core.management import call_command
from django.utils import timezone

from assessments.models import FrameworkVersion
from enterprises import services
from reports.analytics.scope import analytics_filters_parse, analytics_scope_for
from reports.analytics.selectors import analytics_dashboard
from reports.analytics.snapshots import quarter_of
from reports.models import AnalyticsSnapshot
from reports.tasks import build_analytics_snapshots
from tests.conftest import Personas
from tests.reports.analytics_data import population, settle
from tests.reports.conftest import BEST

pytestmark = pytest.mark.django_db


@pytest.fixture
def data(personas: Personas, report_framework: FrameworkVersion, settings) -> None:
    settings.GRADIENT_BENCHMARK_MIN_GROUP = 1
    population(27)


def test_the_periodic_task_is_scheduled() -> None:
    entry = settings.CELERY_BEAT_SCHEDULE["build-analytics-snapshots"]
    assert entry["task"] == build_analytics_snapshots.name


def test_the_task_builds_one_snapshot_per_scope_and_framework_and_is_idempotent(
    personas: Personas, data: None
) -> None:
    # A third officer with the Suzhou scope shares the Suzhou snapshots.
    services.bureau_officer_create(
        username="sz-2", password="pw-Gradient-2026", region_codes=["320500"]
    )
    frameworks = FrameworkVersion.objects.published().values("framework").distinct().count()
    built = build_analytics_snapshots.delay().get()
    assert built == 2 * frameworks  # Suzhou and Wuxi scopes
    rows = list(AnalyticsSnapshot.objects.order_by("pk").values_list("pk", "scope_key", "quarter"))
    assert {key for _pk, key, _q in rows} == {"r=3205;c=", "r=3202;c="}
    assert {q for _pk, _k, q in rows} == {quarter_of(timezone.localdate())}
    assert build_analytics_snapshots.delay().get() == built
    assert (
        list(AnalyticsSnapshot.objects.order_by("pk").values_list("pk", "scope_key", "quarter"))
        == rows
    )


def test_a_rerun_in_the_quarter_rewrites_the_figures(personas: Personas, data: None) -> None:
    call_command("build_analytics_snapshots", "--framework", "report-fw", stdout=StringIO())
    before = AnalyticsSnapshot.objects.get(scope_key="r=3205;c=").data["assessed"]
    settle(personas.enterprise, BEST, confirmed="L2")
    out = StringIO()
    call_command("build_analytics_snapshots", "--framework", "report-fw", stdout=out)
    assert "Built 2 snapshot(s) over 2 bureau scope(s)." in out.getvalue()
    assert AnalyticsSnapshot.objects.get(scope_key="r=3205;c=").data["assessed"] == before + 1


def test_the_snapshot_holds_what_the_dashboard_shows(personas: Personas, data: None) -> None:
    call_command("build_analytics_snapshots", "--framework", "report-fw", stdout=StringIO())
    stored = AnalyticsSnapshot.objects.get(scope_key="r=3205;c=").data
    scope = analytics_scope_for(personas.officer)
    live = analytics_dashboard(scope, analytics_filters_parse(scope, {"framework": "report-fw"}))
    assert stored["enterprises"] == live["overview"]["enterprises"]
    assert stored["levels"] == {
        lv["code"]: lv["count"] for lv in live["overview"]["levels"][1:] if lv["count"]
    }
    for row in live["by_cluster"]:
        assert stored["by"]["cluster"][row["key"]]["assessed"] == row["assessed"]


def test_the_trend_lists_past_quarters_then_now(personas: Personas, data: None) -> None:
    call_command("build_analytics_snapshots", "--framework", "report-fw", stdout=StringIO())
    snapshot = AnalyticsSnapshot.objects.get(scope_key="r=3205;c=")
    past = dict(snapshot.data, assessed=3, enterprises=20, levels={"L1": 3})
    past["by"] = {"cluster": {"iot": {"enterprises": 4, "assessed": 1, "levels": {"L1": 1}}}}
    AnalyticsSnapshot.objects.create(
        scope_key=snapshot.scope_key,
        framework=snapshot.framework,
        quarter="2020Q3",
        data=past,
        built_at=timezone.make_aware(dt.datetime(2020, 9, 30)),
    )
    scope = analytics_scope_for(personas.officer)
    trend = analytics_dashboard(scope, analytics_filters_parse(scope, {"framework": "report-fw"}))[
        "trend"
    ]
    assert [row["key"] for row in trend["rows"]] == ["2020Q3", quarter_of(timezone.localdate())]
    assert (trend["rows"][0]["enterprises"], trend["rows"][0]["assessed"]) == (20, 3)
    by_cluster = analytics_dashboard(
        scope, analytics_filters_parse(scope, {"framework": "report-fw", "cluster": "iot"})
    )["trend"]
    assert by_cluster["rows"][0]["assessed"] == 1
    several = analytics_dashboard(
        scope,
        analytics_filters_parse(
            scope, {"framework": "report-fw", "cluster": "iot", "size": "large"}
        ),
    )["trend"]
    assert several["available"] is False and several["reason"]


def test_a_past_quarter_below_k_is_suppressed(personas: Personas, data: None, settings) -> None:
    call_command("build_analytics_snapshots", "--framework", "report-fw", stdout=StringIO())
    snapshot = AnalyticsSnapshot.objects.get(scope_key="r=3205;c=")
    AnalyticsSnapshot.objects.create(
        scope_key=snapshot.scope_key,
        framework=snapshot.framework,
        quarter="2021Q1",
        data={"enterprises": 9, "assessed": 2, "levels": {"L2": 2}},
        built_at=timezone.now(),
    )
    settings.GRADIENT_BENCHMARK_MIN_GROUP = 5
    scope = analytics_scope_for(personas.officer)
    rows = analytics_dashboard(scope, analytics_filters_parse(scope, {"framework": "report-fw"}))[
        "trend"
    ]["rows"]
    assert rows[0]["suppressed"] is True and rows[-1]["suppressed"] is False
