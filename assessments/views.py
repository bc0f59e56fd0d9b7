"""Pages for assessments: an enterprise's list, the questionnaire, submission under the
pledge, moving a draft to the latest version, and evidence for browsers without scripts.

Thin, like every page view: authorise with one access call, call a service or a
selector, render. Answers are written by static/js/questionnaire.js through the API.
"""

from __future__ import annotations

import re
from typing import Any, cast

from django.conf import settings
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import NoReverseMatch, reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST

from enterprises.access import EnterpriseAction, enterprise_get_for, membership_for
from enterprises.errors import Conflict, DomainError, NotFound, ValidationFailed
from enterprises.models import Role, User

from . import scoring
from .access import assessment_get_for
from .models import Answer, Assessment, Evidence, FrameworkVersion, ReviewDecision
from .presenters import framework_full, lang, tr
from .selectors import assessment_progress, compiled_framework
from .services import assessments as services
from .services import evidence as evidence_services
from .services.shares import SHAREABLE_STATUSES

QUESTION_KEY = re.compile(r"^[a-z0-9_]+$")
EVIDENCE_ACCEPT = ".pdf,.png,.jpg,.jpeg,.webp,.doc,.docx,.xls,.xlsx,.ppt,.pptx"


def _user(request: HttpRequest) -> User:
    """The signed-in user: every view here is behind login_required."""
    return cast(User, request.user)


def _move_session_key(pk: int) -> str:
    return f"assessment-move-{pk}"


def _questionnaire_url(pk: int, question_key: str = "") -> str:
    url = reverse("assessment-detail", args=[pk])
    if question_key and QUESTION_KEY.match(question_key):
        url += f"#q-{question_key}"
    return url


def _result_url(pk: int) -> str:
    """The results page (reports app); its path is fixed even before the view exists."""
    try:
        return reverse("assessment-result", kwargs={"pk": pk})
    except NoReverseMatch:
        return f"/assessments/{pk}/result/"


def _errors_text(exc: DomainError) -> str:
    details = [str(m) for msgs in exc.errors.values() for m in msgs]
    return " ".join([str(exc.message), *details])


def _framework_title(version: FrameworkVersion) -> str:
    framework = version.framework
    if lang() == "en" and framework.title_en:
        return framework.title_en
    return framework.title


def _level_names(framework: scoring.Framework) -> dict[str, str]:
    return {level.code: tr(level.name) for level in framework.levels}


def _level_display(assessment: Assessment, framework: scoring.Framework) -> dict[str, Any] | None:
    """The level to show for a submitted assessment: confirmed, or self-assessed awaiting review."""
    if assessment.status == Assessment.Status.DRAFT:
        return None
    names = _level_names(framework)
    if assessment.confirmed_level_code:
        code = assessment.confirmed_level_code
        return {"code": code, "name": names.get(code, code), "confirmed": True}
    if assessment.level_code:
        code = assessment.level_code
        return {"code": code, "name": names.get(code, code), "confirmed": False}
    return {"code": "", "name": tr(framework.no_level_name), "confirmed": True}


# ---- the enterprise's assessments ---------------------------------------------------------


