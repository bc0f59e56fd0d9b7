"""Access to certificates, generated files and supply requirements: fetch and authorise
in one call."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from assessments.access import assessment_get_for
from enterprises.access import membership_for
from enterprises.errors import Forbidden, NotFound
from enterprises.models import Enterprise, Role

from .exports import get_kind
from .models import Certificate, ExportJob, SupplyRequirement


def certificate_get_for(user: Any, serial: str, action: str = "revoke") -> Certificate:
    """The certificate `serial` if `user` may `action` ("view" or "revoke") it.

    Viewing follows its assessment. Bureau officers in scope and platform staff revoke;
    anyone else who may view it (its enterprise's members, a customer it was shared
    with) gets Forbidden, and anyone who may not even view it NotFound.
    """
    certificate = Certificate.objects.select_related("framework").filter(serial=serial).first()
    if certificate is None or not getattr(user, "is_authenticated", False):
        raise NotFound(_("Certificate not found."))
    if action == "revoke":
        if user.is_staff:
            return certificate
        in_scope = Enterprise.objects.in_scope_of(user).filter(pk=certificate.enterprise_id)
        if getattr(user, "bureau_scope", None) is not None and in_scope.exists():
            return certificate
        assessment_get_for(user, certificate.assessment_id, "view")  # NotFound if unseen
        raise Forbidden(_("Only bureau officers in scope and platform staff revoke certificates."))
    assessment_get_for(user, certificate.assessment_id, "view")
    return certificate


def supply_requirement_get_for(user: Any, pk: Any, action: str = "view") -> SupplyRequirement:
    """The anchor firm's requirement ``pk`` if ``user`` may ``action`` ("view" or
    "manage") it: the anchor's members view, its administrators manage.

    Anyone outside the anchor gets NotFound (the supplier sees what is asked of it
    through its received requirements, never this); a member whose role is too low
    gets Forbidden.
    """
    not_found = NotFound(_("Requirement not found."))
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise not_found from None
    if not getattr(user, "is_authenticated", False):
        raise not_found
    requirement = (
        SupplyRequirement.objects.select_related("framework", "anchor").filter(pk=pk).first()
    )
    if requirement is None:
        raise not_found
    membership = membership_for(user, requirement.anchor_id)
    if membership is None:
        raise not_found
    if action == "view" or membership.allows(Role.ADMIN):
        return requirement
    raise Forbidden(_("Only the enterprise's administrators may change its requirements."))


def export_job_get_for(user: Any, pk: Any, action: str = "view") -> ExportJob:
    """An export job its requester (or platform staff) may see; NotFound for anyone else.

    `action="download"` also asks the kind whether the requester may still request it
    (an officer who lost their scope keeps the record, not the data); staff may always.
    """
    not_found = NotFound(_("Export not found."))
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise not_found from None
    if not getattr(user, "is_authenticated", False):
        raise not_found
    job = ExportJob.objects.filter(pk=pk).first()
    if job is None or (job.requested_by_id != user.pk and not user.is_staff):
        raise not_found
    if action == "download" and not user.is_staff:
        kind = get_kind(job.kind)
        if kind is None:
            raise not_found
        kind.authorise(user)
    return job
