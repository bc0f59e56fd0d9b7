"""Anchor firms' chain coverage: how many of their suppliers are assessed, how many
meet what the anchor requires, and how many are past a deadline without meeting it.

An anchor firm is an enterprise in scope (and in the filters) with accepted supplier
links. Only suppliers inside the officer's scope are counted: every number stays in
scope, so a supplier registered elsewhere appears only in ``suppliers_total`` (the
anchor's own count of accepted links).

"Meets the requirement" is the supply dashboard's rule (reports/requirements.py): every
``SupplyRequirement`` of the anchor on the framework that applies to the link (every
supplier, the link's tier, or a tag the link carries) is checked against the supplier's
settled result, its minimum level and its minimum dimension percents alike. A link is
"overdue" when one of them is unmet and its deadline has passed. Links without an
applicable requirement count towards neither.

The rule is applied ahead, link by link, in ``ChainStanding`` (standings.py): coverage
sums those narrow rows per anchor in one query, and reads the anchors' names in a
second, whatever the number of links.
"""

from __future__ import annotations

import datetime as dt
from itertools import takewhile
from typing import Any

from django.db.models import Count, Q
from django.utils import timezone

from enterprises.models import Enterprise, region_prefix
from reports.models import ChainStanding
from reports.selectors import benchmark_min_group

from .scope import AnalyticsFilters, AnalyticsScope, in_clusters
from .standings import LINKS
from .suppression import enough

# Counted from each link's requirements.
REQUIREMENT_KEYS = ("with_requirement", "assessed_with_requirement", "at_required", "overdue")
KEYS = ("suppliers_total", "suppliers", "assessed", *REQUIREMENT_KEYS)


def _regions(field: str, prefixes: tuple[str, ...] | list[str]) -> Q:
    """Rows whose copied region code `field` starts with one of `prefixes` (none: none)."""
    if not prefixes:
        return Q(pk__in=[])
    q = Q()
    for prefix in prefixes:
        q |= Q(**{f"{field}__startswith": prefix})
    return q


def anchors_q(scope: AnalyticsScope, filters: AnalyticsFilters) -> Q:
    """Standings whose anchor is in scope and in the filters (the regions from the
    copied codes; clusters, industry and size from the anchor)."""
    q = _regions("anchor_region", scope.prefixes)
    if scope.clusters:
        q &= in_clusters(scope.clusters, "anchor")
    if filters.cluster:
        q &= in_clusters([filters.cluster], "anchor")
    if filters.region:
        q &= Q(anchor_region__startswith=region_prefix(filters.region))
    if filters.industry:
        q &= Q(anchor__industry_id=filters.industry)
    if filters.size:
        q &= Q(anchor__size_class=filters.size)
    return q


def suppliers_q(scope: AnalyticsScope) -> Q:
    """Standings whose supplier is in scope."""
    q = _regions("supplier_region", scope.prefixes)
    if scope.clusters:
        q &= in_clusters(scope.clusters, "supplier")
    return q


def _by_suppliers(row: dict[str, Any]) -> tuple[int, int]:
    """Most suppliers in scope first, then most suppliers in all."""
    return (-row["suppliers"], -row["suppliers_total"])


def anchor_chain_coverage(
    scope: AnalyticsScope,
    filters: AnalyticsFilters,
    *,
    limit: int = 20,
    today: dt.date | None = None,
) -> dict[str, Any]:
    """Coverage of each anchor firm in scope and of all of them together.

    Returns {"anchors": the `limit` anchors with the most suppliers in scope, "count":
    how many anchors, "total": the sums}; each row has suppliers_total, suppliers (in
    scope), outside_scope, assessed, assessed_share, with_requirement, at_required
    (meeting every applicable requirement), at_required_share and overdue (None when
    fewer than K of the suppliers under a requirement are assessed: ``suppressed``).
    Two queries.
    """
    today = today or timezone.localdate()
    min_group = benchmark_min_group()
    link = Q(framework=LINKS)
    on = Q(framework=filters.framework.id) & suppliers_q(scope)
    required = on & Q(with_requirement=True)
    # Counted under other names: the counts of `assessed` and `with_requirement` would
    # otherwise shadow the columns the later counts filter on.
    counts = {
        "suppliers_total": Count("id", filter=link),
        "suppliers": Count("id", filter=link & suppliers_q(scope)),
        "assessed": Count("id", filter=on & Q(assessed=True)),
        "with_requirement": Count("id", filter=required),
        "assessed_with_requirement": Count("id", filter=required & Q(assessed=True)),
        "at_required": Count("id", filter=required & Q(meets=True)),
        "overdue": Count("id", filter=required & Q(unmet_deadline__lt=today)),
    }
    rows = [
        {"anchor_id": row["anchor_id"], **{key: row[f"n_{key}"] for key in KEYS}}
        for row in ChainStanding.objects.filter(anchors_q(scope, filters))
        .filter(framework__in=[LINKS, filters.framework.id])
        .values("anchor_id")
        .annotate(**{f"n_{key}": count for key, count in counts.items()})
        .order_by()
    ]
    total = {key: sum(row[key] for row in rows) for key in KEYS}
    count = len(rows)
    # Names only for the anchors shown and those tied with the last of them (a name
    # breaks a tie): a province has a thousand anchors and shows twenty.
    rows.sort(key=_by_suppliers)
    shown, rest = rows[:limit], rows[limit:]
    if shown:
        cut = _by_suppliers(shown[-1])
        shown.extend(takewhile(lambda row: _by_suppliers(row) == cut, rest))
    rows = shown
    names = dict(
        Enterprise.objects.filter(pk__in=[row["anchor_id"] for row in rows]).values_list(
            "pk", "name"
        )
    )
    for row in rows:
        row["name"] = names.get(row["anchor_id"], "")

    def shaped(row: dict[str, Any], *, anchor_id: int | None, name: str) -> dict[str, Any]:
        shown = enough(row["assessed_with_requirement"], min_group)
        return {
            "anchor_id": anchor_id,
            "name": name,
            **{key: row[key] for key in KEYS},
            "outside_scope": row["suppliers_total"] - row["suppliers"],
            "assessed_share": (
                round(100 * row["assessed"] / row["suppliers"], 1) if row["suppliers"] else None
            ),
            "at_required": row["at_required"] if shown else None,
            "at_required_share": (
                round(100 * row["at_required"] / row["with_requirement"], 1)
                if shown and row["with_requirement"]
                else None
            ),
            "overdue": row["overdue"] if shown else None,
            "suppressed": 0 < row["assessed_with_requirement"] < min_group,
        }

    rows.sort(key=lambda r: (*_by_suppliers(r), r["name"]))
    return {
        "count": count,
        "anchors": [
            shaped(row, anchor_id=row["anchor_id"], name=row["name"]) for row in rows[:limit]
        ],
        "total": shaped(total, anchor_id=None, name=""),
    }
