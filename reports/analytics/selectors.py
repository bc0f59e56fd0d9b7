"""Cluster analytics for a bureau officer: aggregates in SQL over the settled results.

The basis is each in-scope enterprise's latest settled assessment per framework, as kept
in ``SettledResult`` (with its dimension scores and missed gates) by the
assessment services, and summed ahead by city, industry, size class and cluster in
``SettledCell`` (queries.py reads those where they answer). Every function here takes
an ``AnalyticsScope`` and ``AnalyticsFilters`` (reports/analytics/scope.py), applies
both to every table it reads, groups in the database and returns plain, localised
data; Python only folds grouped rows (a few thousand at most), never one object per
enterprise. The query count of each
function is fixed, whatever the number of enterprises. Small groups are suppressed as
reports/analytics/suppression.py says.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from typing import Any

from django.core.paginator import Page, Paginator
from django.db.models import F
from django.utils.translation import gettext as _

from assessments.presenters import tr
from enterprises.errors import ValidationFailed
from enterprises.models import Cluster, Enterprise, Industry, Region, SizeClass, SupplierLink
from reports.selectors import benchmark_min_group

from . import gates as gate_names
from .coverage import anchor_chain_coverage
from .queries import (
    NO_LEVEL,
    SIZE_ORDER,
    Group,
    VersionShape,
    compiled_versions,
    group_out,
    level_rows,
    scoped_enterprises,
    settled_join,
    shapes_of_versions,
    share,
    version_shapes,
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
    """Registered and assessed enterprises, the level distribution, the dimension sums
    and the gate counts (one query)."""
    group = Group()
    rows = level_rows(scope, filters, details=True)
    for row in rows:
        group.add_row(row)
    shapes = version_shapes(rows, filters)
    out = group_out("", _("All"), group, filters, filters.params(), shapes)
    out["suppressed"] = 0 < out["assessed"] < benchmark_min_group()
    return out


def breakdowns(scope: AnalyticsScope, filters: AnalyticsFilters) -> dict[str, Any]:
    """The overview and its breakdowns by city, industry and size class (two grouped
    queries, two name lookups), with partition suppression."""
    min_group = benchmark_min_group()
    cities: dict[str, Group] = defaultdict(Group)
    industries: dict[str, Group] = defaultdict(Group)
    sizes: dict[str, Group] = defaultdict(Group)
    overview = level_overview(scope, filters)
    for row in level_rows(scope, filters, "city", "industry_id", "size_class"):
        for group in (
            cities[row["city"]],
            industries[row["industry_id"]],
            sizes[row["size_class"]],
        ):
            group.add_row(row)
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
    found = level_rows(scope, filters, "clusters", details=True)
    shapes = version_shapes(found, filters)
    for row in found:
        if scope.covers_cluster(row["clusters"]):
            groups[row["clusters"]].add_row(row)
    names = _names(Cluster, groups)
    rows = [
        group_out(code, names.get(code, code), group, filters, filters.params(cluster=code), shapes)
        for code, group in sorted(groups.items(), key=lambda kv: (-kv[1].enterprises, kv[0]))
    ]
    apply_groups(rows, benchmark_min_group())
    return rows


# ---- dimensions -----------------------------------------------------------------------


def _round(value: Any, places: int = 1) -> float | None:
    return round(float(value), places) if value is not None else None


def dimension_means(filters: AnalyticsFilters, group: dict[str, Any]) -> list[dict[str, Any]]:
    """Each dimension of the framework over a group (a ``group_out`` row): mean score and
    mean percent of its maximum over the assessed enterprises, or None below K
    (`suppressed`). No query: the group's grouped rows carry the sums."""
    min_group = benchmark_min_group()
    out = []
    for (key, name, scored), figures in zip(
        filters.framework.dimensions, group["dimensions"], strict=True
    ):
        n = figures["n"]
        shown = enough(n, min_group)
        out.append(
            {
                "key": key,
                "name": name,
                "scored": scored,
                "n": n,
                "mean": _round(figures["mean"], 3) if shown else None,
                "mean_percent": _round(figures["mean_percent"]) if shown and scored else None,
                "suppressed": 0 < n < min_group,
            }
        )
    return out


def cluster_heatmap(filters: AnalyticsFilters, clusters: list[dict[str, Any]]) -> dict[str, Any]:
    """Mean percent of each scored dimension per cluster (rows as in `clusters`); a cell
    over fewer than K enterprises is None and `suppressed`. No query."""
    columns = [
        (index, key, name)
        for index, (key, name, scored) in enumerate(filters.framework.dimensions)
        if scored
    ]
    rows = []
    for cluster in clusters:
        means = dimension_means(filters, cluster)
        rows.append(
            {
                "key": cluster["key"],
                "name": cluster["name"],
                "cells": [
                    {
                        "n": means[index]["n"],
                        "value": means[index]["mean_percent"],
                        "suppressed": means[index]["suppressed"],
                    }
                    for index, _key, _name in columns
                ],
            }
        )
    return {"columns": [{"key": k, "name": n} for _i, k, n in columns], "rows": rows}