def _published_frameworks() -> list[dict[str, Any]]:
    """The latest published version of every framework, for the start form."""
    versions = (
        FrameworkVersion.objects.published()
        .select_related("framework")
        .defer("definition", "source")
        .order_by("framework__code", "-published_at", "-id")
    )
    latest: dict[str, dict[str, Any]] = {}
    for version in versions:
        code = version.framework.code
        if code not in latest:
            latest[code] = {
                "code": code,
                "title": _framework_title(version),
                "version": version.version,
            }
    return list(latest.values())


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_assessments(request: HttpRequest, pk: int) -> HttpResponse:
    """An enterprise's assessments, and the form that starts one (editors and admins)."""
    action: EnterpriseAction = "edit" if request.method == "POST" else "view"
    enterprise = enterprise_get_for(request.user, pk, action)
    membership = membership_for(request.user, enterprise.pk)
    can_start = membership is not None and membership.allows(Role.EDITOR)
    start_error: DomainError | None = None
    open_assessment_url = ""
    chosen = ""
    if request.method == "POST":
        chosen = request.POST.get("framework", "")
        try:
            assessment = services.assessment_start(
                enterprise=enterprise, framework_code=chosen, user=_user(request)
            )
        except Conflict as exc:
            start_error = exc
            if isinstance(exc.extra.get("id"), int):
                open_assessment_url = reverse("assessment-detail", args=[exc.extra["id"]])
        except ValidationFailed as exc:
            start_error = exc
        else:
            messages.success(request, _("The assessment is started. Answers save as you go."))
            return redirect("assessment-detail", pk=assessment.pk)

    rows = Assessment.objects.filter(enterprise=enterprise).only(
        "id",
        "status",
        "framework_version_id",
        "created_at",
        "submitted_at",
        "level_code",
        "confirmed_level_code",
    )
    if membership is None and not request.user.is_staff:
        # Drafts stay private to the enterprise (as assessment_get_for decides).
        rows = rows.exclude(status=Assessment.Status.DRAFT)
    assessments = list(rows.order_by("-created_at", "-id"))
    versions = {
        v.pk: v
        for v in FrameworkVersion.objects.select_related("framework").filter(
            pk__in={a.framework_version_id for a in assessments}
        )
    }
    items = []
    for a in assessments:
        version = versions[a.framework_version_id]
        items.append(
            {
                "pk": a.pk,
                "title": _framework_title(version),
                "version": version.version,
                "status": a.status,
                "status_display": a.get_status_display(),
                "level": _level_display(a, compiled_framework(version)),
                "created_at": a.created_at,
                "submitted_at": a.submitted_at,
                "url": reverse("assessment-detail", args=[a.pk]),
                "is_draft": a.status == Assessment.Status.DRAFT,
            }
        )
    return render(
        request,
        "assessments/enterprise_assessments.html",
        {
            "enterprise": enterprise,
            "membership": membership,
            "items": items,
            "can_start": can_start,
            "frameworks": _published_frameworks() if can_start else [],
            "chosen": chosen,
            "start_error": start_error,
            "open_assessment_url": open_assessment_url,
        },
    )


# ---- the questionnaire -------------------------------------------------------------------


def _plain_number(value: Any) -> str:
    if value is None or isinstance(value, bool):
        return ""
    if isinstance(value, float) and value.is_integer():
        return str(int(value)) if abs(value) < 1e15 else repr(value)
    return str(value)


def _choices(q: dict[str, Any], value: Any) -> list[dict[str, Any]]:
    kind = q["type"]
    if kind == "single":
        return [
            {"value": o["value"], "label": o["label"], "checked": value == o["value"]}
            for o in q["options"]
        ]
    if kind == "multi":
        chosen = value if isinstance(value, list) else []
        return [
            {
                "value": o["value"],
                "label": o["label"],
                "exclusive": o["exclusive"],
                "checked": o["value"] in chosen,
            }
            for o in q["options"]
        ]
    if kind == "boolean":
        return [
            {"value": "true", "label": _("Yes"), "checked": value is True},
            {"value": "false", "label": _("No"), "checked": value is False},
        ]
    if kind == "scene_level":
        descriptors = q.get("descriptors") or {}
        return [
            {
                "value": str(level),
                "label": str(level),
                "descriptor": descriptors.get(str(level))
                or (_("Not reached") if level == 0 else ""),
                "checked": type(value) is int and value == level,
            }
            for level in range(5)
        ]
    return []


def _outline(full: dict[str, Any]) -> list[dict[str, Any]]:
    """Dimensions, each with groups (areas, or one unnamed group) of numbered questions."""
    sections = []
    number = 0
    for index, dim in enumerate(full["dimensions"], start=1):
        groups = []
        if "areas" in dim:
            raw = [(a["key"], a["name"], a["questions"]) for a in dim["areas"]]
        else:
            raw = [("", "", dim["questions"])]
        for key, name, questions in raw:
            numbered = []
            for q in questions:
                number += 1
                numbered.append({**q, "number": number, "dimension": dim["name"], "area": name})
            groups.append({"key": key, "name": name, "questions": numbered})
        sections.append(
            {
                "key": dim["key"],
                "number": index,
                "name": dim["name"],
                "description": dim.get("description", ""),
                "groups": groups,
            }
        )
    return sections


def _questions_in_order(sections: list[dict[str, Any]]) -> list[dict[str, Any]]:
    return [q for s in sections for g in s["groups"] for q in g["questions"]]


def _evidence_by_question(assessment: Assessment) -> dict[str, list[dict[str, Any]]]:
    grouped: dict[str, list[dict[str, Any]]] = {}
    rows = Evidence.objects.filter(assessment=assessment).only(
        "id", "question_key", "original_name", "size", "uploaded_at"
    )
    for e in rows:
        grouped.setdefault(e.question_key, []).append(
            {
                "id": e.pk,
                "name": e.original_name,
                "size": e.size,
                "uploaded_at": e.uploaded_at,
                "download_url": reverse("api-evidence-download", args=[e.pk]),
            }
        )
    return grouped


