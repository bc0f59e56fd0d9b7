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

Two or three queries whatever the number of links: the links grouped by anchor and
tier, with their suppliers counted per level rank; the requirements of the anchors found,
which Python folds the groups through for anchors asking levels of all suppliers or of
a tier; and, for anchors asking something of a tag or minimum dimension scores (which
counts by rank cannot answer), their links in scope one by one, with the level and
dimension columns only.
"""

from __future__ import annotations

import datetime as dt
import json
from collections import defaultdict
from types import SimpleNamespace
from typing import Any

from django.db.models import Count, FilteredRelation, Min, Q, QuerySet, TextField
from django.db.models.functions import Cast
from django.utils import timezone

from assessments.models import DIMENSION_SLOTS
from enterprises.models import SupplierLink
from reports import requirements as rule
from reports.models import SupplyRequirement
from reports.selectors import benchmark_min_group

from .queries import shapes_of_versions
from .scope import AnalyticsFilters, AnalyticsScope
from .suppression import enough

# A minimum level the framework does not know can never be met.
_UNREACHABLE = 32767

# Counted from each link's requirements (by rank or link by link).
REQUIREMENT_KEYS = ("with_requirement", "assessed_with_requirement", "at_required", "overdue")
KEYS = ("suppliers_total", "suppliers", "assessed", *REQUIREMENT_KEYS)


def at_required(rank_counts: dict[int, int], required: int) -> int:
    """How many of the suppliers counted by level rank stand at `required` or above."""
    return sum(n for rank, n in rank_counts.items() if rank >= required)


def _fold_by_rank(
    group: dict[str, Any], applicable: list[SimpleNamespace], ranks: range, today: dt.date
) -> tuple[int, int]:
    """(meeting, overdue) among a group's suppliers in scope whose applicable requirements
    ask a level only: meeting stands at the highest of their levels; overdue is short of
    the highest level whose deadline has passed (the unassessed included)."""
    counts = {rank: group[f"r{rank}"] for rank in ranks}
    meeting = at_required(counts, max(r.rank for r in applicable))
    due = [r.rank for r in applicable if r.deadline < today]
    overdue = group["suppliers"] - at_required(counts, max(due)) if due else 0
    return meeting, overdue


def _linked(scope: AnalyticsScope, filters: AnalyticsFilters) -> QuerySet[SupplierLink]:
    """Accepted links of the anchors in scope and filters, each with its supplier's
    settled result on the framework as ``ss`` (a LEFT JOIN)."""
    framework_id = filters.framework.id
    return (
        SupplierLink.objects.filter(status=SupplierLink.Status.ACCEPTED, supplier__isnull=False)
        .filter(scope.q("anchor"))
        .filter(filters.q("anchor"))
        .annotate(
            ss=FilteredRelation(
                "supplier__settled_results",
                condition=Q(supplier__settled_results__framework_id=framework_id),
            )
        )
    )


def _fold_by_link(
    scope: AnalyticsScope,
    filters: AnalyticsFilters,
    requirements: dict[int, list[SimpleNamespace]],
    anchor_ids: set[int],
    today: dt.date,
) -> dict[int, dict[str, int]]:
    """{anchor id: {with_requirement, assessed_with_requirement, at_required, overdue}}
    over the anchors' suppliers in scope, each link checked against the requirements
    that apply to it. One query.

    Links alike are checked once: the requirements that apply are worked out once per
    anchor, tier and tags, and the check once per those and the supplier's level and
    the dimension scores the requirements name."""
    framework = filters.framework
    slots = range(1, min(len(framework.dimensions), DIMENSION_SLOTS) + 1)
    rows = list(
        _linked(scope, filters)
        .filter(anchor_id__in=anchor_ids)
        .filter(scope.q("supplier"))
        .annotate(tags_text=Cast("tags", TextField()))
        .values_list(
            "anchor_id",
            "tier",
            "tags_text",
            "ss__id",
            "ss__level_code",
            "ss__framework_version_id",
            *(f"ss__dimension_{slot}" for slot in slots),
        )
        .order_by()
    )
    shapes = shapes_of_versions((row[5] for row in rows), filters)
    level_ranks = {code: rank for rank, (code, _name) in enumerate(framework.levels, start=1)}
    out: dict[int, dict[str, int]] = defaultdict(lambda: dict.fromkeys(REQUIREMENT_KEYS, 0))
    # (anchor, tier, tags) -> (the requirements that apply, the dimension keys they name)
    applying: dict[tuple, tuple[list[SimpleNamespace], frozenset[str]]] = {}
    # (anchor, tier, tags, level or None, version, named scores) -> (met, overdue)
    outcomes: dict[tuple, tuple[bool, bool]] = {}
    for anchor_id, tier, tags_text, settled_id, level, version, *scores in rows:
        found = applying.get((anchor_id, tier, tags_text))
        if found is None:
            tags = json.loads(tags_text) if tags_text else []
            applicable = [
                r for r in requirements[anchor_id] if rule.applies(r, tier=tier, tags=tags or [])
            ]
            # Percents only for the dimensions a requirement names (most name none).
            wanted = frozenset(key for r in applicable for key in r.min_dimension_percents or ())
            found = applying[(anchor_id, tier, tags_text)] = (applicable, wanted)
        applicable, wanted = found
        if not applicable:
            continue
        counts = out[anchor_id]
        counts["with_requirement"] += 1
        named: tuple = ()
        if settled_id is not None:
            counts["assessed_with_requirement"] += 1
            shape = shapes.get(version)
            named = tuple(
                (key, scores[slot - 1], maximum)
                for key, (slot, maximum) in (shape.dimensions.items() if shape else ())
                if key in wanted and slot <= len(scores) and scores[slot - 1] is not None
            )
        else:
            level = None
        outcome_key = (anchor_id, tier, tags_text, settled_id is not None, level, version, named)
        outcome = outcomes.get(outcome_key)
        if outcome is None:
            percents = (
                rule.dimension_percents(
                    {"dimensions": [{"key": k, "score": v, "max": m} for k, v, m in named]}
                )
                if settled_id is not None
                else None
            )
            checks = [
                rule.check(r, level_ranks=level_ranks, level=level, percents=percents, today=today)
                for r in applicable
            ]
            outcome = outcomes[outcome_key] = (
                all(c.met for c in checks),
                any(c.overdue for c in checks),
            )
        counts["at_required"] += outcome[0]
        counts["overdue"] += outcome[1]
    return out


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
    """
    today = today or timezone.localdate()
    min_group = benchmark_min_group()
    framework = filters.framework
    level_ranks = {code: rank for rank, (code, _name) in enumerate(framework.levels, start=1)}
    in_scope = scope.q("supplier")
    ranks = range(len(framework.levels) + 1)
    groups = list(
        _linked(scope, filters)
        .values("anchor_id", "tier")
        .annotate(
            name=Min("anchor__name"),
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
    requirements: dict[int, list[SimpleNamespace]] = defaultdict(list)
    for row in (
        # The anchors with links in scope and filters are those found: no need to
        # filter the anchors again.
        SupplyRequirement.objects.filter(
            framework_id=framework.id, anchor_id__in={group["anchor_id"] for group in groups}
        ).values(
            "id",
            "anchor_id",
            "group",
            "tier",
            "tag",
            "min_level_code",
            "min_dimension_percents",
            "deadline",
        )
    ):
        rank = level_ranks.get(row["min_level_code"], _UNREACHABLE)
        requirements[row["anchor_id"]].append(SimpleNamespace(**row, pk=row["id"], rank=rank))
    # Anchors asking something of a tag, or minimum dimension scores, are checked link
    # by link; the others by tier and level rank.
    by_link = {
        anchor
        for anchor, found in requirements.items()
        if any(r.group == SupplyRequirement.Group.TAG or r.min_dimension_percents for r in found)
    }

    anchors: dict[int, dict[str, Any]] = {}
    for group in groups:
        anchor = anchors.setdefault(
            group["anchor_id"],
            {
                "anchor_id": group["anchor_id"],
                "name": group["name"],
                **dict.fromkeys(KEYS, 0),
            },
        )
        for key in ("suppliers_total", "suppliers", "assessed"):
            anchor[key] += group[key]
        if group["anchor_id"] in by_link:
            continue
        applicable = [
            r
            for r in requirements.get(group["anchor_id"], [])
            if rule.applies(r, tier=group["tier"], tags=())
        ]
        if applicable:
            anchor["with_requirement"] += group["suppliers"]
            anchor["assessed_with_requirement"] += group["assessed"]
            meeting, overdue = _fold_by_rank(group, applicable, ranks, today)
            anchor["at_required"] += meeting
            anchor["overdue"] += overdue
    wanted = by_link & set(anchors)
    if wanted:
        for anchor_id, counts in _fold_by_link(scope, filters, requirements, wanted, today).items():
            anchors[anchor_id].update(counts)
    rows = list(anchors.values())
    total = {key: sum(row[key] for row in rows) for key in KEYS}

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

    rows.sort(key=lambda r: (-r["suppliers"], -r["suppliers_total"], r["name"]))
    return {
        "count": len(rows),
        "anchors": [
            shaped(row, anchor_id=row["anchor_id"], name=row["name"]) for row in rows[:limit]
        ],
        "total": shaped(total, anchor_id=None, name=""),
    }
