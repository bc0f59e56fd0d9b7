"""The bureau dashboard and the enterprises behind its numbers. Thin: parse the filters,
call the analytics selectors, draw the charts, render."""

from __future__ import annotations

from typing import Any
from urllib.parse import urlencode

from django.contrib.auth.decorators import login_required
from django.db.models import Q
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.safestring import SafeString, mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_GET

from assessments.presenters import tr
from enterprises.errors import ValidationFailed
from enterprises.models import Cluster, Industry, Region, SizeClass, region_prefix

from . import charts
from .analytics.gates import gate_label
from .analytics.scope import AnalyticsFilters, AnalyticsScope, analytics_filters_parse
from .analytics.scope import analytics_scope_for as scope_for
from .analytics.selectors import analytics_dashboard as dashboard_data
from .analytics.selectors import enterprise_list, enterprise_list_parse

PAGE_SIZE = 50


def _svg(markup: str) -> SafeString:
    # charts.py escapes every text it writes and emits no script or link.
    return mark_safe(markup)  # noqa: S308


def _options(scope: AnalyticsScope) -> dict[str, Any]:
    """Choices for the filter form, limited to the scope (three queries)."""
    region_q = Q(pk__in=[])
    for prefix in scope.prefixes:
        region_q |= Q(code__startswith=prefix)
    regions = [
        {"code": code, "name": tr({"zh-hans": name, "en": name_en}), "level": level}
        for code, name, name_en, level in Region.objects.filter(region_q)
        .order_by("code")
        .values_list("code", "name", "name_en", "level")
    ]
    clusters = Cluster.objects.order_by("code")
    clusters = clusters.filter(pk__in=scope.clusters) if scope.clusters else clusters

    def named(queryset: Any) -> list[tuple[str, str]]:
        return [
            (code, tr({"zh-hans": name, "en": name_en}))
            for code, name, name_en in queryset.values_list("pk", "name", "name_en")
        ]

    return {
        "scope_regions": [r for r in regions if region_prefix(r["code"]) in scope.prefixes],
        "regions": regions,
        "clusters": named(clusters),
        "industries": named(Industry.objects.order_by("code")),
        "sizes": SizeClass.choices,
    }


def _query(params: dict[str, str] | None) -> str:
    return urlencode(params) if params else ""


def _with_queries(value: Any) -> Any:
    """Turn every ``link`` (filter parameters) in the read model into a query string."""
    if isinstance(value, dict):
        out = {key: _with_queries(item) for key, item in value.items()}
        if "link" in value:
            out["query"] = _query(value["link"])
        return out
    if isinstance(value, list):
        return [_with_queries(item) for item in value]
    return value


def _level_series(filters: AnalyticsFilters) -> tuple[list[str], list[str]]:
    names = [_("Not assessed"), filters.framework.no_level_name]
    names += [name for _code, name in filters.framework.levels]
    return names, charts.level_colours(len(filters.framework.levels))


def _stacked(rows: list[dict[str, Any]], filters: AnalyticsFilters, title: str, k: int) -> str:
    names, colours = _level_series(filters)
    return charts.stacked_bar_svg(
        [
            (row["name"], None if row["suppressed"] else [lv["count"] for lv in row["levels"]])
            for row in rows
        ],
        series=names,
        colours=colours,
        width=760,
        title=title,
        right_labels=[str(row["enterprises"]) for row in rows],
        hidden_label=_("Fewer than %(k)d assessed: not shown") % {"k": k},
    )


