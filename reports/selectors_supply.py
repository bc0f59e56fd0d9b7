"""Reads over an anchor firm's supply chain: the chain as a tree, and requirement checks.

Every function runs a fixed number of queries whatever the number of links. Consent is
absolute: an assessment's level is read only for links whose supplier accepted.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field
from typing import Any

from django.db.models import OuterRef, Subquery

from assessments.models import Assessment
from assessments.selectors import framework_labels
from enterprises.models import Enterprise, SupplierLink

from . import requirements
from .models import SupplyRequirement
from .selectors import COUNTED_STATUSES

# How many suppliers one page of the chain drawing holds: a few thousand pixels tall.
CHAIN_PAGE_NODES = 120


# ---- the chain as a tree -----------------------------------------------------------------


@dataclass
class ChainNode:
    id: int
    parent_id: int | None
    tier: int
    name: str
    uscc: str
    status: str
    registered: bool
    supplier_id: int | None
    depth: int = 0
    # Filled for accepted links with a counted assessment only.
    framework: str | None = None
    level_code: str | None = None
    level_name: str | None = None
    level_rank: int | None = None
    level_confirmed: bool = False
    parent_name: str = ""
    # A parent drawn on this page only to show where its children hang (it is on page
    # `ghost_page`).
    ghost: bool = False
    ghost_page: int | None = None


@dataclass
class ChainPage:
    number: int
    pages: int
    total: int  # links of the anchor
    nodes: list[ChainNode] = field(default_factory=list)  # drawn and tabled, in tree order
    ghosts: list[ChainNode] = field(default_factory=list)  # parents on other pages
    split_branch: bool = False  # one tier-1 branch is larger than a page

    @property
    def has_previous(self) -> bool:
        return self.number > 1

    @property
    def has_next(self) -> bool:
        return self.number < self.pages


def _tree_order(links: list[ChainNode]) -> list[tuple[ChainNode, list[ChainNode]]]:
    """The forest's branches: each root (a link without a parent among the anchor's
    links) with its whole branch in depth-first order, siblings by tier and name.

    Links kept out of reach by a cycle in the parent links become roots of their own.
    """
    by_id = {node.id: node for node in links}
    children: dict[int, list[ChainNode]] = {}
    roots: list[ChainNode] = []
    for node in links:  # links come sorted by tier, name, id
        if node.parent_id is not None and node.parent_id in by_id and node.parent_id != node.id:
            children.setdefault(node.parent_id, []).append(node)
        else:
            roots.append(node)
    seen: set[int] = set()

    def branch(root: ChainNode) -> list[ChainNode]:
        out: list[ChainNode] = []
        stack = [(root, 0)]
        while stack:
            node, depth = stack.pop()
            if node.id in seen:
                continue
            seen.add(node.id)
            node.depth = depth
            out.append(node)
            stack.extend((kid, depth + 1) for kid in reversed(children.get(node.id, [])))
        return out

    branches = [(root, branch(root)) for root in roots]
    for node in links:
        if node.id not in seen:
            branches.append((node, branch(node)))
    return branches


def _paginate(
    branches: list[tuple[ChainNode, list[ChainNode]]], limit: int
) -> tuple[list[list[ChainNode]], set[int]]:
    """Whole branches fill pages of at most `limit` nodes; a branch larger than a page
    is split in tree order over pages of its own. Returns the pages and the page
    indexes that hold part of a split branch."""
    pages: list[list[ChainNode]] = []
    split: set[int] = set()
    current: list[ChainNode] = []
    for _root, nodes in branches:
        if len(nodes) > limit:
            if current:
                pages.append(current)
                current = []
            for start in range(0, len(nodes), limit):
                split.add(len(pages))
                pages.append(nodes[start : start + limit])
            continue
        if current and len(current) + len(nodes) > limit:
            pages.append(current)
            current = []
        current.extend(nodes)
    if current:
        pages.append(current)
    return pages, split


def _latest_levels(nodes: list[ChainNode]) -> None:
    """Fill the level of every accepted node from its supplier's latest counted
    assessment: one query, plus one per distinct framework for the level names."""
    supplier_ids = {
        n.supplier_id
        for n in nodes
        if n.status == SupplierLink.Status.ACCEPTED and n.supplier_id is not None and not n.ghost
    }
    if not supplier_ids:
        return
    latest = (
        Assessment.objects.filter(
            enterprise_id=OuterRef("enterprise_id"),
            status__in=COUNTED_STATUSES,
            submitted_at__isnull=False,
        )
        .order_by("-submitted_at", "-id")
        .values("pk")[:1]
    )
    rows = (
        Assessment.objects.filter(enterprise_id__in=supplier_ids, pk=Subquery(latest))
        .order_by()
        .values_list(
            "enterprise_id", "framework__code", "level_code", "confirmed_level_code", "status"
        )
    )
    found = {row[0]: row[1:] for row in rows}
    labels = framework_labels(code for code, *_rest in found.values())
    for node in nodes:
        if node.ghost or node.status != SupplierLink.Status.ACCEPTED:
            continue
        row = found.get(node.supplier_id)
        if row is None:
            continue
        code, level_code, confirmed, status = row
        level = confirmed or level_code or None
        names = labels.get(code, (code, {}))[1]
        ranks = {level_code: rank for rank, level_code in enumerate(names, start=1)}
        node.framework = code
        node.level_code = level
        node.level_name = names.get(level, level) if level else None
        node.level_rank = ranks.get(level, 0) if level else 0
        node.level_confirmed = status == Assessment.Status.CONFIRMED


def supply_chain_page(
    anchor: Enterprise, page: Any = 1, *, limit: int = CHAIN_PAGE_NODES
) -> ChainPage:
    """One page of the anchor's supplier tree, for drawing and for its table.

    Pages hold whole tier-1 branches (a branch larger than a page is split over pages
    of its own); a parent on another page comes along as a ghost so that its children
    still hang from something. Suppliers that have not accepted carry their name and
    status only. Three queries plus one per distinct framework, whatever the number of
    links. `page` out of range is clamped.
    """
    rows = (
        SupplierLink.objects.filter(anchor=anchor)
        .order_by("tier", "supplier_name", "id")
        .values_list(
            "pk",
            "parent_id",
            "tier",
            "status",
            "supplier_name",
            "supplier__name",
            "supplier_uscc",
            "supplier_id",
        )
    )
    links = [
        ChainNode(
            id=pk,
            parent_id=parent_id,
            tier=tier,
            name=registered_name or invited_name,
            uscc=uscc,
            status=status,
            registered=supplier_id is not None,
            supplier_id=supplier_id,
        )
        for pk, parent_id, tier, status, invited_name, registered_name, uscc, supplier_id in rows
    ]
    pages, split = _paginate(_tree_order(links), max(limit, 1))
    try:
        number = int(page)
    except (TypeError, ValueError):
        number = 1
    number = min(max(number, 1), max(len(pages), 1))
    result = ChainPage(number=number, pages=max(len(pages), 1), total=len(links))
    if not pages:
        return result
    nodes = pages[number - 1]
    by_id = {node.id: node for node in links}
    page_of = {node.id: index + 1 for index, chunk in enumerate(pages) for node in chunk}
    on_page = {node.id for node in nodes}
    ghosts: dict[int, ChainNode] = {}
    for node in nodes:
        parent = by_id.get(node.parent_id) if node.parent_id is not None else None
        node.parent_name = parent.name if parent is not None else ""
        if parent is not None and parent.id not in on_page and parent.id not in ghosts:
            ghosts[parent.id] = ChainNode(
                id=parent.id,
                parent_id=None,
                tier=parent.tier,
                name=parent.name,
                uscc=parent.uscc,
                status=parent.status,
                registered=parent.registered,
                supplier_id=parent.supplier_id,
                ghost=True,
                ghost_page=page_of.get(parent.id),
            )
    _latest_levels(nodes)
    result.nodes = nodes
    result.ghosts = list(ghosts.values())
    result.split_branch = (number - 1) in split
    return result


from .supply.facts import requirement_checks_for_links  # noqa: E402

# ---- reminders ---------------------------------------------------------------------------

# The order of urgency of reminder reasons (SupplierReminder.Reason values).
REASON_URGENCY = {"deadline_missed": 0, "deadline_near": 1, "invitation": 2}


def _gap_out(gap: requirements.Gap) -> dict[str, Any]:
    return {
        "kind": gap.kind,
        "key": gap.key,
        "required": None if gap.required is None else str(gap.required),
        "actual": None if gap.actual is None else str(gap.actual),
    }


def reminder_candidates(
    *, today: dt.date, now: dt.datetime, invitation_days: int, deadline_days: int
) -> dict[str, list[dict[str, Any]]]:
    """Who should be reminded today, and why: {supplier USCC: [items, most urgent first]}.

    Reasons: an invitation still unanswered more than `invitation_days` after it was
    sent; a requirement not met whose deadline is within `deadline_days` (near) or has
    passed (missed), for accepted links only (reports/requirements.py decides). Items are
    plain data (names, codes, ISO dates), so the email can be rendered later from them.
    Opt-outs are not applied here. A fixed number of queries, whatever the number of links.
    """
    found: dict[str, list[dict[str, Any]]] = {}
    invited = (
        SupplierLink.objects.filter(
            status=SupplierLink.Status.INVITED,
            created_at__lte=now - dt.timedelta(days=invitation_days),
        )
        .order_by("created_at", "id")
        .values_list(
            "pk", "anchor__name", "supplier_uscc", "supplier_name", "supplier_id", "created_at"
        )
    )
    for pk, anchor_name, uscc, name, supplier_id, created_at in invited:
        found.setdefault(uscc, []).append(
            {
                "reason": "invitation",
                "link": pk,
                "anchor": anchor_name,
                "supplier_name": name,
                "registered": supplier_id is not None,
                "invited_on": created_at.date().isoformat(),
                "days": (now - created_at).days,
            }
        )
    accepted = list(
        SupplierLink.objects.filter(
            status=SupplierLink.Status.ACCEPTED,
            supplier__isnull=False,
            anchor_id__in=SupplyRequirement.objects.values("anchor_id"),
        )
        .select_related("anchor")
        .only("pk", "anchor", "anchor__name", "supplier", "supplier_uscc", "status", "tier", "tags")
        .order_by("pk")
    )
    checked = requirement_checks_for_links(accepted, today)
    for link in accepted:
        for requirement, item in checked.get(link.pk, []):
            if item.met or item.days_left > deadline_days:
                continue
            found.setdefault(link.supplier_uscc, []).append(
                {
                    "reason": "deadline_missed" if item.overdue else "deadline_near",
                    "link": link.pk,
                    "anchor": link.anchor.name,
                    "requirement": requirement.pk,
                    "framework": requirement.framework.code,
                    "min_level": requirement.min_level_code,
                    "deadline": item.deadline.isoformat(),
                    "days_left": item.days_left,
                    "gaps": [_gap_out(gap) for gap in item.gaps],
                }
            )
    for items in found.values():
        items.sort(
            key=lambda i: (
                REASON_URGENCY[i["reason"]],
                i.get("days_left", 0),
                -i.get("days", 0),
                i["link"],
            )
        )
    return found
