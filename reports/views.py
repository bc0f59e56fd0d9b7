"""Pages for results (and later plans, certificates and analytics). Thin: fetch through
the access call, read through selectors, draw charts, render."""

from __future__ import annotations

from typing import Any

from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone
from django.utils.formats import date_format
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_safe

from assessments.access import assessment_get_for
from assessments.presenters import tr

from . import charts, selectors
from .models import Certificate

# A radar needs three axes to enclose an area; with fewer, bars read better.
RADAR_MIN_AXES = 3


def _svg(markup: str) -> str:
    # The chart functions escape every text they place, so their output is safe HTML.
    return mark_safe(markup)  # noqa: S308


def _signed(value: float) -> str:
    """+1.5, −2 (a true minus sign), 0: a difference with its sign, at most three decimals."""
    text = selectors.number_text(abs(value))
    if text == "0":
        return text
    return f"+{text}" if value > 0 else f"−{text}"


def _peer_context(
    peers: dict[str, Any], summary: dict[str, Any]
) -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
    """Localised peer groups, and rows of per-dimension medians by group (shown groups)."""
    total = summary["total"]
    groups = []
    for g in peers["groups"]:
        median = g["median_total"]
        difference = None if median is None or total is None else total - median
        groups.append(
            {
                **g,
                "name": tr(g["name"]),
                "kind_label": _("Industry") if g["kind"] == "industry" else _("Cluster"),
                "difference": difference,
                "median_total_text": selectors.number_text(median) if median is not None else "",
                "difference_text": _signed(difference) if difference is not None else "",
            }
        )
    shown = [g for g in groups if g["enough"] and g["dimensions"]]
    rows = []
    for d in summary["dimensions"]:
        if not d["scored"]:
            continue
        rows.append(
            {
                "name": d["name"],
                "percent": d["percent"],
                "medians": [g["dimensions"].get(d["key"]) for g in shown],
            }
        )
    return groups, rows if shown else []


def _charts(
    summary: dict[str, Any], groups: list[dict[str, Any]], history: list[dict[str, Any]]
) -> dict[str, str]:
    scored = [d for d in summary["dimensions"] if d["scored"]]
    axes = [(d["name"], d["percent"] or 0.0) for d in scored]
    out: dict[str, str] = {}
    if len(axes) >= RADAR_MIN_AXES:
        industry = next((g for g in groups if g["kind"] == "industry"), None)
        series: list[tuple[str, list[float | None]]] = []
        if industry and industry["enough"] and industry["dimensions"]:
            series.append(
                (
                    _("Industry median"),
                    [industry["dimensions"].get(d["key"]) for d in scored],
                )
            )
        out["dimensions"] = _svg(
            charts.radar_svg(
                axes,
                title=_("Score by dimension (percent of maximum)"),
                name=_("This enterprise") if series else "",
                series=series,
            )
        )
    elif axes:
        out["dimensions"] = _svg(
            charts.bar_svg(axes, title=_("Score by dimension (percent of maximum)"))
        )
    if len(history) >= 2:
        out["trend"] = _svg(
            charts.line_svg(
                [(row["date"], row["total"] or 0.0) for row in history],
                max_value=summary["max_total"] or None,
                title=_("Total score over time"),
            )
        )
    return out


@login_required
@require_safe
def assessment_result(request: HttpRequest, pk: int) -> HttpResponse:
    """The result of an assessment, or a clearly marked preview for a draft."""
    assessment = assessment_get_for(request.user, pk, "view")
    data = selectors.assessment_result(assessment)
    summary = selectors.result_summary(assessment, data)
    history = selectors.result_history(assessment)
    for row in history:
        row["date"] = date_format(timezone.localtime(row["submitted_at"]), "Y-m-d")
    groups, dimension_medians = _peer_context(selectors.peer_medians(assessment), summary)
    context = {
        "assessment": assessment,
        "enterprise": assessment.enterprise,
        "summary": summary,
        "level_css": min(summary["level"]["rank"], 4),
        "has_areas": any(d["areas"] for d in summary["dimensions"]),
        "history": history,
        "peer_groups": groups,
        "peer_shown": [g for g in groups if g["enough"] and g["dimensions"]],
        "dimension_medians": dimension_medians,
        "min_group": selectors.benchmark_min_group(),
        "charts": _charts(summary, groups, history),
        "printed_at": timezone.localtime(),
        "certificate": Certificate.objects.filter(assessment=assessment).first(),
    }
    return render(request, "reports/result.html", context)
