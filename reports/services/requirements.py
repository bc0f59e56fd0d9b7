"""Anchor firms' requirements of their suppliers: create, change, delete.

Keyword-only, atomic, validated whole: a bad input raises ValidationFailed naming
every bad field (``framework``, ``min_level``, ``min_dimension_percents.<key>``,
``group``, ``tier``, ``tag``, ``deadline``, ``note``). The caller has checked that the
user administers the anchor (``reports.access.supply_requirement_get_for`` or
``enterprise_get_for(..., "manage")``).
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping
from decimal import Decimal, InvalidOperation
from typing import Any, Final

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Framework, FrameworkVersion
from assessments.selectors import compiled_framework
from enterprises.errors import ValidationFailed
from enterprises.models import Enterprise

from ..models import SupplyRequirement


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()
"""Marks a field the caller leaves as it is."""

Group = SupplyRequirement.Group
TAG_MAX_LENGTH = 50
TIER_MAX = 99
NOTE_MAX_LENGTH = 2000


def _framework_version(code: Any) -> FrameworkVersion | None:
    if not isinstance(code, str) or not code:
        return None
    return FrameworkVersion.objects.latest_published(code)


def _percent(value: Any) -> Decimal | None:
    """A percent in [0, 100] with at most one decimal, or None when it is not one."""
    if isinstance(value, bool) or not isinstance(value, int | float | Decimal | str):
        return None
    try:
        number = Decimal(str(value).strip())
    except (InvalidOperation, ValueError):
        return None
    if not number.is_finite() or number < 0 or number > 100:
        return None
    return number.quantize(Decimal("0.1"))


def _stored_percent(number: Decimal) -> int | float:
    """JSON-friendly: 60 rather than 60.0, 62.5 as is."""
    return int(number) if number == number.to_integral_value() else float(number)


def _validated(
    *,
    framework: Any,
    min_level: Any,
    deadline: Any,
    deadline_changed: bool,
    group: Any,
    tier: Any,
    tag: Any,
    min_dimension_percents: Any,
    note: Any,
) -> dict[str, Any]:
    """The model's field values, or ValidationFailed naming every bad field."""
    errors: dict[str, list[str]] = {}
    fields: dict[str, Any] = {}

    version = _framework_version(framework)
    compiled = compiled_framework(version) if version is not None else None
    if version is None:
        errors["framework"] = [_("Choose a published framework.")]
    else:
        fields["framework"] = version.framework

    level_codes = [level.code for level in compiled.levels] if compiled else []
    if not isinstance(min_level, str) or not min_level.strip():
        errors["min_level"] = [_("Choose the minimum level.")]
    elif compiled is not None and min_level.strip() not in level_codes:
        errors["min_level"] = [_("Choose a level of this framework.")]
    else:
        fields["min_level_code"] = min_level.strip()

    if min_dimension_percents is None:
        min_dimension_percents = {}
    if not isinstance(min_dimension_percents, Mapping):
        errors["min_dimension_percents"] = [
            _("Give the minimum dimension scores as {dimension key: percent}.")
        ]
    else:
        scored = {d.key for d in compiled.dimensions if d.maximum > 0} if compiled else set()
        percents: dict[str, int | float] = {}
        for key, value in min_dimension_percents.items():
            field = f"min_dimension_percents.{key}"
            if compiled is not None and key not in scored:
                errors[field] = [_("This framework has no scored dimension with this key.")]
                continue
            number = _percent(value)
            if number is None:
                errors[field] = [_("Enter a percent from 0 to 100.")]
                continue
            percents[str(key)] = _stored_percent(number)
        fields["min_dimension_percents"] = dict(sorted(percents.items()))

    if group not in Group.values:
        errors["group"] = [_("Choose all suppliers, one tier or a tag.")]
    fields["group"] = group
    fields["tier"] = None
    fields["tag"] = ""
    if group == Group.TIER:
        if isinstance(tier, bool) or not isinstance(tier, int) or not 1 <= tier <= TIER_MAX:
            errors["tier"] = [_("Enter a tier from 1 to %(max)d.") % {"max": TIER_MAX}]
        else:
            fields["tier"] = tier
    elif tier is not None:
        errors["tier"] = [_("Only a requirement for one tier has a tier.")]
    tag_text = tag.strip() if isinstance(tag, str) else tag
    if group == Group.TAG:
        if not isinstance(tag_text, str) or not tag_text:
            errors["tag"] = [_("Enter the tag of the suppliers it applies to.")]
        elif len(tag_text) > TAG_MAX_LENGTH:
            errors["tag"] = [_("A tag has at most %(max)d characters.") % {"max": TAG_MAX_LENGTH}]
        else:
            fields["tag"] = tag_text
    elif tag_text not in (None, ""):
        errors["tag"] = [_("Only a requirement for tagged suppliers has a tag.")]

    if not isinstance(deadline, dt.date) or isinstance(deadline, dt.datetime):
        errors["deadline"] = [_("Enter the deadline as a date.")]
    elif deadline_changed and deadline < timezone.localdate():
        errors["deadline"] = [_("The deadline cannot be in the past.")]
    else:
        fields["deadline"] = deadline

    if not isinstance(note, str):
        errors["note"] = [_("Enter the note as text.")]
    elif len(note) > NOTE_MAX_LENGTH:
        errors["note"] = [_("A note has at most %(max)d characters.") % {"max": NOTE_MAX_LENGTH}]
    else:
        fields["note"] = note.strip()

    if errors:
        raise ValidationFailed(_("The requirement cannot be saved."), errors=errors)
    return fields


