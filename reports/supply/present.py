"""Supply-chain facts as plain, localised data: statuses, requirements, checks, gaps.

Shared by the pages, the API and the export so that a status or a gap reads the same
everywhere.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy, ngettext

from assessments.scoring import format_number

from .. import requirements
from ..models import SupplyRequirement
from .facts import FrameworkInfo

STATUS_LABELS = {
    "invited": gettext_lazy("Invited"),
    "declined": gettext_lazy("Declined"),
    "revoked": gettext_lazy("Revoked"),
    "accepted": gettext_lazy("Accepted"),
    "assessing": gettext_lazy("Assessing"),
    "submitted": gettext_lazy("Submitted"),
    "certified": gettext_lazy("Certified"),
    "meets_requirement": gettext_lazy("Meets requirement"),
    "overdue": gettext_lazy("Overdue"),
}
assert set(STATUS_LABELS) == set(requirements.SUPPLY_STATUSES)

GROUP_LABELS = {
    "all": gettext_lazy("All suppliers"),
    "tier": gettext_lazy("Tier %(tier)s"),
    "tag": gettext_lazy("Tagged “%(tag)s”"),
}


def status_label(status: str) -> str:
    return str(STATUS_LABELS.get(status, status))


def percent_text(value: Decimal | float | None) -> str:
    return "—" if value is None else f"{format_number(Decimal(str(value)), 1)}%"


def group_text(requirement: SupplyRequirement) -> str:
    label = GROUP_LABELS.get(requirement.group, requirement.group)
    return str(label) % {"tier": requirement.tier, "tag": requirement.tag}


def framework_title(frameworks: dict[int, FrameworkInfo], framework_id: int) -> str:
    info = frameworks.get(framework_id)
    return info.title if info else str(framework_id)


def gap_text(gap: requirements.Gap, info: FrameworkInfo | None) -> str:
    """One reason a requirement is not met, as a sentence."""
    if gap.kind == "assessment":
        return _("No settled assessment of this framework yet.")
    if gap.kind == "level":
        required = info.level_name(gap.required) if info else gap.required
        actual = info.level_name(gap.actual) if info else (gap.actual or "—")
        return _("Level %(actual)s, below %(required)s.") % {
            "actual": actual,
            "required": required,
        }
    name = info.dimension_name(gap.key) if info else gap.key
    if gap.actual is None:
        return _("%(dimension)s: not scored, %(required)s needed.") % {
            "dimension": name,
            "required": percent_text(gap.required),
        }
    return _("%(dimension)s: %(actual)s, below %(required)s.") % {
        "dimension": name,
        "actual": percent_text(gap.actual),
        "required": percent_text(gap.required),
    }


def gap_out(gap: requirements.Gap, info: FrameworkInfo | None) -> dict[str, Any]:
    def plain(value: Any) -> Any:
        return float(value) if isinstance(value, Decimal) else value

    return {
        "kind": gap.kind,
        "key": gap.key or None,
        "required": plain(gap.required),
        "actual": plain(gap.actual),
        "text": gap_text(gap, info),
    }


def requirement_out(
    requirement: SupplyRequirement,
    frameworks: dict[int, FrameworkInfo],
    *,
    for_anchor: bool = True,
) -> dict[str, Any]:
    """A requirement as the API shows it. The supplier (``for_anchor=False``) is not told
    the anchor's grouping (its tags are the anchor's own labels) nor who wrote it."""
    info = frameworks.get(requirement.framework_id)
    out: dict[str, Any] = {
        "id": requirement.pk,
        "framework": requirement.framework.code,
        "framework_title": info.title if info else requirement.framework.code,
        "min_level": {
            "code": requirement.min_level_code,
            "name": info.level_name(requirement.min_level_code)
            if info
            else requirement.min_level_code,
        },
        "min_dimension_percents": [
            {
                "key": key,
                "name": info.dimension_name(key) if info else key,
                "percent": float(value),
            }
            for key, value in sorted((requirement.min_dimension_percents or {}).items())
        ],
        "deadline": requirement.deadline,
        "note": requirement.note,
    }
    if for_anchor:
        out.update(
            {
                "anchor": requirement.anchor_id,
                "group": requirement.group,
                "tier": requirement.tier,
                "tag": requirement.tag or None,
                "group_text": group_text(requirement),
                "created_at": requirement.created_at,
                "updated_at": requirement.updated_at,
            }
        )
    return out


def check_out(check: requirements.Check, info: FrameworkInfo | None) -> dict[str, Any]:
    return {
        "met": check.met,
        "overdue": check.overdue,
        "deadline": check.deadline,
        "days_left": check.days_left,
        "gaps": [gap_out(gap, info) for gap in check.gaps],
    }


def days_left_text(days: int) -> str:
    if days < 0:
        return ngettext("%(days)d day overdue", "%(days)d days overdue", -days) % {"days": -days}
    if days == 0:
        return _("due today")
    return ngettext("%(days)d day left", "%(days)d days left", days) % {"days": days}
