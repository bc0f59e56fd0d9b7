"""Access to assessments is one call: fetch and authorise together.

Another tenant's assessment is a 404; a role too low is a 403.
"""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import F, OuterRef, Q, QuerySet, Subquery
from django.utils.translation import gettext as _

from enterprises.errors import Forbidden, NotFound
from enterprises.models import Enterprise, Membership, Role, SupplierLink

from .models import Assessment, AssessmentShare, Evidence

# view, edit, review as their names say; `shares`: list whom the assessment is shared
# with (members); `share`: share or stop sharing it (administrators).
AssessmentAction = Literal["view", "edit", "review", "shares", "share"]

# Statuses an assessor sees: what has been put in front of reviewers.
REVIEWABLE_HISTORY = {
    Assessment.Status.PENDING_REVIEW,
    Assessment.Status.CONFIRMED,
    Assessment.Status.RETURNED,
}


def _is_officer_in_scope(user: Any, enterprise_id: int) -> bool:
    scope = getattr(user, "bureau_scope", None)
    if scope is None:
        return False
    return Enterprise.objects.in_scope_of(user).filter(pk=enterprise_id).exists()


def assessment_get_for(user: Any, pk: Any, action: AssessmentAction = "view") -> Assessment:
    """The assessment `pk` if `user` may perform `action` on it.

    - members of the enterprise: view (any role), edit (editor or admin); never review;
    - bureau officers whose scope covers the enterprise: view and review;
    - assessors: view and review what has been submitted for review;
    - platform staff: view (any other action is Forbidden);
    - members of an anchor firm the enterprise shared this assessment with (while the
      link stays accepted; see `active_shares`): view, read-only.
    Sharing: members list the shares, administrators share and unshare.
    """
    not_found = NotFound(_("Assessment not found."))
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise not_found from None
    if not getattr(user, "is_authenticated", False):
        raise not_found
    # The caller's role in the assessment's enterprise comes with the assessment, in one
    # query: this runs on every autosave, where each round trip counts.
    own_role = Membership.objects.filter(user=user, enterprise=OuterRef("enterprise_id"))
    assessment = (
        Assessment.objects.with_version()
        .select_related("enterprise")
        .annotate(caller_role=Subquery(own_role.values("role")[:1]))
        .filter(pk=pk)
        .first()
    )
    if assessment is None:
        raise not_found
    role = assessment.caller_role  # type: ignore[attr-defined]
    membership = None if role is None else Membership(user=user, role=role)
    if membership is not None:
        if action in ("view", "shares"):
            return assessment
        if action == "edit":
            if membership.allows(Role.EDITOR):
                return assessment
            raise Forbidden(_("Only editors and administrators may change an assessment."))
        if action == "share":
            if membership.allows(Role.ADMIN):
                return assessment
            raise Forbidden(_("Only the enterprise's administrators may share an assessment."))
        raise Forbidden(_("An enterprise cannot review its own assessment."))
    if _is_officer_in_scope(user, assessment.enterprise_id):
        if action in ("view", "review") and assessment.status != Assessment.Status.DRAFT:
            return assessment
        raise (
            not_found
            if assessment.status == Assessment.Status.DRAFT
            else Forbidden(_("Bureau officers review; they do not change answers."))
        )
    if getattr(user, "assessor", None) is not None and assessment.status in REVIEWABLE_HISTORY:
        if action in ("view", "review"):
            return assessment
        raise Forbidden(_("Assessors review; they do not change answers."))
    if user.is_staff:
        # Platform staff read everything and change nothing: a refused action on what
        # they can see is a 403, as for officers and assessors above.
        if action == "view":
            return assessment
        raise Forbidden(_("Platform staff may read an assessment but not change it."))
    if (
        active_shares()
        .filter(assessment_id=assessment.pk, link__anchor__memberships__user=user)
        .exists()
    ):
        if action == "view":
            return assessment
        raise Forbidden(_("A customer may only read an assessment its supplier shared."))
    raise not_found


def active_shares() -> QuerySet[AssessmentShare]:
    """Shares that count: the link is accepted, belongs to the assessment's enterprise,
    and the share was made during the link's current acceptance. Revoking the link
    hides them all; accepting again does not bring them back."""
    return AssessmentShare.objects.filter(
        link__status=SupplierLink.Status.ACCEPTED,
        link__supplier_id=F("assessment__enterprise_id"),
    ).filter(Q(link__consented_at__isnull=True) | Q(created_at__gte=F("link__consented_at")))


def share_link_get_for(assessment: Assessment, link_pk: Any) -> SupplierLink:
    """One of the links whose supplier made `assessment` (any status), or NotFound.

    Call after `assessment_get_for(user, pk, "share")` has authorised the caller.
    """
    link = None
    if str(link_pk).isdigit():
        link = (
            SupplierLink.objects.select_related("anchor")
            .filter(pk=int(link_pk), supplier_id=assessment.enterprise_id)
            .first()
        )
    if link is None:
        raise NotFound(_("Customer not found."))
    return link


def evidence_get_for(user: Any, pk: Any, action: AssessmentAction = "view") -> Evidence:
    """An evidence file, if `user` may perform `action` on its assessment."""
    evidence = Evidence.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if evidence is None:
        raise NotFound(_("Evidence not found."))
    assessment_get_for(user, evidence.assessment_id, action)
    return evidence
