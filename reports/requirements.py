"""Whether a supplier meets an anchor firm's requirement: plain data in, plain data out.

A requirement (``SupplyRequirement``) names a framework, a minimum level, optional
minimum dimension scores (percent of each dimension's maximum) and a deadline. Only an
*attested* level counts: a self-assessed level that needs no review (``submitted``) or
a level confirmed by review (``confirmed``). A level still awaiting review does not
meet a requirement yet; the supplier is "submitted" until a reviewer confirms it.

Nothing here touches the database; ``requirement_levels`` and the selectors that call
``check`` load what it needs in a fixed number of queries.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from decimal import Decimal
from typing import Any, Literal

ATTESTED_STATUSES = ("submitted", "confirmed")

GapKind = Literal["assessment", "level", "dimension"]

# A supplier link's status as its anchor firm sees it, lowest to highest progress.
# ``declined`` and ``revoked`` sit apart: the link has no progress to show.
SUPPLY_STATUSES = (
    "invited",
    "declined",
    "revoked",
    "accepted",
    "assessing",
    "submitted",
    "certified",
    "meets_requirement",
    "overdue",
)
SupplyStatus = Literal[
    "invited",
    "declined",
    "revoked",
    "accepted",
    "assessing",
    "submitted",
    "certified",
    "meets_requirement",
    "overdue",
]


@dataclass(frozen=True, slots=True)
class Gap:
    """One reason a requirement is not met.

    ``assessment``: no attested assessment of the framework yet. ``level``: the attested
    level (``actual``, a code or None) ranks below ``required``. ``dimension``: the
    dimension ``key`` scores ``actual`` percent, below ``required``.
    """

    kind: GapKind
    required: Any
    actual: Any = None
    key: str = ""


@dataclass(frozen=True, slots=True)
class Check:
    """A requirement checked against one supplier on one day."""

    requirement_id: int
    met: bool
    overdue: bool
    deadline: dt.date
    days_left: int  # until the deadline, as of the check's day; negative once passed
    gaps: tuple[Gap, ...]


def supply_status(
    link_status: str,
    *,
    checks: Sequence[Check],
    drafting: bool,
    counted: bool,
    certified: bool,
) -> str:
    """One supplier link's status; the first rule that holds wins.

    1. A link not accepted (invited, declined, revoked) shows that status and nothing
       else: without consent no fact about the supplier's assessments may show, so
       ``checks``, ``drafting``, ``counted`` and ``certified`` are ignored.
    2. ``overdue``: an applicable requirement is not met and its deadline has passed.
       It beats everything below, a certificate included.
    3. ``meets_requirement``: at least one requirement applies and every one is met.
    4. ``certified``: a valid (unexpired, not revoked or superseded) certificate.
    5. ``submitted``: a submitted assessment (settled, or pending review) without one.
    6. ``assessing``: an open draft and nothing submitted.
    7. ``accepted``: consent given, nothing started.

    The caller decides which frameworks ``drafting``, ``counted`` and ``certified``
    look at (the dashboard: those of the applicable requirements when any apply).
    """
    if link_status != "accepted":
        return link_status
    if any(found.overdue for found in checks):
        return "overdue"
    if checks and all(found.met for found in checks):
        return "meets_requirement"
    if certified:
        return "certified"
    if counted:
        return "submitted"
    if drafting:
        return "assessing"
    return "accepted"


def level_ranks(level_codes: Iterable[str]) -> dict[str, int]:
    """Level codes (bottom to top) -> their rank, 1 for the lowest."""
    return {code: rank for rank, code in enumerate(level_codes, start=1)}


def applies(requirement: Any, *, tier: int, tags: Iterable[str]) -> bool:
    """Whether ``requirement`` covers a supplier link with this tier and these tags."""
    if requirement.group == "all":
        return True
    if requirement.group == "tier":
        return requirement.tier == tier
    return requirement.tag in set(tags)


def attested_level(status: str, level_code: str, confirmed_level_code: str) -> str | None:
    """The level an assessment attests, or None while it awaits review or is a draft."""
    if status == "confirmed":
        return confirmed_level_code or None
    if status == "submitted":
        return confirmed_level_code or level_code or None
    return None


def dimension_percents(result: Mapping[str, Any] | None) -> dict[str, Decimal]:
    """Each dimension's score as a percent of its maximum, from a stored engine result."""
    percents: dict[str, Decimal] = {}
    for dimension in (result or {}).get("dimensions", []):
        maximum = Decimal(str(dimension.get("max") or 0))
        if maximum > 0:
            score = Decimal(str(dimension.get("score") or 0))
            percents[dimension["key"]] = (score * 100 / maximum).quantize(Decimal("0.1"))
    return percents


def check(
    requirement: Any,
    *,
    level_ranks: Mapping[str, int],
    level: str | None,
    percents: Mapping[str, Decimal] | None,
    today: dt.date,
) -> Check:
    """Check ``requirement`` against a supplier's attested ``level`` (None: no attested
    assessment of the requirement's framework) and its dimension ``percents``.

    ``level_ranks`` maps the framework's level codes to their order (1 = lowest).
    """
    gaps: list[Gap] = []
    if level is None and percents is None:
        gaps.append(Gap("assessment", requirement.min_level_code))
    else:
        required_rank = level_ranks.get(requirement.min_level_code, 0)
        if (level_ranks.get(level, 0) if level else 0) < required_rank:
            gaps.append(Gap("level", requirement.min_level_code, level))
        for key, minimum in sorted((requirement.min_dimension_percents or {}).items()):
            actual = (percents or {}).get(key)
            if actual is None or actual < Decimal(str(minimum)):
                gaps.append(Gap("dimension", Decimal(str(minimum)), actual, key))
    met = not gaps
    days_left = (requirement.deadline - today).days
    return Check(
        requirement_id=requirement.pk,
        met=met,
        overdue=not met and days_left < 0,
        deadline=requirement.deadline,
        days_left=days_left,
        gaps=tuple(gaps),
    )