def _js_strings() -> dict[str, str]:
    """Everything questionnaire.js shows, translated here so that one catalogue holds it."""
    return {
        "saved": _("Saved"),
        "saving": _("Saving…"),
        "retrying": _("Not saved, retrying…"),
        "barSaved": _("All changes saved"),
        "barSaving": _("Saving…"),
        "barRetrying": _("Not saved, retrying…"),
        "authShort": _("Not saved: sign in again"),
        "barAuth": _("You are signed out: answers will be saved once you sign in again."),
        "conflictShort": _("Changed by someone else"),
        "barConflict": _("Someone else changed an answer you edited: choose which to keep."),
        "conflictText": _("Someone else saved a different answer meanwhile:"),
        "keepMine": _("Keep mine"),
        "takeTheirs": _("Take theirs"),
        "invalidShort": _("Not saved"),
        "barInvalid": _("Some answers are not saved: see the marked questions."),
        "notFound": _("This question cannot be saved: it is not part of this assessment."),
        "closed": _("Not saved: the assessment is no longer a draft"),
        "barClosed": _("This assessment is no longer a draft; answers can no longer change."),
        "noAnswer": _("(no answer)"),
        "yes": _("Yes"),
        "no": _("No"),
        "level": _("Level %(level)s"),
        "enterNumber": _("Enter a number."),
        "progress": _("%(done)s of %(total)s required questions answered"),
        "waiting": _("Waiting for your answers to be saved…"),
        "unsavedBlock": _(
            "Some answers are not saved yet (see the marked questions). "
            "Resolve them before submitting."
        ),
        "uploading": _("Uploading…"),
        "uploaded": _("The file is attached."),
        "uploadFailed": _("The upload failed; check the connection and try again."),
        "uploadAuth": _("The upload failed because you are signed out. Sign in again, then retry."),
        "chooseFile": _("Choose a file to attach."),
        "deleteConfirm": _("Delete this file?"),
        "deleteFailed": _("The file could not be deleted; try again."),
        "delete": _("Delete"),
        "noFiles": _("No files yet."),
    }


