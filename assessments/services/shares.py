"""Sharing one settled assessment's raw answers and evidence with one anchor firm.

Keyword-only and atomic. The link row is locked while sharing, so that a share and a
concurrent revoke of the same link are serialised: a share never survives a revoke
that committed first (and one made before a revoke is hidden by the rule in
assessments.access).
"""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments.models import Assessment, AssessmentShare
from enterprises.errors import Conflict, ValidationFailed
from enterprises.models import SupplierLink, User

# Settled: answers frozen by submission, and not superseded by a return.
SHAREABLE_STATUSES = (
    Assessment.Status.SUBMITTED,
    Assessment.Status.PENDING_REVIEW,
    Assessment.Status.CONFIRMED,
)


@transaction.atomic
def assessment_share(*, assessment: Assessment, link: SupplierLink, user: User) -> AssessmentShare:
    """Let `link`'s anchor firm read `assessment`'s answers and evidence.

    The assessment must be settled and belong to the link's supplier, and the link
    must be accepted. Sharing again renews the share (it then counts for the current
    acceptance). Raises ValidationFailed (`link`) or Conflict.
    """
    locked = SupplierLink.objects.select_for_update(of=("self",)).get(pk=link.pk)
    if locked.supplier_id != assessment.enterprise_id:
        raise ValidationFailed(
            _("The assessment cannot be shared."),
            errors={"link": [_("Choose a customer of the enterprise that made the assessment.")]},
        )
    if locked.status != SupplierLink.Status.ACCEPTED:
        raise Conflict(
            _("Share only with a customer whose request you have accepted."),
            errors={"link": [_("The request of this customer is not accepted.")]},
        )
    current = Assessment.objects.filter(pk=assessment.pk).values_list("status", flat=True).first()
    if current not in SHAREABLE_STATUSES:
        raise Conflict(
            _("Only a submitted assessment can be shared."),
            errors={"assessment": [_("Submit the assessment first.")]},
        )
    share, _created = AssessmentShare.objects.update_or_create(
        assessment=assessment,
        link=locked,
        defaults={"shared_by": user, "created_at": timezone.now()},
    )
    return share


@transaction.atomic
def assessment_unshare(*, assessment: Assessment, link: SupplierLink) -> bool:
    """Stop sharing `assessment` with `link`'s anchor; True if it was shared."""
    deleted, _detail = AssessmentShare.objects.filter(assessment=assessment, link=link).delete()
    return deleted > 0
