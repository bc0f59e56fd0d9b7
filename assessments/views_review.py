"""Pages for reviewers (assessors and bureau officers): the queue and one review."""

from __future__ import annotations

from typing import Any

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_safe

from enterprises.errors import ValidationFailed

from . import presenters
from .access import assessment_get_for
from .models import Evidence, ReviewDecision
from .selectors import compiled_framework, review_queue_for
from .services.assessments import assessment_review


@login_required
@require_safe
def review_queue(request: HttpRequest) -> HttpResponse:
    page = Paginator(review_queue_for(request.user), 25).get_page(request.GET.get("page"))
    for assessment in page.object_list:
        assessment.level_name = level_name(assessment, assessment.level_code)
    is_reviewer = (
        getattr(request.user, "assessor", None) is not None
        or getattr(request.user, "bureau_scope", None) is not None
    )
    return render(
        request, "assessments/review_queue.html", {"page": page, "is_reviewer": is_reviewer}
    )


def level_name(assessment: Any, code: str) -> str:
    """A level's name in the active language (the code if the framework lacks it)."""
    if not code:
        return ""
    try:
        level = compiled_framework(assessment.framework_version).level(code)
    except KeyError:
        return code
    return presenters.tr(level.name)


def _answer_rows(assessment: Any) -> list[dict[str, Any]]:
    """Each answered question with its text and the answer in words (not raw values)."""
    framework = compiled_framework(assessment.framework_version)
    answers = assessment.answers_snapshot or {}
    questions = {
        q["key"]: q for q in presenters.framework_full_questions(assessment.framework_version)
    }
    rows = []
    for key in framework.questions:
        if key not in answers:
            continue
        q = questions[key]
        value = answers[key]
        labels = {o["value"]: o["label"] for o in q["options"]}
        if q["type"] == "single":
            shown = labels.get(value, value)
        elif q["type"] == "multi":
            shown = "、".join(labels.get(v, v) for v in value)
        elif q["type"] == "boolean":
            shown = _("Yes") if value else _("No")
        elif q["type"] == "scene_level":
            descriptor = q.get("descriptors", {}).get(str(value), "")
            shown = f"{value} {descriptor}".strip()
        else:
            shown = str(value)
        rows.append({"key": key, "text": q["text"], "answer": shown})
    return rows


@login_required
@require_http_methods(["GET", "POST"])
def review_detail(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = assessment_get_for(request.user, pk, "review")
    framework = compiled_framework(assessment.framework_version)
    errors: dict[str, list[str]] = {}
    if request.method == "POST":
        try:
            assessment_review(
                assessment=assessment,
                reviewer=request.user,
                decision=request.POST.get("decision", ""),
                comment=request.POST.get("comment", ""),
                confirmed_level=request.POST.get("confirmed_level") or None,
            )
        except ValidationFailed as exc:
            errors = exc.errors
            messages.error(request, str(exc.message))
        else:
            messages.success(request, _("Your decision is recorded."))
            return redirect("review-queue")
    level_codes = [lv.code for lv in framework.levels]
    reached = (
        level_codes[: level_codes.index(assessment.level_code) + 1]
        if assessment.level_code in level_codes
        else []
    )
    context = {
        "assessment": assessment,
        "result": presenters.result_public(assessment.result) if assessment.result else None,
        "answers": _answer_rows(assessment),
        "evidence": Evidence.objects.filter(assessment=assessment).order_by("question_key"),
        "history": [
            {"decision": d, "level_name": level_name(assessment, d.level_code)}
            for d in ReviewDecision.objects.filter(assessment=assessment).select_related("user")
        ],
        "levels": [
            (lv.code, presenters.tr(lv.name)) for lv in framework.levels if lv.code in reached
        ],
        "errors": errors,
        "can_decide": assessment.status == "pending_review",
        "confirmed_level_name": level_name(assessment, assessment.confirmed_level_code),
    }
    return render(request, "assessments/review_detail.html", context)
