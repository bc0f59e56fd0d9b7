"""Anchor firms' chain coverage: how many of their suppliers are assessed, and how many
stand at the level the anchor requires.

An anchor firm is an enterprise in scope (and in the filters) with accepted supplier
links. Only suppliers inside the officer's scope are counted: every number stays in
scope, so a supplier registered elsewhere appears only in ``suppliers_total`` (the
anchor's own count of accepted links). "At the required level" follows the anchor's
``SupplyRequirement`` rows on the framework that apply to the link, by the rule of
reports/requirements.py (``applies``: every supplier, the link's tier, or a tag the link
carries): the supplier's settled level must rank at or above the highest minimum level
among them. A requirement's minimum dimension scores and its deadline are not applied
here (``required_rank`` and ``at_required`` are the places to extend). Links without an
applicable requirement do not count towards that share.

Two queries whatever the number of links: the requirements, and the links grouped by
anchor, tier and tags with their suppliers counted per level rank; Python folds the
groups (a few per anchor) through the requirement rule.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from types import SimpleNamespace
from typing import Any

from django.db.models import Count, FilteredRelation, Q

from enterprises.models import SupplierLink
from reports.models import SupplyRequirement
from reports.requirements import applies
from reports.selectors import benchmark_min_group

from .scope import AnalyticsFilters, AnalyticsScope
from .suppression import enough

# A minimum level the framework does not know can never be met.
_UNREACHABLE = 32767


def required_rank(
    requirements: list[SimpleNamespace], *, tier: int, tags: Iterable[str]
) -> int | None:
    """The rank a link with `tier` and `tags` must reach: the highest minimum level of the
    requirements that apply to it, None when none does."""
    ranks = [r.rank for r in requirements if applies(r, tier=tier, tags=tags)]
    return max(ranks) if ranks else None


def at_required(rank_counts: dict[int, int], required: int) -> int:
    """How many of the suppliers counted by level rank stand at `required` or above."""
    return sum(n for rank, n in rank_counts.items() if rank >= required)


def anchor_chain_coverage(
    scope: AnalyticsScope, filters: AnalyticsFilters, *, limit: int = 20
) -> dict[str, Any]:
    """Coverage of each anchor firm in scope and of all of them together.

    Returns {"anchors": the `limit` anchors with the most suppliers in scope, "count":
    how many anchors, "total": the sums}; each row has suppliers_total, suppliers (in
    scope), outside_scope, assessed, assessed_share, with_requirement, at_required,
    at_required_share (None when fewer than K of the suppliers under a requirement are
    assessed: ``suppressed``).
    """
    min_group = benchmark_min_group()
    framework = filters.framework
    level_ranks = {code: rank for rank, (code, _name) in enumerate(framework.levels, start=1)}
    requirements: dict[int, list[SimpleNamespace]] = defaultdict(list)
    for row in (
        SupplyRequirement.objects.filter(framework_id=framework.id)
        .filter(scope.q("anchor"))
        .filter(filters.q("anchor"))
        .values("anchor_id", "group", "tier", "tag", "min_level_code")
    ):
        rank = level_ranks.get(row["min_level_code"], _UNREACHABLE)
        requirements[row["anchor_id"]].append(SimpleNamespace(**row, rank=rank))

    in_scope = scope.q("supplier")
    ranks = range(len(framework.levels) + 1)
    groups = (
        SupplierLink.objects.filter(status=SupplierLink.Status.ACCEPTED, supplier__isnull=False)
        .filter(scope.q("anchor"))
        .filter(filters.q("anchor"))
        .annotate(
            ss=FilteredRelation(
                "supplier__settled_results",
                condition=Q(supplier__settled_results__framework_id=framework.id),
            )
        )
        .values("anchor_id", "anchor__name", "tier", "tags")
        .annotate(
            suppliers_total=Count("id"),
            suppliers=Count("id", filter=in_scope),
            assessed=Count("ss__id", filter=in_scope),
            **{
                f"r{rank}": Count("ss__id", filter=in_scope & Q(ss__level_rank=rank))
                for rank in ranks
            },
        )
        .order_by()
    )
    keys = (
        "suppliers_total",
        "suppliers",
        "assessed",
        "with_requirement",
        "assessed_with_requirement",
        "at_required",
    )
    anchors: dict[int, dict[str, Any]] = {}
    for group in groups:
        anchor = anchors.setdefault(
            group["anchor_id"],
            {
                "anchor_id": group["anchor_id"],
                "name": group["anchor__name"],
                **dict.fromkeys(keys, 0),
            },
        )
        for key in ("suppliers_total", "suppliers", "assessed"):
            anchor[key] += group[key]
        required = required_rank(
            requirements.get(group["anchor_id"], []), tier=group["tier"], tags=group["tags"] or []
        )
        if required is not None:
            anchor["with_requirement"] += group["suppliers"]
            anchor["assessed_with_requirement"] += group["assessed"]
            anchor["at_required"] += at_required(
                {rank: group[f"r{rank}"] for rank in ranks}, required
            )
    rows = list(anchors.values())
    total = {key: sum(row[key] for row in rows) for key in keys}

    def shaped(row: dict[str, Any], *, anchor_id: int | None, name: str) -> dict[str, Any]:
        shown = enough(row["assessed_with_requirement"], min_group)
        return {
            "anchor_id": anchor_id,
            "name": name,
            **{key: row[key] for key in keys},
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
            "suppressed": 0 < row["assessed_with_requirement"] < min_group,
        }

    rows.sort(key=lambda r: (-r["suppliers"], -r["suppliers_total"], r["name"]))
    return {
        "count": len(rows),
        "anchors": [
            shaped(row, anchor_id=row["anchor_id"], name=row["name"]) for row in rows[:limit]
        ],
        "total": shaped(total, anchor_id=None, name=""),
    }