def _charts(data: dict[str, Any], filters: AnalyticsFilters) -> dict[str, SafeString]:
    k = data["min_group"]
    overview = data["overview"]
    out: dict[str, str] = {}
    if overview["enterprises"]:
        out["overview"] = _stacked([overview], filters, _("Level distribution"), k)
    for name, title in (
        ("by_cluster", _("Level distribution by cluster")),
        ("by_city", _("Level distribution by city")),
        ("by_industry", _("Level distribution by industry")),
        ("by_size", _("Level distribution by size class")),
    ):
        if data[name]:
            out[name] = _stacked(data[name], filters, title, k)
    heatmap = data["heatmap"]
    if heatmap["rows"] and heatmap["columns"]:
        out["heatmap"] = charts.heatmap_svg(
            [row["name"] for row in heatmap["rows"]],
            [column["name"] for column in heatmap["columns"]],
            [[cell["value"] for cell in row["cells"]] for row in heatmap["rows"]],
            title=_("Mean percent of each dimension's maximum, by cluster"),
        )
    if data["gates"]["overall"]:
        out["gates"] = charts.bar_svg(
            [
                (f"{gate['level_name']} · {gate['label']}", gate["share"] or 0)
                for gate in data["gates"]["overall"]
            ],
            width=760,
            title=_("Share of the enterprises aiming at a level that miss each condition"),
        )
    trend = data["trend"]
    if trend["available"] and trend["rows"]:
        out["trend"] = _stacked(trend["rows"], filters, _("Level distribution by quarter"), k)
    anchors = data["coverage"]["anchors"]
    if anchors:
        out["coverage"] = charts.bar_svg(
            [(row["name"], row["assessed_share"] or 0) for row in anchors],
            width=760,
            title=_("Share of each anchor firm's suppliers that are assessed"),
        )
    return {name: _svg(markup) for name, markup in out.items()}


@login_required
@require_GET
def analytics_dashboard(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    context: dict[str, Any] = {"scope": scope, "options": _options(scope), "values": request.GET}
    try:
        filters = analytics_filters_parse(scope, request.GET)
    except ValidationFailed as exc:
        context["errors"] = exc.errors
        return render(request, "reports/analytics.html", context, status=400)
    data = dashboard_data(scope, filters)
    shown = _with_queries({k: v for k, v in data.items() if k != "framework"})
    context.update(
        {
            "filters": filters,
            "data": shown,
            "overview_rows": [shown["overview"]],
            "framework": filters.framework,
            "charts": _charts(data, filters),
            "level_names": _level_series(filters)[0],
            "base_query": _query(filters.params()),
        }
    )
    return render(request, "reports/analytics.html", context)


@login_required
@require_GET
def analytics_enterprises(request: HttpRequest) -> HttpResponse:
    scope = scope_for(request.user)
    context: dict[str, Any] = {"scope": scope, "values": request.GET}
    try:
        filters = analytics_filters_parse(scope, request.GET)
        drill = enterprise_list_parse(scope, filters, request.GET)
    except ValidationFailed as exc:
        context["errors"] = exc.errors
        return render(request, "reports/analytics_enterprises.html", context, status=400)
    page = enterprise_list(scope, filters, drill, page=request.GET.get("page"), per_page=PAGE_SIZE)
    params = {key: value for key, value in request.GET.items() if key != "page" and value}
    context.update(
        {
            "filters": filters,
            "framework": filters.framework,
            "page": page,
            "describe": _describe(filters, drill),
            "page_query": urlencode(params),
            "dashboard_query": _query(filters.params()),
        }
    )
    return render(request, "reports/analytics_enterprises.html", context)


def _describe(filters: AnalyticsFilters, drill: dict[str, Any]) -> list[str]:
    """The filters of a list in words."""
    labels = {
        "cluster": _("Cluster"),
        "region": _("Region"),
        "industry": _("Industry"),
        "size": _("Size class"),
    }
    parts = [f"{labels[name]}: {value}" for name, value in filters.names.items()]
    if "assessed" in drill:
        parts.append(_("Assessed") if drill["assessed"] else _("Not assessed"))
    if "level" in drill:
        parts.append(
            _("Level: %(value)s") % {"value": filters.framework.level_name(drill["level"])}
        )
    if drill.get("gate"):
        version_id, level_code, index = drill["gate"]
        label = ""
        if version_id == filters.framework.version_id:
            label = gate_label(filters.framework.compiled, level_code, index)
        parts.append(
            _("Missing for %(level)s: %(condition)s")
            % {
                "level": filters.framework.level_name(level_code),
                "condition": label or _("Condition %(number)d") % {"number": index + 1},
            }
        )
    if drill.get("anchor"):
        parts.append(_("Suppliers of %(name)s") % {"name": drill["anchor"][1]})
    return parts