@login_required
@require_http_methods(["GET"])
def questionnaire(request: HttpRequest, pk: int) -> HttpResponse:
    """The questionnaire: editable for a draft's editors and admins, read-only otherwise.

    Runs a fixed number of queries whatever the number of questions and answers.
    """
    assessment = assessment_get_for(request.user, pk, "view")
    membership = membership_for(request.user, assessment.enterprise_id)
    is_draft = assessment.status == Assessment.Status.DRAFT
    can_edit = is_draft and membership is not None and membership.allows(Role.EDITOR)
    version = assessment.framework_version
    framework = compiled_framework(version)
    full = framework_full(version)

    revisions: dict[str, int] = {}
    if assessment.answers_snapshot is not None:
        values: dict[str, Any] = dict(assessment.answers_snapshot)
    else:
        values = {}
        for key, value, revision in Answer.objects.filter(assessment=assessment).values_list(
            "question_key", "value", "revision"
        ):
            values[key] = value
            revisions[key] = revision
    visible = scoring.visible_questions(framework, values)
    evidence = _evidence_by_question(assessment)

    sections = _outline(full)
    for section in sections:
        for group in section["groups"]:
            for q in group["questions"]:
                value = values.get(q["key"])
                q["value"] = value
                q["revision"] = revisions.get(q["key"], 0)
                q["visible"] = q["key"] in visible
                q["choices"] = _choices(q, value)
                q["value_text"] = (
                    _plain_number(value)
                    if q["type"] == "number"
                    else (value if isinstance(value, str) else "")
                )
                if q["type"] == "number":
                    q["min_text"] = _plain_number(q.get("min"))
                    q["max_text"] = _plain_number(q.get("max"))
                q["evidence"] = evidence.get(q["key"], [])
            if not is_draft:
                # A submitted questionnaire shows what was submitted: the visible questions.
                group["questions"] = [q for q in group["questions"] if q["visible"]]

    latest_version = None
    if can_edit:
        latest_version = (
            FrameworkVersion.objects.published()
            .filter(framework_id=assessment.framework_id)
            .order_by("-published_at", "-id")
            .values("pk", "version")
            .first()
        )
        if latest_version and latest_version["pk"] == version.pk:
            latest_version = None

    returned_comment = None
    if assessment.returned_from_id:
        returned = (
            ReviewDecision.objects.filter(
                assessment_id=assessment.returned_from_id,
                decision=ReviewDecision.Decision.RETURN,
            )
            .order_by("-created_at", "-id")
            .first()
        )
        returned_comment = returned.comment if returned else None

    page_data = {
        "assessment": assessment.pk,
        # URL templates: the script substitutes {key} and {id}.
        "answerUrl": reverse(
            "api-assessment-answer", kwargs={"pk": assessment.pk, "key": "KEY"}
        ).replace("/KEY/", "/{key}/"),
        "evidenceUrl": reverse("api-assessment-evidence", kwargs={"pk": assessment.pk}),
        "evidenceApiUrl": reverse("api-evidence", kwargs={"pk": 0}).replace("/0/", "/{id}/"),
        "evidenceDeleteUrl": reverse(
            "assessment-evidence-delete", kwargs={"pk": assessment.pk, "evidence_pk": 0}
        ).replace("/evidence/0/", "/evidence/{id}/"),
        "questions": [
            {
                "key": q["key"],
                "type": q["type"],
                "required": q["required"],
                "showIf": q.get("show_if"),
                "revision": q["revision"],
                "unit": q.get("unit", ""),
                "options": [{"value": o["value"], "label": o["label"]} for o in q["options"]],
            }
            for q in _questions_in_order(sections)
        ],
    }
    return render(
        request,
        "assessments/questionnaire.html",
        {
            "assessment": assessment,
            "enterprise": assessment.enterprise,
            "title": tr(full["title"]) or _framework_title(version),
            "version": version,
            "framework": full,
            "sections": sections,
            "progress": assessment_progress(assessment, values),
            "can_edit": can_edit,
            "readonly": not can_edit,
            "is_draft": is_draft,
            "is_member": membership is not None,
            "shareable": assessment.status in SHAREABLE_STATUSES,
            "level": _level_display(assessment, framework),
            "result_url": _result_url(assessment.pk),
            "latest_version": latest_version,
            "move_report": request.session.pop(_move_session_key(assessment.pk), None),
            "returned_comment": returned_comment,
            "page_data": page_data,
            "js_strings": _js_strings() if can_edit else {},
            "evidence_accept": EVIDENCE_ACCEPT,
            "evidence_max_mb": settings.GRADIENT_EVIDENCE_MAX_BYTES // (1024 * 1024),
            "login_url": f"{reverse('login')}?next={reverse('assessment-detail', args=[pk])}",
        },
    )


# ---- submission --------------------------------------------------------------------------


def _problem_list(
    assessment: Assessment, framework_doc: dict[str, Any], errors: dict[str, list[str]]
) -> list[dict[str, Any]]:
    """Every question the submission refused, in document order, with a link to it."""
    by_key = {q["key"]: q for q in _questions_in_order(_outline(framework_doc))}
    wanted = {k.removeprefix("answers."): v for k, v in errors.items() if k.startswith("answers.")}
    problems = []
    for key, q in by_key.items():
        if key in wanted:
            problems.append(
                {
                    "key": key,
                    "number": q["number"],
                    "text": q["text"],
                    "dimension": q["dimension"],
                    "area": q["area"],
                    "messages": [str(m) for m in wanted[key]],
                    "url": _questionnaire_url(assessment.pk, key),
                }
            )
    for key, msgs in wanted.items():  # answers to questions the version no longer has
        if key not in by_key:
            problems.append(
                {
                    "key": key,
                    "number": "",
                    "text": key,
                    "dimension": "",
                    "area": "",
                    "messages": [str(m) for m in msgs],
                    "url": _questionnaire_url(assessment.pk),
                }
            )
    return problems


