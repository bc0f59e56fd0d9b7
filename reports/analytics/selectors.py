"""Cluster analytics for a bureau officer: aggregates in SQL over the settled results.

The basis is each in-scope enterprise's latest settled assessment per framework, as kept
in ``SettledResult`` (with ``SettledDimension`` and ``SettledGateMiss``) by the
assessment services. Every function here takes an ``AnalyticsScope`` and
``AnalyticsFilters`` (reports/analytics/scope.py), applies both to every table it
reads, groups in the database and returns plain, localised data; Python only folds a
few hundred grouped rows, never one object per enterprise. The query count of each
function is fixed, whatever the number of enterprises. Small groups are suppressed as
reports/analytics/suppression.py says.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import Count, F
from django.utils.translation import gettext as _

from assessments import scoring
from assessments.models import FrameworkVersion, SettledGateMiss
from assessments.presenters import tr
from assessments.selectors import compiled_framework
from enterprises.errors import ValidationFailed
from enterprises.models import Cluster, Enterprise, Industry, Region, SizeClass, SupplierLink
from reports.selectors import benchmark_min_group

from . import gates as gate_names
from .coverage import anchor_chain_coverage
from .queries import (
    NO_LEVEL,
    SIZE_ORDER,
    Group,
    dimension_rows,
    group_out,
    level_rows,
    scoped,
    scoped_enterprises,
    settled_join,
    share,
)
from .scope import AnalyticsFilters, AnalyticsScope
from .snapshots import analytics_trend
from .suppression import apply_groups, apply_partition, enough


def _localised(name: str, name_en: str) -> str:
    return tr({"zh-hans": name, "en": name_en})


def _names(model: Any, codes: Iterable[str]) -> dict[str, str]:
    """Localised names of reference rows by code (one query)."""
    return {
        code: _localised(name, name_en)
        for code, name, name_en in model.objects.filter(pk__in=list(codes)).values_list(
            "pk", "name", "name_en"
        )
    }


def level_overview(scope: AnalyticsScope, filters: AnalyticsFilters) -> dict[str, Any]:
    """Registered and assessed enterprises and the level distribution (one query)."""
    group = Group()
    for row in level_rows(scope, filters):
        group.add_row(row)
    out = group_out("", _("All"), group, filters, filters.params())
    out["suppressed"] = 0 < out["assessed"] < benchmark_min_group()
    return out


def breakdowns(scope: AnalyticsScope, filters: AnalyticsFilters) -> dict[str, Any]:
    """The overview and its breakdowns by city, industry and size class (one grouped
    query, three name lookups), with partition suppression."""
    min_group = benchmark_min_group()
    total = Group()
    cities: dict[str, Group] = defaultdict(Group)
    industries: dict[str, Group] = defaultdict(Group)
    sizes: dict[str, Group] = defaultdict(Group)
    for row in level_rows(scope, filters, "city", "industry_id", "size_class"):
        for group in (
            total,
            cities[row["city"]],
            industries[row["industry_id"]],
            sizes[row["size_class"]],
        ):
            group.add_row(row)
    overview = group_out("", _("All"), total, filters, filters.params())
    overview["suppressed"] = 0 < overview["assessed"] < min_group
    city_names = _names(Region, [f"{city}00" for city in cities])
    industry_names = _names(Industry, industries)
    size_labels = dict(SizeClass.choices)

    by_city = [
        group_out(
            f"{city}00",
            city_names.get(f"{city}00", f"{city}00"),
            group,
            filters,
            filters.params(region=f"{city}00"),
        )
        for city, group in sorted(cities.items())
    ]
    by_industry = [
        group_out(
            code,
            f"{code} {industry_names.get(code, '')}".strip(),
            group,
            filters,
            filters.params(industry=code),
        )
        for code, group in sorted(industries.items(), key=lambda kv: (-kv[1].enterprises, kv[0]))
    ]
    by_size = [
        group_out(
            str(size),
            str(size_labels[size]),
            sizes[size],
            filters,
            filters.params(size=str(size)),
        )
        for size in SIZE_ORDER
        if size in sizes
    ]
    for rows in (by_city, by_industry, by_size):
        apply_partition(rows, min_group)
        if overview["suppressed"]:
            for row in rows:
                row["suppressed"] = row["assessed"] > 0
    return {"overview": overview, "city": by_city, "industry": by_industry, "size": by_size}


def by_cluster(scope: AnalyticsScope, filters: AnalyticsFilters) -> list[dict[str, Any]]:
    """The level distribution of each cluster with members in scope (clusters overlap:
    an enterprise counts in each of its clusters; an officer whose scope names clusters
    sees those only). Two queries."""
    groups: dict[str, Group] = defaultdict(Group)
    for row in level_rows(scope, filters, "clusters"):
        if scope.covers_cluster(row["clusters"]):
            groups[row["clusters"]].add_row(row)
    names = _names(Cluster, groups)
    rows = [
        group_out(code, names.get(code, code), group, filters, filters.params(cluster=code))
        for code, group in sorted(groups.items(), key=lambda kv: (-kv[1].enterprises, kv[0]))
    ]
    apply_groups(rows, benchmark_min_group())
    return rows


# ---- dimensions -----------------------------------------------------------------------


def _round(value: Any, places: int = 1) -> float | None:
    return round(float(value), places) if value is not None else None


def dimension_means(scope: AnalyticsScope, filters: AnalyticsFilters) -> list[dict[str, Any]]:
    """Each dimension of the framework: mean score and mean percent of its maximum over
    the assessed enterprises, or None below K (`suppressed`). One query."""
    min_group = benchmark_min_group()
    found = {row["key"]: row for row in dimension_rows(scope, filters)}
    out = []
    for key, name, scored in filters.framework.dimensions:
        row = found.get(key, {})
        n = row.get("n", 0)
        shown = enough(n, min_group)
        out.append(
            {
                "key": key,
                "name": name,
                "scored": scored,
                "n": n,
                "mean": _round(row.get("mean"), 3) if shown else None,
                "mean_percent": _round(row.get("mean_percent")) if shown and scored else None,
                "suppressed": 0 < n < min_group,
            }
        )
    return out


def cluster_heatmap(
    scope: AnalyticsScope, filters: AnalyticsFilters, clusters: list[dict[str, Any]]
) -> dict[str, Any]:
    """Mean percent of each scored dimension per cluster (rows as in `clusters`); a cell
    over fewer than K enterprises is None and `suppressed`. One query."""
    min_group = benchmark_min_group()
    cells = {
        (row["settled__enterprise__clusters"], row["key"]): row
        for row in dimension_rows(scope, filters, "settled__enterprise__clusters")
    }
    columns = [(key, name) for key, name, scored in filters.framework.dimensions if scored]
    rows = []
    for cluster in clusters:
        values = []
        for key, _name in columns:
            cell = cells.get((cluster["key"], key), {})
            n = cell.get("n", 0)
            values.append(
                {
                    "n": n,
                    "value": _round(cell.get("mean_percent")) if enough(n, min_group) else None,
                    "suppressed": 0 < n < min_group,
                }
            )
        rows.append({"key": cluster["key"], "name": cluster["name"], "cells": values})
    return {"columns": [{"key": k, "name": n} for k, n in columns], "rows": rows}


# ---- gates ----------------------------------------------------------------------------


def _frameworks_for(version_ids: Iterable[int], filters: AnalyticsFilters) -> dict[int, Any]:
    """Compiled frameworks of the versions named (the dashboard's own needs no query)."""
    wanted = set(version_ids) - {filters.framework.version_id}
    compiled: dict[int, scoring.Framework] = {
        filters.framework.version_id: filters.framework.compiled
    }
    if wanted:
        # The document loads (one query each) only for a version not compiled yet.
        versions = FrameworkVersion.objects.filter(pk__in=wanted).defer("definition", "source")
        for version in versions:
            compiled[version.pk] = compiled_framework(version)
    return compiled


def _aiming(levels: list[dict[str, Any]]) -> dict[str, int]:
    """How many enterprises aim at each level: those standing right below it."""
    counts = [lv["count"] for lv in levels[1:]]  # below the first level, then each level
    codes = [lv["code"] for lv in levels[2:]]
    return {code: counts[i] for i, code in enumerate(codes)}


def gate_misses(
    scope: AnalyticsScope,
    filters: AnalyticsFilters,
    overview: dict[str, Any],
    clusters: list[dict[str, Any]],
    *,
    top: int = 10,
    per_cluster: int = 3,
) -> dict[str, Any]:
    """The gates most often unmet for the next level, overall and per cluster.

    Each enterprise is counted against the level right above its own; `share` is the
    percent of the enterprises aiming at that level that miss the gate. Suppressed with
    the group it describes. Two grouped queries (plus one for the documents of older
    framework versions, if any are among the results).
    """
    base = scoped(
        SettledGateMiss.objects.filter(settled__framework_id=filters.framework.id),
        "settled__enterprise",
        scope,
        filters,
    )
    fields = ("settled__framework_version_id", "level_code", "gate_index")
    overall = list(base.values(*fields).annotate(n=Count("id")).order_by())
    by_cluster_rows = list(
        base.values("settled__enterprise__clusters", *fields).annotate(n=Count("id")).order_by()
    )
    frameworks = _frameworks_for([row["settled__framework_version_id"] for row in overall], filters)

    def shaped(rows: list[dict[str, Any]], aiming: dict[str, int], link: dict[str, str]):
        out = [
            {
                "version_id": row["settled__framework_version_id"],
                "level_code": row["level_code"],
                "level_name": filters.framework.level_name(row["level_code"]),
                "gate_index": row["gate_index"],
                "key": gate_names.gate_key(
                    row["settled__framework_version_id"], row["level_code"], row["gate_index"]
                ),
                "count": row["n"],
                "aiming": aiming.get(row["level_code"], 0),
                "share": share(row["n"], aiming.get(row["level_code"], 0)),
            }
            for row in rows
        ]
        out.sort(key=lambda g: (-g["count"], g["level_code"], g["gate_index"]))
        for gate in out:
            gate["link"] = {
                **link,
                "gate": gate["key"],
            }
        return out

    top_overall = (
        []
        if overview["suppressed"]
        else shaped(overall, _aiming(overview["levels"]), filters.params())[:top]
    )
    gate_names.describe(top_overall, frameworks)
    grouped: dict[str, list[dict[str, Any]]] = defaultdict(list)
    for row in by_cluster_rows:
        if row["settled__enterprise__clusters"] is not None:
            grouped[row["settled__enterprise__clusters"]].append(row)
    per_cluster_out = []
    for cluster in clusters:
        if cluster["suppressed"] or not cluster["assessed"]:
            continue
        rows = shaped(
            grouped.get(cluster["key"], []),
            _aiming(cluster["levels"]),
            filters.params(cluster=cluster["key"]),
        )[:per_cluster]
        gate_names.describe(rows, frameworks)
        per_cluster_out.append({"key": cluster["key"], "name": cluster["name"], "gates": rows})
    return {"overall": top_overall, "clusters": per_cluster_out}


# ---- the dashboard and the summary -------------------------------------------------------


def analytics_dashboard(scope: AnalyticsScope, filters: AnalyticsFilters) -> dict[str, Any]:
    """Everything the bureau dashboard shows, for one framework. About fifteen queries
    whatever the number of enterprises (see the functions it calls)."""
    parts = breakdowns(scope, filters)
    clusters = by_cluster(scope, filters)
    overview = parts["overview"]
    return {
        "framework": filters.framework,
        "min_group": benchmark_min_group(),
        "overview": overview,
        "by_cluster": clusters,
        "by_city": parts["city"],
        "by_industry": parts["industry"],
        "by_size": parts["size"],
        "dimensions": dimension_means(scope, filters),
        "heatmap": cluster_heatmap(scope, filters, clusters),
        "gates": gate_misses(scope, filters, overview, clusters),
        "trend": analytics_trend(scope, filters, overview),
        "coverage": anchor_chain_coverage(scope, filters),
    }


def analytics_summary(scope: AnalyticsScope, filters: AnalyticsFilters) -> dict[str, Any]:
    """The API summary: ``{enterprises, assessed, levels: {code: count}, dimensions:
    [{key, mean}]}`` plus the framework, the share, those below the first level and the
    suppression state. Levels and means are withheld below K. Two queries."""
    overview = level_overview(scope, filters)
    suppressed = overview["suppressed"]
    by_code = {lv["code"]: lv["count"] for lv in overview["levels"]}
    return {
        "framework": filters.framework.code,
        "enterprises": overview["enterprises"],
        "assessed": overview["assessed"],
        "assessed_share": overview["assessed_share"],
        "levels": (
            {}
            if suppressed
            else {code: by_code.get(code, 0) for code, _n in filters.framework.levels}
        ),
        "no_level": None if suppressed else by_code.get(NO_LEVEL, 0),
        "mean_percent": None if suppressed else overview["mean_percent"],
        "dimensions": [
            {
                "key": d["key"],
                "name": d["name"],
                "mean": d["mean"],
                "mean_percent": d["mean_percent"],
                "enterprises": d["n"],
            }
            for d in dimension_means(scope, filters)
        ],
        "suppressed": suppressed,
        "min_group": benchmark_min_group(),
    }


# ---- the enterprises behind a number ----------------------------------------------------

LIST_FIELDS = ("level", "assessed", "gate", "anchor")


def enterprise_list_parse(
    scope: AnalyticsScope, filters: AnalyticsFilters, params: Any
) -> dict[str, Any]:
    """Read the drill-down parameters: ``level`` (a level code, or ``none`` for below the
    first level), ``assessed`` (``yes``/``no``), ``gate`` (a gate key) and ``anchor``
    (an anchor firm in scope: its suppliers). Bad values are named in one
    ValidationFailed. At most one query (the anchor)."""
    errors: dict[str, list[str]] = {}
    out: dict[str, Any] = {}

    def one(name: str) -> str:
        value = params.get(name)
        if isinstance(value, list | tuple):
            value = value[-1] if value else ""
        return str(value or "").strip()

    level = one("level")
    if level:
        codes = [code for code, _n in filters.framework.levels]
        if level != "none" and level not in codes:
            errors["level"] = [
                _("Choose one of: %(values)s.") % {"values": ", ".join(["none", *codes])}
            ]
        out["level"] = NO_LEVEL if level == "none" else level
    assessed = one("assessed")
    if assessed:
        if assessed not in ("yes", "no"):
            errors["assessed"] = [_("Choose yes or no.")]
        out["assessed"] = assessed == "yes"
    gate = one("gate")
    if gate:
        parsed = gate_names.gate_key_parse(gate)
        if parsed is None:
            errors["gate"] = [_("Unknown condition.")]
        out["gate"] = parsed
    anchor = one("anchor")
    if anchor:
        found = (
            Enterprise.objects.filter(scope.q(), pk=int(anchor)).values_list("pk", "name").first()
            if anchor.isdigit()
            else None
        )
        if found is None:
            errors["anchor"] = [_("No anchor firm with this id in your scope.")]
        else:
            out["anchor"] = found
    if errors:
        raise ValidationFailed(_("Some filters are invalid."), errors=errors)
    return out


def enterprise_list(
    scope: AnalyticsScope,
    filters: AnalyticsFilters,
    drill: dict[str, Any],
    *,
    page: Any = 1,
    per_page: int = 50,
) -> Page:
    """The enterprises behind a number, by name, one page of narrow rows (a count and a
    page query). Each row: id, name, region, industry, size class, level (code, name,
    rank), total, settled date and the settled assessment's id (None if not assessed).
    Suppliers of an anchor (``drill["anchor"]``) count when the link is accepted."""
    queryset = scoped_enterprises(scope, filters).annotate(s=settled_join(filters))
    if "assessed" in drill:
        queryset = queryset.filter(s__id__isnull=not drill["assessed"])
    if "level" in drill:
        queryset = queryset.filter(s__level_code=drill["level"])
    if drill.get("gate"):
        version_id, level_code, index = drill["gate"]
        queryset = queryset.filter(
            pk__in=SettledGateMiss.objects.filter(
                settled__framework_id=filters.framework.id,
                settled__framework_version_id=version_id,
                level_code=level_code,
                gate_index=index,
            ).values("settled__enterprise_id")
        )
    if drill.get("anchor"):
        anchor_id = drill["anchor"][0]
        queryset = queryset.filter(
            pk__in=SupplierLink.objects.filter(
                anchor_id=anchor_id, status=SupplierLink.Status.ACCEPTED
            ).values("supplier_id")
        )
    rows = queryset.order_by("name", "id").values(
        "pk",
        "name",
        "region_id",
        "region__name",
        "region__name_en",
        "industry_id",
        "industry__name",
        "industry__name_en",
        "size_class",
        level_code=F("s__level_code"),
        level_rank=F("s__level_rank"),
        total=F("s__total"),
        percent=F("s__percent"),
        settled_at=F("s__settled_at"),
        assessment_id=F("s__assessment_id"),
    )
    paginator = Paginator(rows, per_page)
    result = paginator.get_page(page)
    sizes = dict(SizeClass.choices)
    framework = filters.framework
    result.object_list = [
        {
            "id": row["pk"],
            "name": row["name"],
            "region_code": row["region_id"],
            "region": _localised(row["region__name"], row["region__name_en"]),
            "industry_code": row["industry_id"],
            "industry": _localised(row["industry__name"], row["industry__name_en"]),
            "size_class": row["size_class"],
            "size_label": str(sizes.get(row["size_class"], row["size_class"])),
            "assessed": row["assessment_id"] is not None,
            "level_code": row["level_code"],
            "level_name": (
                framework.level_name(row["level_code"])
                if row["assessment_id"] is not None
                else _("Not assessed")
            ),
            "level_rank": row["level_rank"],
            "total": float(row["total"]) if row["total"] is not None else None,
            "percent": _round(row["percent"]),
            "settled_at": row["settled_at"],
            "assessment_id": row["assessment_id"],
        }
        for row in result.object_list
    ]
    return result
