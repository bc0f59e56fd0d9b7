"""Access to certificates and generated files: fetch and authorise in one call."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from assessments.access import assessment_get_for
from enterprises.errors import NotFound
from enterprises.models import Enterprise

from .models import Certificate


def certificate_get_for(user: Any, serial: str, action: str = "revoke") -> Certificate:
    """A certificate a bureau officer in scope or platform staff may revoke."""
    certificate = Certificate.objects.select_related("framework").filter(serial=serial).first()
    if certificate is None or not getattr(user, "is_authenticated", False):
        raise NotFound(_("Certificate not found."))
    if action == "revoke":
        if user.is_staff:
            return certificate
        in_scope = Enterprise.objects.in_scope_of(user).filter(pk=certificate.enterprise_id)
        if getattr(user, "bureau_scope", None) is not None and in_scope.exists():
            return certificate
        raise NotFound(_("Certificate not found."))
    assessment_get_for(user, certificate.assessment_id, "view")
    return certificate