@login_required
@require_http_methods(["GET", "POST"])
def assessment_submit_page(request: HttpRequest, pk: int) -> HttpResponse:
    """Submit under the truthfulness pledge; refusals list every problem at once."""
    assessment = assessment_get_for(request.user, pk, "edit")
    if assessment.status != Assessment.Status.DRAFT:
        messages.info(request, _("This assessment is already submitted."))
        return redirect("assessment-detail", pk=assessment.pk)
    full = framework_full(assessment.framework_version)
    pledge_errors: list[str] = []
    refused = False
    pledged = False
    if request.method == "POST":
        pledged = request.POST.get("pledge") in ("on", "true", "1", "yes")
        try:
            submitted = services.assessment_submit(
                assessment=assessment, user=_user(request), pledge=pledged
            )
        except ValidationFailed as exc:
            refused = True
            pledge_errors = [str(m) for m in exc.errors.get("pledge", [])]
            problems = _problem_list(assessment, full, exc.errors)
        except Conflict as exc:  # submitted meanwhile, from another tab or by a colleague
            messages.error(request, _errors_text(exc))
            return redirect("assessment-detail", pk=assessment.pk)
        else:
            if submitted.status == Assessment.Status.PENDING_REVIEW:
                messages.success(
                    request,
                    _(
                        "The assessment is submitted. Its level needs confirmation by an "
                        "assessor or the industry bureau."
                    ),
                )
            else:
                messages.success(request, _("The assessment is submitted; its level is final."))
            return redirect("assessment-detail", pk=assessment.pk)
    if not refused:
        # Before submitting: what is still missing, as the submission would report it.
        framework = compiled_framework(assessment.framework_version)
        answers = services.answers_of(assessment)
        errors: dict[str, list[str]] = {
            f"answers.{key}": [_("This question needs an answer.")]
            for key in scoring.missing_required(framework, answers)
        }
        problems = _problem_list(assessment, full, errors)
    return render(
        request,
        "assessments/submit.html",
        {
            "assessment": assessment,
            "enterprise": assessment.enterprise,
            "title": full["title"],
            "version": assessment.framework_version,
            "problems": problems,
            "refused": refused,
            "pledge_errors": pledge_errors,
            "pledged": pledged,
            "questionnaire_url": _questionnaire_url(assessment.pk),
        },
    )


# ---- moving to the latest version --------------------------------------------------------


@login_required
@require_POST
def assessment_move(request: HttpRequest, pk: int) -> HttpResponse:
    """Move a draft to the latest published version; the page then lists what was carried."""
    assessment = assessment_get_for(request.user, pk, "edit")
    old_framework = compiled_framework(assessment.framework_version)
    old_version = assessment.framework_version.version
    try:
        report = services.assessment_move_to_latest(assessment=assessment, user=_user(request))
    except Conflict as exc:
        messages.error(request, _errors_text(exc))
        return redirect("assessment-detail", pk=assessment.pk)
    new_framework = compiled_framework(report.assessment.framework_version)

    def described(framework: scoring.Framework, keys: list[str]) -> list[dict[str, str]]:
        return [
            {
                "key": key,
                "text": tr(framework.questions[key].text) if key in framework.questions else key,
            }
            for key in keys
        ]

    request.session[_move_session_key(assessment.pk)] = {
        "from": old_version,
        "to": report.assessment.framework_version.version,
        "carried": described(new_framework, report.carried),
        "dropped": described(old_framework, report.dropped),
    }
    messages.success(
        request,
        _("The assessment now uses version %(version)s.")
        % {"version": report.assessment.framework_version.version},
    )
    return redirect("assessment-detail", pk=assessment.pk)


# ---- evidence without scripts ------------------------------------------------------------


@login_required
@require_POST
def evidence_upload(request: HttpRequest, pk: int) -> HttpResponse:
    """Attach a file to a question (the script uses the API; this is the plain form)."""
    assessment = assessment_get_for(request.user, pk, "edit")
    question_key = request.POST.get("question_key", "")
    upload = request.FILES.get("file")
    if upload is None:
        messages.error(request, _("Choose a file to attach."))
    else:
        try:
            evidence_services.evidence_attach(
                assessment=assessment, user=_user(request), question_key=question_key, upload=upload
            )
        except DomainError as exc:
            messages.error(request, _errors_text(exc))
        else:
            messages.success(request, _("The file is attached."))
    return redirect(_questionnaire_url(assessment.pk, question_key))


@login_required
@require_POST
def evidence_delete(request: HttpRequest, pk: int, evidence_pk: int) -> HttpResponse:
    assessment = assessment_get_for(request.user, pk, "edit")
    # Scoped by the assessment just authorised, so another tenant's file is a 404.
    evidence = (
        Evidence.objects.select_related("assessment")
        .filter(pk=evidence_pk, assessment=assessment)
        .first()
    )
    if evidence is None:
        raise NotFound(_("Evidence not found."))
    question_key = evidence.question_key
    try:
        evidence_services.evidence_remove(evidence=evidence)
    except DomainError as exc:
        messages.error(request, _errors_text(exc))
    else:
        messages.success(request, _("The file is deleted."))
    return redirect(_questionnaire_url(assessment.pk, question_key))