# ---- gates ----------------------------------------------------------------------------


def _aiming(levels: list[dict[str, Any]]) -> dict[str, int]:
    """How many enterprises aim at each level: those standing right below it."""
    counts = [lv["count"] for lv in levels[1:]]  # below the first level, then each level
    codes = [lv["code"] for lv in levels[2:]]
    return {code: counts[i] for i, code in enumerate(codes)}


def gate_misses(
    filters: AnalyticsFilters,
    overview: dict[str, Any],
    clusters: list[dict[str, Any]],
    *,
    top: int = 10,
    per_cluster: int = 3,
) -> dict[str, Any]:
    """The gates most often unmet for the next level, overall and per cluster, from the
    gate counts the groups carry.

    Each enterprise is counted against the level right above its own; `share` is the
    percent of the enterprises aiming at that level that miss the gate. Suppressed with
    the group it describes. No query, unless results of an older framework version are
    among them (its document names its gates).
    """
    frameworks = compiled_versions({g["version_id"] for g in overview["gates"]}, filters)

    def shaped(group: dict[str, Any], link: dict[str, str], limit: int) -> list[dict[str, Any]]:
        aiming = _aiming(group["levels"])
        out = [
            {
                **gate,
                "level_name": filters.framework.level_name(gate["level_code"]),
                "key": gate_names.gate_key(
                    gate["version_id"], gate["level_code"], gate["gate_index"]
                ),
                "aiming": aiming.get(gate["level_code"], 0),
                "share": share(gate["count"], aiming.get(gate["level_code"], 0)),
            }
            for gate in group["gates"]
        ]
        out.sort(key=lambda g: (-g["count"], g["level_code"], g["gate_index"], g["version_id"]))
        out = out[:limit]
        for gate in out:
            gate["link"] = {**link, "gate": gate["key"]}
        gate_names.describe(out, frameworks)
        return out

    top_overall = [] if overview["suppressed"] else shaped(overview, filters.params(), top)
    per_cluster_out = [
        {
            "key": cluster["key"],
            "name": cluster["name"],
            "gates": shaped(cluster, filters.params(cluster=cluster["key"]), per_cluster),
        }
        for cluster in clusters
        if cluster["assessed"] and not cluster["suppressed"]
    ]
    return {"overall": top_overall, "clusters": per_cluster_out}


# ---- the dashboard and the summary -------------------------------------------------------


def analytics_dashboard(scope: AnalyticsScope, filters: AnalyticsFilters) -> dict[str, Any]:
    """Everything the bureau dashboard shows, for one framework: ten queries whatever
    the number of enterprises. Three sum the settled cells (the overview with dimension
    sums and gate counts, the city x industry x size breakdown, the clusters; a scope
    the cells cannot answer scans its enterprises instead: queries.cells_filter), one
    sums the chain standings per anchor (coverage.py); the others read names and
    snapshots."""
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
        "dimensions": dimension_means(filters, overview),
        "heatmap": cluster_heatmap(filters, clusters),
        "gates": gate_misses(filters, overview, clusters),
        "trend": analytics_trend(scope, filters, overview),
        "coverage": anchor_chain_coverage(scope, filters),
    }


def analytics_summary(scope: AnalyticsScope, filters: AnalyticsFilters) -> dict[str, Any]:
    """The API summary: ``{enterprises, assessed, levels: {code: count}, dimensions:
    [{key, mean}]}`` plus the framework, the share, those below the first level and the
    suppression state. Levels and means are withheld below K. One query."""
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
            for d in dimension_means(filters, overview)
        ],
        "suppressed": suppressed,
        "min_group": benchmark_min_group(),
    }


# ---- the enterprises behind a number ----------------------------------------------------


class _Paginator(Paginator):
    """A paginator told its count, so that counting can use a leaner query."""

    def __init__(self, object_list: Any, per_page: int, *, count: int) -> None:
        super().__init__(object_list, per_page)
        self.__dict__["count"] = count


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
        below = {
            upper: code
            for code, upper in shapes_of_versions([version_id], filters)
            .get(version_id, VersionShape({}, {}))
            .next_level.items()
            if upper
        }
        queryset = queryset.annotate(
            missed=F("s__missed_gates").bitrightshift(index).bitand(1)
        ).filter(
            s__framework_version_id=version_id,
            s__level_code=below.get(level_code, "-"),  # "-": no such level, nothing
            missed=1,
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
    # Counted over the enterprises alone: the joins that name regions and industries
    # only slow the count down.
    paginator = _Paginator(rows, per_page, count=queryset.values("pk").count())
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
