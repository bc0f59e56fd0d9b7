"""An anchor firm's supply-chain dashboard as plain, localised numbers.

Everything here comes from ``supply_facts(..., audience="anchor")``: a supplier that
has not accepted (or has revoked) contributes its link status to the status counts
and nothing else. Only attested results count (a settled self-assessment or a
confirmed review): a level awaiting review is counted as "awaiting review", never as
the level it claims. The page and the API render the same dictionary.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import Counter, defaultdict
from decimal import Decimal
from typing import Any

from django.core.paginator import Paginator
from django.utils import timezone
from django.utils.translation import gettext as _

from enterprises.models import Enterprise, SupplierLink

from .. import requirements
from .facts import FrameworkInfo, LinkFacts, SupplyFacts, supply_facts
from .present import check_out, requirement_out, status_label

QUARTERS = 8
LAGGARDS_PER_PAGE = 25
GROUPINGS = ("tier", "tag")


def _share(count: int, of: int) -> float | None:
    return round(100 * count / of, 1) if of else None


def quarter_ends(today: dt.date, *, since: dt.date | None = None, count: int = QUARTERS) -> list:
    """(label, end date) of up to ``count`` quarters ending with the current one (whose
    end is ``today``), oldest first, starting no earlier than the quarter of ``since``."""
    year, quarter = today.year, (today.month - 1) // 3
    out: list[tuple[str, dt.date]] = []
    for _i in range(count):
        last_month = 3 * quarter + 3
        first_next = dt.date(year + (last_month == 12), last_month % 12 + 1, 1)
        end = min(first_next - dt.timedelta(days=1), today)
        out.append((_("%(year)d Q%(quarter)d") % {"year": year, "quarter": quarter + 1}, end))
        starts = dt.date(year, 3 * quarter + 1, 1)
        if since is not None and starts <= since:
            break
        year, quarter = (year, quarter - 1) if quarter else (year - 1, 3)
    return list(reversed(out))


def _end_of_day(day: dt.date) -> dt.datetime:
    return timezone.make_aware(dt.datetime.combine(day + dt.timedelta(days=1), dt.time.min))


def _framework_choices(found: SupplyFacts, shared: list[LinkFacts]) -> list[FrameworkInfo]:
    """Frameworks the anchor requires or its consenting suppliers hold results of."""
    ids = {r.framework_id for r in found.requirements}
    for fact in shared:
        ids.update(fact.attested)
    return sorted(
        (found.frameworks[i] for i in ids if i in found.frameworks), key=lambda info: info.code
    )


def _default_framework(found: SupplyFacts, shared: list[LinkFacts]) -> FrameworkInfo | None:
    """The framework of the earliest-deadline requirement, else the one most consenting
    suppliers hold results of."""
    for requirement in found.requirements:  # ordered by deadline
        if requirement.framework_id in found.frameworks:
            return found.frameworks[requirement.framework_id]
    counts = Counter(i for fact in shared for i in fact.attested)
    for framework_id, _n in counts.most_common():
        if framework_id in found.frameworks:
            return found.frameworks[framework_id]
    return None


def status_counts(found: SupplyFacts) -> list[dict[str, Any]]:
    counts = Counter(fact.status for fact in found.links)
    return [
        {"status": status, "label": status_label(status), "count": counts.get(status, 0)}
        for status in requirements.SUPPLY_STATUSES
    ]


def level_distribution(
    shared: list[LinkFacts], frameworks: list[FrameworkInfo]
) -> list[dict[str, Any]]:
    """Per framework: consenting suppliers by attested level (highest first), with those
    whose result awaits review and those with no submitted assessment of it."""
    out = []
    for info in frameworks:
        levels: Counter[str | None] = Counter()
        awaiting = not_assessed = 0
        for fact in shared:
            latest = fact.latest(info.id)
            if latest is not None:
                levels[latest.level] += 1
            elif info.id in fact.counted:
                awaiting += 1
            else:
                not_assessed += 1
        buckets = [
            {"code": level.code, "name": info.level_name(level.code), "count": levels[level.code]}
            for level in reversed(info.compiled.levels)
        ]
        out.append(
            {
                "framework": info.code,
                "title": info.title,
                "levels": buckets,
                "no_level": levels[None],
                "awaiting_review": awaiting,
                "not_assessed": not_assessed,
                "suppliers": len(shared),
            }
        )
    return out


def quarterly_progress(
    found: SupplyFacts, shared: list[LinkFacts], info: FrameworkInfo | None
) -> list[dict[str, Any]]:
    """By quarter end: the share of consenting suppliers whose attested level on ``info``
    reached each level (or higher), and the share meeting every requirement that
    applies to them, from the results submitted by then.

    Each attested result is checked once; a quarter finds the result that stood at its
    end by bisection, so the work grows with results, not results x quarters.
    """
    firsts = [
        results[0].submitted_at.date()
        for fact in shared
        for framework_id, results in fact.attested.items()
        if results
        and (
            (info is not None and framework_id == info.id)
            or any(r.framework_id == framework_id for r in fact.requirements)
        )
    ]
    ends = quarter_ends(found.today, since=min(firsts) if firsts else found.today)
    moments = [_end_of_day(end) for _label, end in ends]

    def standing(results: list[Any], values: list[Any], empty: Any) -> list[Any]:
        """For each quarter, the value of the last result submitted before its end."""
        times = [result.submitted_at for result in results]
        out = []
        for moment in moments:
            i = bisect.bisect_left(times, moment)
            out.append(values[i - 1] if i else empty)
        return out

    reached: list[Counter[int]] = [Counter() for _m in moments]
    if info is not None:
        for fact in shared:
            results = fact.attested.get(info.id, [])
            ranks = [info.ranks.get(result.level or "", 0) for result in results]
            for q, rank in enumerate(standing(results, ranks, 0)):
                reached[q][rank] += 1

    required = [fact for fact in shared if fact.requirements]
    met_counts = [0] * len(moments)
    for fact in required:
        met_all = [True] * len(moments)
        for requirement in fact.requirements:
            results = fact.attested.get(requirement.framework_id, [])
            framework = found.frameworks.get(requirement.framework_id)
            mets = [
                requirements.check(
                    requirement,
                    level_ranks=framework.ranks if framework else {},
                    level=result.level,
                    percents=result.percents,
                    today=found.today,
                ).met
                for result in results
            ]
            for q, met in enumerate(standing(results, mets, False)):
                met_all[q] = met_all[q] and met
        for q, met in enumerate(met_all):
            met_counts[q] += met

    rows = []
    for q, (label, end) in enumerate(ends):
        levels = []
        if info is not None:
            for level in info.compiled.levels:
                rank = info.ranks[level.code]
                count = sum(n for r, n in reached[q].items() if r >= rank)
                levels.append(
                    {
                        "code": level.code,
                        "name": info.level_name(level.code),
                        "count": count,
                        "share": _share(count, len(shared)),
                    }
                )
        rows.append(
            {
                "quarter": label,
                "end": end,
                "suppliers": len(shared),
                "levels": levels,
                "requirement": (
                    {
                        "count": met_counts[q],
                        "of": len(required),
                        "share": _share(met_counts[q], len(required)),
                    }
                    if required
                    else None
                ),
            }
        )
    return rows


def dimension_heatmap(
    shared: list[LinkFacts], info: FrameworkInfo | None, by: str
) -> dict[str, Any]:
    """Mean percent of each scored dimension of ``info`` over consenting suppliers'
    latest attested results, by tier or by tag (a supplier counts under each of its
    tags; untagged ones under ""). Dimensions run weakest first across the chain."""
    if info is None:
        return {"by": by, "dimensions": [], "rows": []}
    dims = info.scored_dimensions()
    sums: dict[Any, dict[str, list[Decimal]]] = defaultdict(lambda: defaultdict(list))
    suppliers: Counter[Any] = Counter()
    overall: dict[str, list[Decimal]] = defaultdict(list)
    for fact in shared:
        latest = fact.latest(info.id)
        if latest is None:
            continue
        groups = [fact.tier] if by == "tier" else (fact.tags or [""])
        for group in groups:
            suppliers[group] += 1
            for key, _name in dims:
                if key in latest.percents:
                    sums[group][key].append(latest.percents[key])
        for key, _name in dims:
            if key in latest.percents:
                overall[key].append(latest.percents[key])

    def mean(values: list[Decimal]) -> float | None:
        return round(float(sum(values) / len(values)), 1) if values else None

    columns: list[dict[str, Any]] = [
        {"key": key, "name": name, "mean": mean(overall[key]), "count": len(overall[key])}
        for key, name in dims
    ]
    # Weakest first; dimensions nobody has a score in go last.
    columns.sort(key=lambda c: (c["mean"] is None, c["mean"] or 0))
    order = sorted(suppliers, key=lambda g: (g == "", g) if by == "tag" else (0, g))
    rows = [
        {
            "group": group,
            "label": (
                (_("Tier %(tier)s") % {"tier": group}) if by == "tier" else (group or _("No tag"))
            ),
            "suppliers": suppliers[group],
            "cells": [
                {
                    "key": c["key"],
                    "mean": mean(sums[group][c["key"]]),
                    "count": len(sums[group][c["key"]]),
                }
                for c in columns
            ],
        }
        for group in order
    ]
    return {"by": by, "dimensions": columns, "rows": rows}


def laggard_rows(found: SupplyFacts, shared: list[LinkFacts]) -> list[LinkFacts]:
    """Consenting suppliers missing a requirement: overdue first, then the nearest
    deadline, then by name."""
    behind = [fact for fact in shared if fact.unmet]
    return sorted(
        behind,
        key=lambda f: (
            not any(c.overdue for _r, c in f.checks),
            min(c.days_left for _r, c in f.unmet),
            f.name,
            f.id,
        ),
    )


def laggard_out(fact: LinkFacts, found: SupplyFacts) -> dict[str, Any]:
    return {
        "id": fact.id,
        "supplier": {"id": fact.supplier_id, "name": fact.name, "uscc": fact.uscc},
        "tier": fact.tier,
        "tags": fact.tags,
        "status": fact.status,
        "status_label": status_label(fact.status),
        "unmet": [
            {
                "requirement": requirement_out(r, found.frameworks),
                "check": check_out(c, found.frameworks.get(r.framework_id)),
            }
            for r, c in fact.unmet
        ],
    }


def anchor_dashboard(
    anchor: Enterprise,
    *,
    today: dt.date | None = None,
    framework: str | None = None,
    by: str = "tier",
    page: Any = 1,
    per_page: int = LAGGARDS_PER_PAGE,
) -> dict[str, Any]:
    """The dashboard of ``anchor``: statuses, levels, quarterly progress, the dimension
    heatmap (``by`` "tier" or "tag") and a page of laggards. ``framework`` (a code)
    picks the framework of the progress and heatmap; an unknown one falls back to the
    default. A fixed number of queries whatever the number of suppliers."""
    found = supply_facts(
        SupplierLink.objects.filter(anchor=anchor), today=today, anchor_id=anchor.pk
    )
    shared = [fact for fact in found.links if fact.shared]
    choices = _framework_choices(found, shared)
    selected = next((info for info in choices if info.code == framework), None)
    if selected is None:
        selected = _default_framework(found, shared)
    by = by if by in GROUPINGS else "tier"
    laggards = laggard_rows(found, shared)
    paginator = Paginator(laggards, per_page)
    current = paginator.get_page(page)
    return {
        "anchor": {"id": anchor.pk, "name": anchor.name},
        "as_of": found.today,
        "suppliers": len(found.links),
        "consenting": len(shared),
        "statuses": status_counts(found),
        "frameworks": [{"code": info.code, "title": info.title} for info in choices],
        "framework": (
            {"code": selected.code, "title": selected.title} if selected is not None else None
        ),
        "requirements": [requirement_out(r, found.frameworks) for r in found.requirements],
        "levels": level_distribution(shared, choices),
        "quarters": quarterly_progress(found, shared, selected),
        "heatmap": dimension_heatmap(shared, selected, by),
        "laggards": {
            "count": paginator.count,
            "page": current.number,
            "pages": paginator.num_pages,
            "results": [laggard_out(fact, found) for fact in current.object_list],
        },
    }