@transaction.atomic
def supply_requirement_create(
    *,
    anchor: Enterprise,
    framework: str,
    min_level: str,
    deadline: dt.date,
    group: str = Group.ALL,
    tier: int | None = None,
    tag: str = "",
    min_dimension_percents: Mapping[str, Any] | None = None,
    note: str = "",
    user: Any = None,
) -> SupplyRequirement:
    """Ask ``anchor``'s suppliers in ``group`` to reach ``min_level`` of the published
    framework ``framework`` (a code) by ``deadline`` (today or later), and optionally
    a percent of each dimension named in ``min_dimension_percents``."""
    fields = _validated(
        framework=framework,
        min_level=min_level,
        deadline=deadline,
        deadline_changed=True,
        group=group,
        tier=tier,
        tag=tag,
        min_dimension_percents=min_dimension_percents,
        note=note,
    )
    created_by = user if getattr(user, "is_authenticated", False) else None
    return SupplyRequirement.objects.create(anchor=anchor, created_by=created_by, **fields)


@transaction.atomic
def supply_requirement_update(
    *,
    requirement: SupplyRequirement,
    framework: str | _Unset = UNSET,
    min_level: str | _Unset = UNSET,
    deadline: dt.date | _Unset = UNSET,
    group: str | _Unset = UNSET,
    tier: int | _Unset | None = UNSET,
    tag: str | _Unset = UNSET,
    min_dimension_percents: Mapping[str, Any] | _Unset | None = UNSET,
    note: str | _Unset = UNSET,
) -> SupplyRequirement:
    """Change the fields given; the others stay, and the whole is validated again (a
    new framework needs a level of its own). A group that no longer takes a tier or a
    tag drops it. The deadline may stay in the past, but a new one cannot be."""
    locked = (
        SupplyRequirement.objects.select_for_update()
        .select_related("framework")
        .get(pk=requirement.pk)
    )
    new_group = locked.group if isinstance(group, _Unset) else group
    if isinstance(tier, _Unset):
        tier = locked.tier if new_group == Group.TIER else None
    if isinstance(tag, _Unset):
        tag = locked.tag if new_group == Group.TAG else ""
    fields = _validated(
        framework=locked.framework.code if isinstance(framework, _Unset) else framework,
        min_level=locked.min_level_code if isinstance(min_level, _Unset) else min_level,
        deadline=locked.deadline if isinstance(deadline, _Unset) else deadline,
        deadline_changed=not isinstance(deadline, _Unset) and deadline != locked.deadline,
        group=new_group,
        tier=tier,
        tag=tag,
        min_dimension_percents=(
            locked.min_dimension_percents
            if isinstance(min_dimension_percents, _Unset)
            else min_dimension_percents
        ),
        note=locked.note if isinstance(note, _Unset) else note,
    )
    for name, value in fields.items():
        setattr(locked, name, value)
    locked.save()
    return locked


@transaction.atomic
def supply_requirement_delete(*, requirement: SupplyRequirement) -> None:
    """Remove the requirement: suppliers stop seeing it and plans stop targeting it."""
    SupplyRequirement.objects.filter(pk=requirement.pk).delete()


def published_frameworks() -> list[Framework]:
    """Frameworks with a published version, by code: what a requirement may name."""
    return list(
        Framework.objects.filter(versions__status=FrameworkVersion.Status.PUBLISHED)
        .distinct()
        .order_by("code")
    )
