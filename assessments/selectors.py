"""Reads for frameworks: the latest published version and its compiled definition."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _

from enterprises.errors import NotFound

from . import scoring
from .models import FrameworkVersion

# Compiled definitions of published (immutable) versions, per process. The key
# includes the publication time so that a reused primary key can never hit a
# stale entry.
_compiled: dict[tuple[int, str, Any], scoring.Framework] = {}


def compiled_framework(version: FrameworkVersion) -> scoring.Framework:
    """The engine's compiled form of a version (cached for published and retired ones)."""
    if version.status == FrameworkVersion.Status.DRAFT:
        return scoring.load_definition(version.definition)
    key = (version.pk, version.version, version.published_at)
    framework = _compiled.get(key)
    if framework is None:
        framework = _compiled[key] = scoring.load_definition(version.definition)
    return framework


def framework_version_get(code: str, version: str | None = None) -> FrameworkVersion:
    """The latest published version of `code`, or a given published or retired version."""
    if version is None:
        found = FrameworkVersion.objects.latest_published(code)
    else:
        found = (
            FrameworkVersion.objects.select_related("framework")
            .defer("definition", "source")
            .filter(framework__code=code, version=version)
            .exclude(status=FrameworkVersion.Status.DRAFT)
            .first()
        )
    if found is None:
        raise NotFound(_("Framework not found."))
    return found


def assessment_progress(assessment: Any, answers: dict[str, Any]) -> dict[str, Any]:
    """How much of the questionnaire is answered: visible questions, required ones, percent."""
    framework = compiled_framework(assessment.framework_version)
    visible = scoring.visible_questions(framework, answers)
    answered = {k for k, v in answers.items() if v is not None and v != "" and v != []}
    required = [k for k in visible if framework.questions[k].required]
    required_done = sum(1 for k in required if k in answered)
    return {
        "answered": len(answered & visible),
        "visible": len(visible),
        "required": len(required),
        "required_answered": required_done,
        "percent": round(100 * required_done / len(required)) if required else 100,
    }


def review_queue_for(user: Any) -> Any:
    """Assessments waiting for review that `user` may review, oldest first.

    Assessors see every pending assessment; bureau officers those in their scope;
    anyone else none.
    """
    from enterprises.models import Enterprise

    from .models import Assessment

    pending = (
        Assessment.objects.filter(status=Assessment.Status.PENDING_REVIEW)
        .with_version()
        .select_related("enterprise", "enterprise__region")
        .order_by("submitted_at", "id")
    )
    if getattr(user, "assessor", None) is not None:
        return pending
    if getattr(user, "bureau_scope", None) is not None:
        return pending.filter(enterprise__in=Enterprise.objects.in_scope_of(user).values("pk"))
    return pending.none()


def framework_labels(codes: Any) -> dict[str, tuple[str, dict[str, str]]]:
    """For each framework code: its title and its level names, in the active language.

    One query per distinct code (frameworks are few), whatever the number of rows that
    carry the codes; names come from the cached compiled form of the latest version.
    """
    from .presenters import tr

    labels: dict[str, tuple[str, dict[str, str]]] = {}
    for code in sorted(set(codes)):
        version = FrameworkVersion.objects.latest_published(code)
        if version is None:
            continue
        framework = compiled_framework(version)
        labels[code] = (
            tr(framework.title),
            {level.code: tr(level.name) for level in framework.levels},
        )
    return labels


def assessment_share_rows(assessment: Any) -> list[dict[str, Any]]:
    """Every customer (anchor firm) of the assessment's enterprise, with whether this
    assessment is shared with it now and whether it can be (the link is accepted).
    Two queries, whatever the number of customers."""
    from enterprises.models import SupplierLink

    from .models import AssessmentShare

    links = (
        SupplierLink.objects.filter(supplier_id=assessment.enterprise_id)
        .select_related("anchor")
        .order_by("anchor__name", "id")
    )
    shares = {s.link_id: s for s in AssessmentShare.objects.filter(assessment=assessment)}
    rows = []
    for link in links:
        share = shares.get(link.pk)
        accepted = link.status == SupplierLink.Status.ACCEPTED
        active = (
            share is not None
            and accepted
            and (link.consented_at is None or share.created_at >= link.consented_at)
        )
        rows.append(
            {
                "link": link,
                "anchor": link.anchor,
                "status": link.status,
                "status_display": link.get_status_display(),
                "accepted": accepted,
                "shared": active,
                "shared_at": share.created_at if active and share else None,
            }
        )
    return rows


def shared_assessments_for(anchor: Any) -> Any:
    """The shares that count for `anchor` (see assessments.access.active_shares), newest
    first, with the assessment, its framework and the supplier joined: one query per
    page."""
    from .access import active_shares

    return (
        active_shares()
        .filter(link__anchor=anchor)
        .select_related(
            "link",
            "link__supplier",
            "assessment",
            "assessment__framework",
            "assessment__framework_version",
        )
        .defer(
            "assessment__framework_version__definition",
            "assessment__framework_version__source",
            "assessment__answers_snapshot",
            "assessment__result",
        )
        .order_by("-created_at", "-id")
    )
