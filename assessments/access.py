"""Access to assessments is one call: fetch and authorise together.

Another tenant's assessment is a 404; a role too low is a 403.
"""

from __future__ import annotations

from typing import Any, Literal

from django.db.models import OuterRef, Subquery
from django.utils.translation import gettext as _

from enterprises.errors import Forbidden, NotFound
from enterprises.models import Enterprise, Membership, Role

from .models import Assessment, Evidence

AssessmentAction = Literal["view", "edit", "review"]

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
    - platform staff: view.
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
        if action == "view":
            return assessment
        if action == "edit":
            if membership.allows(Role.EDITOR):
                return assessment
            raise Forbidden(_("Only editors and administrators may change an assessment."))
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
    if action == "view" and user.is_staff:
        return assessment
    raise not_found


def evidence_get_for(user: Any, pk: Any, action: AssessmentAction = "view") -> Evidence:
    """An evidence file, if `user` may perform `action` on its assessment."""
    evidence = Evidence.objects.filter(pk=pk).first() if str(pk).isdigit() else None
    if evidence is None:
        raise NotFound(_("Evidence not found."))
    assessment_get_for(user, evidence.assessment_id, action)
    return evidence
