"""Quarterly analytics snapshots: build them (a periodic task) and read them as a trend.

A snapshot holds raw counts for one scope, framework and quarter: the registered and
assessed enterprises, the level distribution, the sum of total percents, the dimension
means, and the same counts per cluster, city, industry and size class, so that a trend
can follow the whole scope or any one of those groups. Building is idempotent: the
(scope, framework, quarter) row is rewritten in place.
"""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from typing import Any

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import BureauScope
from reports.models import AnalyticsSnapshot
from reports.selectors import benchmark_min_group

from .queries import Group, group_out, level_rows, version_shapes
from .scope import AnalyticsFilters, AnalyticsScope, framework_info, published_versions

SNAPSHOT_FORMAT = 1


def quarter_of(day: dt.date) -> str:
    """ "2026Q4" for any day of October to December 2026."""
    return f"{day.year}Q{(day.month - 1) // 3 + 1}"


def snapshot_data(scope: AnalyticsScope, filters: AnalyticsFilters) -> dict[str, Any]:
    """The raw figures of a snapshot (three grouped queries). Dimensions hold, per key,
    [assessed enterprises with it, mean score, mean percent of the maximum]."""
    total = Group()
    overall = level_rows(scope, filters, details=True)
    for row in overall:
        total.add_row(row)
    by: dict[str, dict[str, Group]] = {
        kind: defaultdict(Group) for kind in ("cluster", "region", "industry", "size")
    }
    for row in level_rows(scope, filters, "city", "industry_id", "size_class"):
        by["region"][f"{row['city']}00"].add_row(row)
        by["industry"][row["industry_id"]].add_row(row)
        by["size"][row["size_class"]].add_row(row)
    for row in level_rows(scope, filters, "clusters"):
        if scope.covers_cluster(row["clusters"]):
            by["cluster"][row["clusters"]].add_row(row)
    shapes = version_shapes(overall, filters)
    dimensions = {
        key: list(total.dimension(key, shapes))
        for key, _name, _scored in filters.framework.dimensions
    }
    return {
        "format": SNAPSHOT_FORMAT,
        **total.to_data(),
        "dimensions": dimensions,
        "by": {
            kind: {code: group.to_data() for code, group in groups.items()}
            for kind, groups in by.items()
        },
    }


def analytics_snapshot_build(
    *, scope: AnalyticsScope, framework_version: Any, now: dt.datetime | None = None
) -> AnalyticsSnapshot:
    """Write the current quarter's snapshot of `scope` on the version's framework.

    Idempotent: a second run in the same quarter rewrites the same row (the unique
    constraint on scope, framework and quarter claims it).
    """
    now = now or timezone.now()
    filters = AnalyticsFilters(framework=framework_info(framework_version))
    data = snapshot_data(scope, filters)
    with transaction.atomic():
        snapshot, _created = AnalyticsSnapshot.objects.update_or_create(
            scope_key=scope.key,
            framework_id=filters.framework.id,
            quarter=quarter_of(timezone.localdate(now)),
            defaults={"data": data, "built_at": now},
        )
    return snapshot


def bureau_scopes() -> list[AnalyticsScope]:
    """Every distinct officer scope with at least one region (two queries)."""
    scopes: dict[str, AnalyticsScope] = {}
    for bureau in BureauScope.objects.prefetch_related("regions", "clusters"):
        scope = AnalyticsScope.of(bureau)
        if scope.prefixes:
            scopes.setdefault(scope.key, scope)
    return [scopes[key] for key in sorted(scopes)]


def analytics_snapshots_build_all(
    *, framework_codes: list[str] | None = None, now: dt.datetime | None = None
) -> int:
    """Build the current quarter's snapshot of every officer scope on every published
    framework (or those named); return how many were written."""
    now = now or timezone.now()
    versions = [
        v
        for v in published_versions()
        if framework_codes is None or v.framework.code in framework_codes
    ]
    count = 0
    for scope in bureau_scopes():
        for version in versions:
            analytics_snapshot_build(scope=scope, framework_version=version, now=now)
            count += 1
    return count


_UNAVAILABLE = ("", "")


def _group_key(filters: AnalyticsFilters) -> tuple[str, str] | None:
    """Which stored group a filtered trend follows: None for the whole scope, (kind,
    code) for one filter, _UNAVAILABLE when the snapshots cannot answer (several
    filters, or a region finer than a city)."""
    active = filters.active()
    if not active:
        return None
    if len(active) > 1:
        return _UNAVAILABLE
    ((name, value),) = active.items()
    if name == "region" and (not value.endswith("00") or value.endswith("0000")):
        return _UNAVAILABLE
    return name, value


def analytics_trend(
    scope: AnalyticsScope, filters: AnalyticsFilters, current: dict[str, Any]
) -> dict[str, Any]:
    """The quarters stored for the scope and framework, then the current quarter from
    `current` (the live overview, which the quarter's snapshot would repeat).

    Returns {"available", "reason", "rows": [group_out rows keyed by quarter]}. Results
    of a quarter with fewer than K assessed enterprises are suppressed. One query.
    """
    selector = _group_key(filters)
    if selector == _UNAVAILABLE:
        return {
            "available": False,
            "reason": _(
                "The quarterly trend follows the whole scope or one cluster, city, "
                "industry or size class; remove the other filters to see it."
            ),
            "rows": [],
        }
    this_quarter = quarter_of(timezone.localdate())
    min_group = benchmark_min_group()
    rows = []
    snapshots = AnalyticsSnapshot.objects.filter(
        scope_key=scope.key, framework_id=filters.framework.id, quarter__lt=this_quarter
    ).order_by("quarter")
    for quarter, data in snapshots.values_list("quarter", "data"):
        if selector is not None:
            kind, code = selector
            data = (data.get("by") or {}).get(kind, {}).get(code) or {}
        row = group_out(quarter, quarter, Group.from_data(data), filters)
        row["suppressed"] = 0 < row["assessed"] < min_group
        rows.append(row)
    now_row = {**current, "key": this_quarter, "name": this_quarter, "link": None}
    now_row["levels"] = [{**level, "link": None} for level in current["levels"]]
    now_row["current"] = True
    rows.append(now_row)
    return {"available": True, "reason": "", "rows": rows}
