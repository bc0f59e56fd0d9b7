"""Pages for sharing one assessment's answers and evidence with a customer, and the
anchor firm's list of what its suppliers shared. Thin: access call, service, render."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from enterprises.access import enterprise_get_for, membership_for
from enterprises.errors import Conflict, ValidationFailed
from enterprises.models import Role, User

from .access import assessment_get_for, share_link_get_for
from .selectors import assessment_share_rows, framework_labels, shared_assessments_for
from .services import shares as services

PAGE_SIZE = 50


@login_required
@require_safe
def assessment_sharing(request: HttpRequest, pk: int) -> HttpResponse:
    """The assessment's customers, each with its share state; buttons for administrators."""
    assessment = assessment_get_for(request.user, pk, "shares")
    membership = membership_for(request.user, assessment.enterprise_id)
    return render(
        request,
        "assessments/sharing.html",
        {
            "assessment": assessment,
            "enterprise": assessment.enterprise,
            "rows": assessment_share_rows(assessment),
            "can_share": membership is not None and membership.allows(Role.ADMIN),
            "settled": assessment.status in services.SHAREABLE_STATUSES,
            "title": framework_labels([assessment.framework.code]).get(
                assessment.framework.code, (assessment.framework.title, {})
            )[0],
        },
    )


@login_required
@require_POST
def assessment_share(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    assessment = assessment_get_for(request.user, pk, "share")
    link = share_link_get_for(assessment, link_pk)
    try:
        services.assessment_share(assessment=assessment, link=link, user=cast(User, request.user))
    except (Conflict, ValidationFailed) as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(
            request,
            _("%(anchor)s can now read the answers and evidence of this assessment.")
            % {"anchor": link.anchor.name},
        )
    return redirect("assessment-sharing", pk=assessment.pk)


@login_required
@require_POST
def assessment_unshare(request: HttpRequest, pk: int, link_pk: int) -> HttpResponse:
    assessment = assessment_get_for(request.user, pk, "share")
    link = share_link_get_for(assessment, link_pk)
    services.assessment_unshare(assessment=assessment, link=link)
    messages.success(
        request,
        _("%(anchor)s can no longer read the answers and evidence of this assessment.")
        % {"anchor": link.anchor.name},
    )
    return redirect("assessment-sharing", pk=assessment.pk)


@login_required
@require_safe
def anchor_shared_assessments(request: HttpRequest, pk: int) -> HttpResponse:
    """What the anchor's suppliers shared with it: one query per page, plus the names."""
    anchor = enterprise_get_for(request.user, pk, "view_members")
    page = Paginator(shared_assessments_for(anchor), PAGE_SIZE).get_page(request.GET.get("page"))
    shares = list(page.object_list)
    labels = framework_labels(share.assessment.framework.code for share in shares)
    rows = []
    for share in shares:
        a = share.assessment
        title, levels = labels.get(a.framework.code, (a.framework.title, {}))
        level = a.confirmed_level_code or a.level_code
        rows.append(
            {
                "share": share,
                "assessment": a,
                "supplier": share.link.supplier,
                "framework_title": title,
                "level_name": levels.get(level, level) if level else "",
            }
        )
    return render(
        request,
        "supply/anchor_shared.html",
        {"enterprise": anchor, "page": page, "rows": rows},
    )
