"""The anchor firm's supply-chain dashboard page: the numbers of
``reports.supply.dashboard.anchor_dashboard`` with a server-side SVG chart beside each
table. The anchor's members read it."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils.http import urlencode
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from enterprises.access import enterprise_get_for

from . import charts
from .supply.dashboard import anchor_dashboard
from .supply.present import percent_text


def _charts(data: dict[str, Any]) -> dict[str, Any]:
    statuses = [(row["label"], row["count"]) for row in data["statuses"]]
    out: dict[str, Any] = {
        "statuses": charts.bar_svg(
            statuses,
            max_value=max([count for _l, count in statuses] + [1]),
            unit="",
            title=_("Suppliers by status"),
        ),
        "progress_title": "",
    }
    for dist in data["levels"]:
        bars = [(level["name"], level["count"]) for level in dist["levels"]]
        bars += [
            (_("No level"), dist["no_level"]),
            (_("Awaiting review"), dist["awaiting_review"]),
            (_("Not assessed"), dist["not_assessed"]),
        ]
        dist["chart"] = charts.bar_svg(
            bars,
            max_value=max(dist["suppliers"], 1),
            unit="",
            title=_("Levels: %(framework)s") % {"framework": dist["title"]},
        )
    quarters = data["quarters"]
    if any(q["requirement"] for q in quarters):
        points = [(q["quarter"], (q["requirement"] or {}).get("share") or 0) for q in quarters]
        out["progress_title"] = _("Share of suppliers meeting their requirements")
    elif quarters and quarters[0]["levels"]:
        points = [(q["quarter"], q["levels"][0]["share"] or 0) for q in quarters]
        out["progress_title"] = _("Share of suppliers with a settled level")
    else:
        points = []
    out["progress"] = (
        charts.line_svg(points, max_value=100, unit="%", title=out["progress_title"])
        if points
        else ""
    )
    heat = data["heatmap"]
    out["heatmap"] = (
        charts.heatmap_svg(
            [row["label"] for row in heat["rows"]],
            [column["name"] for column in heat["dimensions"]],
            [[cell["mean"] for cell in row["cells"]] for row in heat["rows"]],
            title=_("Mean score of each dimension (weakest first)"),
        )
        if heat["rows"]
        else ""
    )
    return out


@login_required
@require_safe
def anchor_supply_dashboard(request: HttpRequest, pk: int) -> HttpResponse:
    anchor = enterprise_get_for(request.user, pk, "view_members")
    framework = request.GET.get("framework") or None
    by = request.GET.get("by") or "tier"
    data = anchor_dashboard(anchor, framework=framework, by=by, page=request.GET.get("page"))
    heat = data["heatmap"]
    for row in heat["rows"]:
        row["cells_text"] = [percent_text(cell["mean"]) for cell in row["cells"]]
    for column in heat["dimensions"]:
        column["mean_text"] = percent_text(column["mean"])
    keep = {"framework": data["framework"]["code"] if data["framework"] else "", "by": heat["by"]}
    context = {
        "enterprise": anchor,
        "data": data,
        "charts": _charts(data),
        "query": urlencode({k: v for k, v in keep.items() if v}),
        "weakest": heat["dimensions"][0]["key"] if heat["dimensions"] else None,
    }
    return render(request, "supply/dashboard.html", context)
