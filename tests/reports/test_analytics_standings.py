"""Chain standings follow every change to what chain coverage counts, and coverage read
from them equals the requirement rule applied to each link."""

from __future__ import annotations

import datetime as dt
import importlib
from decimal import Decimal

import pytest
from django.apps import apps
from django.core.management import call_command
from django.db import connection
from django.utils import timezone

from assessments.models import Assessment, FrameworkVersion
from assessments.services.settled import settled_result_refresh
from enterprises.models import Enterprise, SupplierLink
from enterprises.services import enterprise_update
from enterprises.services_supply import (
    supplier_link_accept,
    supplier_link_revoke,
    supplier_link_update,
)
from reports import requirements as rule
from reports.analytics.coverage import anchor_chain_coverage
from reports.analytics.scope import AnalyticsScope, analytics_filters_parse
from reports.analytics.standings import standings_drift
from reports.models import ChainStanding, SupplyRequirement
from reports.services.requirements import (
    supply_requirement_create,
    supply_requirement_delete,
    supply_requirement_update,
)
from reports.tasks import check_analytics_tables
from tests.conftest import Personas
from tests.factories import EnterpriseFactory
from tests.reports.analytics_data import link, settle
from tests.reports.conftest import BEST, LEVEL1

pytestmark = pytest.mark.django_db

SUZHOU = AnalyticsScope(prefixes=("3205",))
PROVINCE = AnalyticsScope(prefixes=("32",))
LATER = timezone.localdate() + dt.timedelta(days=90)


@pytest.fixture
def chain(personas: Personas, report_framework: FrameworkVersion) -> dict:
    anchor = EnterpriseFactory(name="标准链主", region_id="320506")
    firms = {
        "l2": EnterpriseFactory(name="二级供应商"),
        "l1": EnterpriseFactory(name="一级供应商"),
        "none": EnterpriseFactory(name="未评估供应商"),
        "wuxi": EnterpriseFactory(name="无锡供应商", region_id="320214"),
    }
    settle(firms["l2"], BEST, confirmed="L2")
    settle(firms["l1"], LEVEL1)
    settle(firms["wuxi"], LEVEL1)
    links = {
        "l2": link(anchor, firms["l2"], tags=["关键"]),
        "l1": link(anchor, firms["l1"], tier=2),
        "none": link(anchor, firms["none"]),
        "wuxi": link(anchor, firms["wuxi"], tags=["关键"]),
    }
    supply_requirement_create(anchor=anchor, framework="report-fw", min_level="L1", deadline=LATER)
    supply_requirement_create(
        anchor=anchor,
        framework="report-fw",
        min_level="L2",
        deadline=LATER,
        group="tag",
        tag="关键",
    )
    return {"anchor": anchor, "firms": firms, "links": links}


def no_drift() -> None:
    assert standings_drift() == []


def reference(anchor: Enterprise, scope: AnalyticsScope, today: dt.date) -> dict:
    """The anchor's coverage by the rule, link by link, from the raw rows."""
    framework = FrameworkVersion.objects.get(framework__code="report-fw")
    ranks = rule.level_ranks(["L1", "L2"])
    requirements = list(
        SupplyRequirement.objects.filter(anchor=anchor, framework_id=framework.framework_id)
    )
    out = dict.fromkeys(("suppliers", "assessed", "with_requirement", "at_required", "overdue"), 0)
    for row in SupplierLink.objects.filter(
        anchor=anchor, status=SupplierLink.Status.ACCEPTED, supplier__isnull=False
    ).select_related("supplier"):
        if not any(row.supplier.region_id.startswith(p) for p in scope.prefixes):
            continue
        out["suppliers"] += 1
        latest = (
            Assessment.objects.filter(
                enterprise=row.supplier, status__in=["submitted", "confirmed"]
            )
            .order_by("-submitted_at", "-pk")
            .first()
        )
        level = (latest.confirmed_level_code or latest.level_code) if latest else None
        out["assessed"] += latest is not None
        applicable = [r for r in requirements if rule.applies(r, tier=row.tier, tags=row.tags)]
        if not applicable:
            continue
        out["with_requirement"] += 1
        checks = [
            rule.check(
                r,
                level_ranks=ranks,
                level=level,
                percents=rule.dimension_percents(latest.result) if latest else None,
                today=today,
            )
            for r in applicable
        ]
        out["at_required"] += all(c.met for c in checks)
        out["overdue"] += any(c.overdue for c in checks)
    return out


