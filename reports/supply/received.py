"""The supplier's side: what its customers ask of it, and the level its plan targets.

A supplier sees the requirements of the anchors whose link it has accepted or is
invited to (it should know what is asked before deciding), each checked against its
own attested results. Its improvement plan targets the highest level any *accepted*
link's requirement asks for: an invitation it has not accepted does not steer its plan.
"""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass
from typing import Any

from django.db.models import QuerySet
from django.utils import timezone

from enterprises.models import SupplierLink

from .. import requirements
from ..models import SupplyRequirement
from .facts import framework_infos, supply_facts
from .present import check_out, days_left_text, requirement_out


def received_for_links(
    links: QuerySet[SupplierLink], *, today: dt.date | None = None
) -> dict[int, list[dict[str, Any]]]:
    """{link id: [{requirement, check}, ...]} for the invited and accepted ``links``,
    as the supplier may read them; other links have no key. Fixed queries."""
    found = supply_facts(links, today=today, audience="supplier")
    out: dict[int, list[dict[str, Any]]] = {}
    for fact in found.links:
        if not fact.shared:
            continue
        out[fact.id] = [
            {
                "requirement": requirement_out(r, found.frameworks, for_anchor=False),
                "check": check_out(c, found.frameworks.get(r.framework_id)),
                "days_left_text": days_left_text(c.days_left),
            }
            for r, c in fact.checks
        ]
    return out


def requirements_received(
    supplier_id: int, *, today: dt.date | None = None
) -> list[dict[str, Any]]:
    """Every requirement asked of the enterprise ``supplier_id`` through its invited or
    accepted links, nearest deadline first: {link, anchor, requirement, check}."""
    links = SupplierLink.objects.filter(
        supplier_id=supplier_id,
        status__in=[SupplierLink.Status.INVITED, SupplierLink.Status.ACCEPTED],
    )
    found = supply_facts(links, today=today, audience="supplier")
    rows = []
    for fact in found.links:
        if not fact.shared:
            continue
        for r, c in fact.checks:
            rows.append(
                {
                    "link": {"id": fact.id, "status": fact.link_status},
                    "anchor": {"id": fact.anchor_id, "name": fact.anchor_name},
                    "requirement": requirement_out(r, found.frameworks, for_anchor=False),
                    "check": check_out(c, found.frameworks.get(r.framework_id)),
                }
            )
    rows.sort(key=lambda row: (row["check"]["deadline"], row["anchor"]["name"]))
    return rows


@dataclass(frozen=True)
class RequiredLevel:
    """The level a supplier's plan on one framework should target, and who asks it."""

    code: str | None  # the highest level asked, None when nobody asks any
    asked_by: list[dict[str, Any]]  # {anchor, level: {code, name}, deadline, days_left}


def required_level_for(
    enterprise_id: int, framework_id: int, *, today: dt.date | None = None
) -> RequiredLevel:
    """The highest level required of the enterprise on the framework by any applicable
    requirement of an accepted link's anchor; ``asked_by`` lists every such requirement,
    highest level first, then the nearest deadline. Three queries."""
    today = today or timezone.localdate()
    links = list(
        SupplierLink.objects.filter(
            supplier_id=enterprise_id, status=SupplierLink.Status.ACCEPTED
        ).values("anchor_id", "anchor__name", "tier", "tags")
    )
    if not links:
        return RequiredLevel(code=None, asked_by=[])
    asked = list(
        SupplyRequirement.objects.filter(
            anchor_id__in={link["anchor_id"] for link in links}, framework_id=framework_id
        ).order_by("deadline", "id")
    )
    if not asked:
        return RequiredLevel(code=None, asked_by=[])
    info = framework_infos([framework_id]).get(framework_id)
    ranks = info.ranks if info else {}
    found = []
    for link in links:
        for r in asked:
            if r.anchor_id == link["anchor_id"] and requirements.applies(
                r, tier=link["tier"], tags=link["tags"] or []
            ):
                found.append((ranks.get(r.min_level_code, 0), r, link))
    found.sort(key=lambda item: (-item[0], item[1].deadline, item[2]["anchor__name"]))
    asked_by = [
        {
            "anchor": {"id": link["anchor_id"], "name": link["anchor__name"]},
            "level": {
                "code": r.min_level_code,
                "name": info.level_name(r.min_level_code) if info else r.min_level_code,
            },
            "deadline": r.deadline,
            "days_left": (r.deadline - today).days,
            "days_left_text": days_left_text((r.deadline - today).days),
        }
        for _rank, r, link in found
    ]
    known = [item for item in found if item[0] > 0]
    return RequiredLevel(code=known[0][1].min_level_code if known else None, asked_by=asked_by)
