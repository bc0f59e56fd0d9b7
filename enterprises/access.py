"""Access is one call: fetch an entity and authorise the caller in the same step.

Another tenant's object is a 404 (no hint that it exists); a role too low is a 403.
"""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext as _

from .errors import Forbidden, NotFound
from .models import (
    ROLE_RANK,
    AuditEvent,
    Enterprise,
    Membership,
    Role,
    SupplierImportRejection,
    SupplierLink,
)

EnterpriseAction = Literal["view", "view_members", "edit", "manage"]

# Which membership role each action needs. Only "view" is open to non-members
# (bureau officers in scope, platform staff); the member list stays among members.
ACTION_ROLE: dict[str, Role] = {
    "view": Role.VIEWER,
    "view_members": Role.VIEWER,
    "edit": Role.EDITOR,
    "manage": Role.ADMIN,
}


def membership_for(user: Any, enterprise_id: int) -> Membership | None:
    if not getattr(user, "is_authenticated", False):
        return None
    return Membership.objects.filter(user=user, enterprise_id=enterprise_id).first()


def enterprise_get_for(user: Any, pk: Any, action: EnterpriseAction = "view") -> Enterprise:
    """The enterprise `pk` if `user` may perform `action` on it.

    Members act by role; bureau officers whose scope covers the enterprise and
    platform staff may view. Raises NotFound for anyone without access and
    Forbidden for a member whose role is too low.
    """
    not_found = NotFound(_("Enterprise not found."))
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise not_found from None
    if not getattr(user, "is_authenticated", False):
        raise not_found
    enterprise = Enterprise.objects.with_related().with_anchor_flag().filter(pk=pk).first()
    if enterprise is None:
        raise not_found
    membership = membership_for(user, pk)
    if membership is not None:
        if ROLE_RANK[Role(membership.role)] >= ROLE_RANK[ACTION_ROLE[action]]:
            return enterprise
        raise Forbidden(_("Your role in this enterprise does not allow this."))
    if action == "view" and (
        user.is_staff or Enterprise.objects.in_scope_of(user).filter(pk=pk).exists()
    ):
        return enterprise
    raise not_found


def membership_get_for(user: Any, enterprise_pk: Any, membership_pk: Any) -> Membership:
    """A membership of an enterprise the user administers."""
    enterprise = enterprise_get_for(user, enterprise_pk, "manage")
    membership = (
        Membership.objects.select_related("user", "enterprise")
        .filter(pk=membership_pk, enterprise=enterprise)
        .first()
    )
    if membership is None:
        raise NotFound(_("Member not found."))
    return membership


def supplier_links_visible_to(user: Any) -> QuerySet[SupplierLink]:
    """The links where `user` administers the anchor or the supplier (one query to list)."""
    if not getattr(user, "is_authenticated", False):
        return SupplierLink.objects.none()
    administered = Enterprise.objects.of_member(user, Role.ADMIN).values("pk")
    return (
        SupplierLink.objects.filter(Q(anchor__in=administered) | Q(supplier__in=administered))
        .select_related("anchor", "supplier")
        .order_by("anchor_id", "supplier_name", "id")
    )


def supplier_link_get_for(user: Any, pk: Any) -> SupplierLink:
    """The link `pk` if `user` may decide on it: only the supplier's admins may.

    Members of either side who are not the supplier's admins get Forbidden; anyone
    else NotFound (no hint that the link exists).
    """
    not_found = NotFound(_("Supplier link not found."))
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise not_found from None
    if not getattr(user, "is_authenticated", False):
        raise not_found
    link = SupplierLink.objects.select_related("anchor", "supplier").filter(pk=pk).first()
    if link is None:
        raise not_found
    if link.supplier_id is not None:
        membership = membership_for(user, link.supplier_id)
        if membership is not None:
            if membership.allows(Role.ADMIN):
                return link
            raise Forbidden(_("Only the supplier's administrators may decide on this link."))
    if membership_for(user, link.anchor_id) is not None:
        raise Forbidden(_("Only the supplier's administrators may decide on this link."))
    raise not_found


def audit_events_for(user: Any) -> QuerySet[AuditEvent]:
    """The audit log, readable by platform staff only.

    Raises NotFound for anyone signed out and Forbidden for anyone else signed in.
    """
    if not getattr(user, "is_authenticated", False):
        raise NotFound(_("Not found."))
    if not user.is_staff:
        raise Forbidden(_("Only platform staff may read the audit log."))
    return AuditEvent.objects.all()


def import_rejection_get_for(user: Any, anchor_pk: Any, token: Any) -> SupplierImportRejection:
    """A rejected import's problems, for the person who uploaded the file only.

    The anchor's other administrators, an expired token and anyone else get NotFound;
    a member whose role is too low gets Forbidden (as for the import itself).
    """
    from .services_supply import import_errors_ttl

    anchor = enterprise_get_for(user, anchor_pk, "manage")
    rejection = SupplierImportRejection.objects.filter(
        pk=token,
        anchor=anchor,
        user=user,
        created_at__gte=timezone.now() - import_errors_ttl(),
    ).first()
    if rejection is None:
        raise NotFound(_("These import problems are no longer available: upload the file again."))
    return rejection


def anchor_link_get_for(user: Any, pk: Any, action: EnterpriseAction = "manage") -> SupplierLink:
    """The link ``pk`` if ``user`` may ``action`` it from the anchor's side: the anchor's
    members view ("view_members") and its administrators label it ("manage").

    The supplier's members get Forbidden (they know the link; it is not theirs to
    label); anyone else NotFound.
    """
    not_found = NotFound(_("Supplier link not found."))
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise not_found from None
    if not getattr(user, "is_authenticated", False):
        raise not_found
    link = SupplierLink.objects.select_related("anchor", "supplier").filter(pk=pk).first()
    if link is None:
        raise not_found
    membership = membership_for(user, link.anchor_id)
    if membership is not None:
        if membership.allows(ACTION_ROLE[action]):
            return link
        raise Forbidden(_("Only the enterprise's administrators may change its supplier links."))
    if link.supplier_id is not None and membership_for(user, link.supplier_id) is not None:
        raise Forbidden(_("Only the customer's administrators may change this link."))
    raise not_found
