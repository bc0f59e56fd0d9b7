"""How audit events read to people: translated labels for targets and details."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from .models import AuditEvent, Role, SupplierLink

TARGET_LABELS = {
    "user": gettext_lazy("User"),
    "membership": gettext_lazy("Membership"),
    "assessment": gettext_lazy("Assessment"),
    "certificate": gettext_lazy("Certificate"),
    "supplierlink": gettext_lazy("Supplier link"),
    "exportjob": gettext_lazy("Export"),
}

DETAIL_LABELS = {
    "via": gettext_lazy("Channel"),
    "locked_out": gettext_lazy("Locked out"),
    "username": gettext_lazy("Member"),
    "role": gettext_lazy("Role"),
    "account_created": gettext_lazy("New account"),
    "from": gettext_lazy("Before"),
    "to": gettext_lazy("After"),
    "decision": gettext_lazy("Decision"),
    "self_assessed_level": gettext_lazy("Self-assessed level"),
    "level": gettext_lazy("Level"),
    "comment": gettext_lazy("Comment"),
    "serial": gettext_lazy("Serial number"),
    "reason": gettext_lazy("Reason"),
    "anchor": gettext_lazy("Customer"),
}

# Details kept for machines (the API) but not shown on the page.
HIDDEN_DETAILS = {"anchor_id"}

VALUE_LABELS: dict[str, Any] = {
    "web": gettext_lazy("Sign-in page"),
    "api": gettext_lazy("API token"),
    "admin": gettext_lazy("Administration site"),
    "confirm": gettext_lazy("Confirmed"),
    "return": gettext_lazy("Returned"),
    **dict(Role.choices),
    **dict(SupplierLink.Status.choices),
}


def _value(value: Any) -> str:
    if isinstance(value, bool):
        return str(_("Yes") if value else _("No"))
    if isinstance(value, str) and value in VALUE_LABELS:
        return str(VALUE_LABELS[value])
    if value is None or value == "":
        return "—"
    return str(value)


def event_target(event: AuditEvent) -> str:
    if not event.target_type:
        return ""
    label = TARGET_LABELS.get(event.target_type, event.target_type)
    return f"{label} #{event.target_id}" if event.target_id else str(label)


def event_details(event: AuditEvent) -> list[tuple[str, str]]:
    """The event's details as (label, value) pairs in a stable order."""
    details = event.details if isinstance(event.details, dict) else {}
    return [
        (str(DETAIL_LABELS.get(key, key)), _value(value))
        for key, value in details.items()
        if key not in HIDDEN_DETAILS
    ]