def coverage_of(anchor: Enterprise, scope: AnalyticsScope, today: dt.date) -> dict:
    filters = analytics_filters_parse(scope, {"framework": "report-fw"})
    out = anchor_chain_coverage(scope, filters, today=today)
    row = next(r for r in out["anchors"] if r["anchor_id"] == anchor.pk)
    return {key: row[key] for key in reference(anchor, scope, today)}


@pytest.mark.parametrize("scope", [SUZHOU, PROVINCE])
def test_coverage_equals_the_rule_applied_to_each_link(
    chain: dict, scope: AnalyticsScope, settings
) -> None:
    settings.GRADIENT_BENCHMARK_MIN_GROUP = 1
    today = timezone.localdate()
    no_drift()
    assert coverage_of(chain["anchor"], scope, today) == reference(chain["anchor"], scope, today)
    # After the deadline, without anything written: the unmet count as overdue.
    later = LATER + dt.timedelta(days=1)
    found = coverage_of(chain["anchor"], scope, later)
    assert found == reference(chain["anchor"], scope, later)
    assert found["overdue"] > 0


def test_standings_follow_links_requirements_results_and_regions(
    chain: dict, personas: Personas
) -> None:
    anchor, firms, links = chain["anchor"], chain["firms"], chain["links"]
    supplier_link_update(link=links["none"], tags=["关键"])
    no_drift()
    supplier_link_update(link=links["l1"], parent_id=links["l2"].pk)  # tier follows: 2
    supplier_link_update(link=links["l2"], tier=3)  # l1 moves down with it, in bulk
    assert SupplierLink.objects.get(pk=links["l1"].pk).tier == 4
    no_drift()
    supplier_link_revoke(link=links["wuxi"], actor=personas.editor)
    no_drift()
    late = EnterpriseFactory(name="后来的供应商")
    invited = SupplierLink.objects.create(
        anchor=anchor, supplier=late, supplier_uscc=late.uscc, supplier_name=late.name
    )
    no_drift()
    supplier_link_accept(link=invited, actor=personas.editor)
    no_drift()
    requirement = supply_requirement_create(
        anchor=anchor,
        framework="report-fw",
        min_level="L1",
        deadline=LATER,
        min_dimension_percents={"data": 60},
    )
    no_drift()
    supply_requirement_update(requirement=requirement, min_level="L2")
    no_drift()
    supply_requirement_delete(requirement=requirement)
    no_drift()
    settle(firms["none"], LEVEL1)  # a supplier settles
    settle(late, BEST, confirmed="L2")
    no_drift()
    Assessment.objects.filter(enterprise=firms["l1"]).delete()
    settled_result_refresh(enterprise_id=firms["l1"].pk, framework_id=requirement.framework_id)
    no_drift()
    enterprise_update(  # the supplier moves to Nanjing: out of the Suzhou scope
        enterprise=firms["l2"],
        name=firms["l2"].name,
        region_code="320115",
        industry_code=firms["l2"].industry_id,
        employees=firms["l2"].employees,
        revenue_10k_yuan=Decimal(firms["l2"].revenue_10k_yuan),
        cluster_codes=[],
    )
    no_drift()
    assert ChainStanding.objects.filter(supplier=firms["l2"], supplier_region="320115").exists()
    gone = EnterpriseFactory(name="注销的供应商")
    link(anchor, gone)
    no_drift()
    gone.delete()  # its link and the link's standings go with it
    SupplierLink.objects.get(supplier=late).delete()
    no_drift()


def test_a_rebuild_and_the_nightly_check_heal_what_bulk_writes_left(chain: dict) -> None:
    SupplierLink.objects.filter(pk=chain["links"]["l1"].pk).update(tags=["关键"])  # no signal
    assert standings_drift()
    assert check_analytics_tables() > 0
    no_drift()
    ChainStanding.objects.all().delete()
    call_command("rebuild_settled_results", stdout=None)
    no_drift()


def test_the_migration_fills_the_standings_of_existing_links(chain: dict) -> None:
    kept = sorted(ChainStanding.objects.values_list("link_id", "framework", "meets"))
    assert kept
    ChainStanding.objects.all().delete()
    migration = importlib.import_module("reports.migrations.0007_chain_standings")
    migration.fill(apps, connection.schema_editor())
    assert sorted(ChainStanding.objects.values_list("link_id", "framework", "meets")) == kept
