"""Assessments: start, answer (optimistic concurrency), submit under the pledge, review,
move a draft to a new framework version."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from django.db import IntegrityError, transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import events, scoring
from assessments.models import (
    Answer,
    AnswerRevision,
    Assessment,
    FrameworkVersion,
    ReviewDecision,
)
from assessments.presenters import tr
from assessments.selectors import compiled_framework
from assessments.services.rescoring import stored_result
from assessments.services.settled import settled_result_refresh
from enterprises.audit import audit_record
from enterprises.errors import Conflict, NotFound, ValidationFailed
from enterprises.models import AuditAction, Enterprise, User


def _empty(value: Any) -> bool:
    return value is None or value == "" or value == []


@transaction.atomic
def assessment_start(*, enterprise: Enterprise, framework_code: str, user: User) -> Assessment:
    """Open a draft pinned to the latest published version. One open draft per framework."""
    version = FrameworkVersion.objects.latest_published(framework_code)
    if version is None:
        raise ValidationFailed(
            _("No published framework has this code."),
            errors={"framework": [_("Unknown framework.")]},
        )
    existing = Assessment.objects.filter(
        enterprise=enterprise,
        framework=version.framework,
        status__in=[Assessment.Status.DRAFT, Assessment.Status.PENDING_REVIEW],
    ).first()
    if existing is not None:
        raise Conflict(
            _("This enterprise already has an open assessment on this framework."),
            errors={"framework": [_("Continue the open assessment instead.")]},
            extra={"id": existing.pk},
        )
    try:
        with transaction.atomic():
            return Assessment.objects.create(
                enterprise=enterprise,
                framework=version.framework,
                framework_version=version,
                created_by=user,
            )
    except IntegrityError as exc:  # a concurrent start won the race
        raise Conflict(_("This enterprise already has an open draft on this framework.")) from exc


def _lock_draft(assessment_id: int) -> Assessment:
    """Lock the assessment row; answers change only while it is a draft.

    Call inside a transaction. Submission takes the same lock, so an answer write and
    a submission never interleave.
    """
    assessment = (
        Assessment.objects.select_for_update(of=("self",)).with_version().get(pk=assessment_id)
    )
    if assessment.status != Assessment.Status.DRAFT:
        raise Conflict(
            _("This assessment is %(status)s; its answers can no longer change.")
            % {"status": assessment.get_status_display()},
            extra={"status": assessment.status},
        )
    return assessment


def _lock_draft_for_answer(assessment: Assessment) -> tuple[Assessment, bool]:
    """Lock the draft for an answer write and mark it edited; call inside a transaction.

    The hot path of autosave: one UPDATE both takes the row lock (a submission's
    SELECT ... FOR UPDATE waits for it, and it for the submission) and re-checks,
    under that lock, that the assessment is still a draft on the framework version the
    caller loaded, so that version's definition is the one to validate against. When
    either changed meanwhile, the full lock reloads the row (and raises Conflict for a
    draft no longer open). Returns the locked assessment and whether it was touched.
    """
    touched = Assessment.objects.filter(
        pk=assessment.pk,
        status=Assessment.Status.DRAFT,
        framework_version_id=assessment.framework_version_id,
    ).update(updated_at=timezone.now())
    if touched:
        return assessment, True
    return _lock_draft(assessment.pk), False


@dataclass(frozen=True)
class SavedAnswer:
    question_key: str
    value: Any
    revision: int


@transaction.atomic
def answer_save(
    *, assessment: Assessment, user: User, question_key: str, value: Any, base_revision: int
) -> SavedAnswer:
    """Write one answer if the caller saw its current revision.

    `base_revision` is the revision the client last saw (0 for an unanswered question).
    A stale write raises Conflict carrying the current `{value, revision}`; an invalid
    value raises ValidationFailed; a submitted assessment raises Conflict. Every write
    is kept as an AnswerRevision.
    """
    locked, touched = _lock_draft_for_answer(assessment)
    framework = compiled_framework(locked.framework_version)
    if question_key not in framework.questions:
        raise NotFound(_("This framework has no such question."))
    problems = scoring.validate_answers(framework, {question_key: value})
    if problems:
        raise ValidationFailed(
            _("The answer is invalid."),
            errors={"value": [tr(message) for message in problems.get(question_key, [])]},
        )
    current = Answer.objects.filter(assessment=locked, question_key=question_key).first()
    current_revision = current.revision if current else 0
    if base_revision != current_revision:
        raise Conflict(
            _("Someone changed this answer since you loaded it."),
            extra={
                "current": {
                    "value": current.value if current else None,
                    "revision": current_revision,
                }
            },
        )
    new_revision = current_revision + 1
    if current is None:
        Answer.objects.create(
            assessment=locked,
            question_key=question_key,
            value=value,
            revision=new_revision,
            updated_by=user,
        )
    else:
        Answer.objects.filter(pk=current.pk).update(
            value=value, revision=F("revision") + 1, updated_by=user, updated_at=timezone.now()
        )
    AnswerRevision.objects.create(
        assessment=locked,
        question_key=question_key,
        revision=new_revision,
        old_value=current.value if current else None,
        new_value=value,
        user=user,
    )
    if not touched:
        Assessment.objects.filter(pk=locked.pk).update(updated_at=timezone.now())
    return SavedAnswer(question_key=question_key, value=value, revision=new_revision)


def answers_of(assessment: Assessment) -> dict[str, Any]:
    """The answers as the engine reads them: frozen ones after submission."""
    if assessment.answers_snapshot is not None:
        return dict(assessment.answers_snapshot)
    return {
        key: value
        for key, value in Answer.objects.filter(assessment=assessment).values_list(
            "question_key", "value"
        )
        if not _empty(value)
    }


@transaction.atomic
def assessment_submit(*, assessment: Assessment, user: User, pledge: bool) -> Assessment:
    """Freeze the answers, score them and set the status.

    Missing required answers are listed all at once, as is a missing pledge. A level the
    framework marks `self` is final (`submitted`); a higher one waits for review
    (`pending_review`).
    """
    locked = _lock_draft(assessment.pk)
    framework = compiled_framework(locked.framework_version)
    answers = answers_of(locked)
    errors: dict[str, list[str]] = {}
    if pledge is not True:
        errors["pledge"] = [_("Accept the truthfulness pledge to submit.")]
    for key in scoring.missing_required(framework, answers):
        errors[f"answers.{key}"] = [_("This question needs an answer.")]
    for key, messages in scoring.validate_answers(framework, answers).items():
        errors.setdefault(f"answers.{key}", []).extend(tr(m) for m in messages)
    if errors:
        missing = [k.removeprefix("answers.") for k in errors if k.startswith("answers.")]
        raise ValidationFailed(
            _("The assessment cannot be submitted yet."),
            errors=errors,
            extra={"missing": missing},
        )
    visible = scoring.visible_questions(framework, answers)
    snapshot = {key: value for key, value in answers.items() if key in visible}
    computed = stored_result(framework, snapshot)
    status = Assessment.Status.SUBMITTED
    if computed.level_code:
        level = next(lv for lv in framework.levels if lv.code == computed.level_code)
        if level.confirmation == "review":
            status = Assessment.Status.PENDING_REVIEW
    now = timezone.now()
    locked.status = status
    locked.answers_snapshot = snapshot
    locked.result = computed.result
    locked.total = computed.total
    locked.level_code = computed.level_code
    locked.engine_version = computed.engine_version
    locked.confirmed_level_code = (
        computed.level_code if status == Assessment.Status.SUBMITTED else ""
    )
    locked.submitted_at = now
    locked.submitted_by = user
    locked.pledge_accepted_at = now
    locked.save()
    ReviewDecision.objects.create(
        assessment=locked,
        decision=ReviewDecision.Decision.SUBMITTED,
        level_code=computed.level_code,
        user=user,
    )
    if status == Assessment.Status.SUBMITTED:
        settled_result_refresh(enterprise_id=locked.enterprise_id, framework_id=locked.framework_id)
    events.assessment_settled(locked.pk)
    return locked


@transaction.atomic
def assessment_review(
    *,
    assessment: Assessment,
    reviewer: User,
    decision: str,
    comment: str,
    confirmed_level: str | None = None,
) -> Assessment:
    """Record a reviewer's decision on an assessment pending review.

    - confirm: the self-assessed level, or a lower `confirmed_level` with a reason;
    - return: back to the enterprise with comments, which gets a new draft holding the
      same answers.

    Each decision is audited as assessment.reviewed in the same transaction.
    """
    locked = Assessment.objects.select_for_update(of=("self",)).with_version().get(pk=assessment.pk)
    if locked.status != Assessment.Status.PENDING_REVIEW:
        raise Conflict(_("Only an assessment pending review can be reviewed."))
    framework = compiled_framework(locked.framework_version)
    codes = [level.code for level in framework.levels]
    if decision == "confirm":
        target = confirmed_level or locked.level_code
        if target not in codes[: codes.index(locked.level_code) + 1]:
            raise ValidationFailed(
                _("The confirmed level must be the self-assessed level or one below it."),
                errors={
                    "confirmed_level": [
                        _("Choose a level up to %(level)s.") % {"level": locked.level_code}
                    ]
                },
            )
        lower = target != locked.level_code
        if lower and not comment.strip():
            raise ValidationFailed(
                _("Give the reason for confirming a lower level."),
                errors={"comment": [_("A reason is required for a lower level.")]},
            )
        locked.status = Assessment.Status.CONFIRMED
        locked.confirmed_level_code = target
        locked.save(update_fields=["status", "confirmed_level_code", "updated_at"])
        ReviewDecision.objects.create(
            assessment=locked,
            decision=(
                ReviewDecision.Decision.CONFIRM_LOWER if lower else ReviewDecision.Decision.CONFIRM
            ),
            level_code=target,
            comment=comment,
            user=reviewer,
        )
        settled_result_refresh(enterprise_id=locked.enterprise_id, framework_id=locked.framework_id)
        _audit_review(locked, reviewer, decision="confirm", level=target, comment=comment)
        events.assessment_settled(locked.pk)
        return locked
    if decision == "return":
        if not comment.strip():
            raise ValidationFailed(
                _("Say what the enterprise should change."),
                errors={"comment": [_("A comment is required when returning.")]},
            )
        locked.status = Assessment.Status.RETURNED
        locked.save(update_fields=["status", "updated_at"])
        ReviewDecision.objects.create(
            assessment=locked,
            decision=ReviewDecision.Decision.RETURN,
            level_code=locked.level_code,
            comment=comment,
            user=reviewer,
        )
        draft = Assessment.objects.create(
            enterprise_id=locked.enterprise_id,
            framework_id=locked.framework_id,
            framework_version_id=locked.framework_version_id,
            created_by=reviewer,
            returned_from=locked,
        )
        Answer.objects.bulk_create(
            [
                Answer(assessment=draft, question_key=key, value=value, revision=1)
                for key, value in (locked.answers_snapshot or {}).items()
            ]
        )
        _audit_review(locked, reviewer, decision="return", level=locked.level_code, comment=comment)
        return locked
    raise ValidationFailed(
        _("Unknown decision."), errors={"decision": [_("Choose confirm or return.")]}
    )


def _audit_review(
    assessment: Assessment, reviewer: User, *, decision: str, level: str, comment: str
) -> None:
    audit_record(
        action=AuditAction.ASSESSMENT_REVIEWED,
        actor=reviewer,
        target=assessment,
        enterprise=assessment.enterprise_id,
        details={
            "decision": decision,
            "self_assessed_level": assessment.level_code,
            "level": level,
            "comment": comment,
        },
    )


@dataclass(frozen=True)
class MoveReport:
    assessment: Assessment
    carried: list[str]
    dropped: list[str]


@transaction.atomic
def assessment_move_to_latest(*, assessment: Assessment, user: User) -> MoveReport:
    """Move a draft to the latest published version of its framework.

    Answers are carried over by question key where the new version still has the
    question and accepts the value; the others are listed and dropped (their history
    stays in AnswerRevision).
    """
    locked = _lock_draft(assessment.pk)
    latest = FrameworkVersion.objects.latest_published(locked.framework.code)
    if latest is None or latest.pk == locked.framework_version_id:
        raise Conflict(_("This draft is already on the latest version."))
    framework = compiled_framework(latest)
    carried, dropped = [], []
    for answer in Answer.objects.filter(assessment=locked):
        ok = answer.question_key in framework.questions and not scoring.validate_answers(
            framework, {answer.question_key: answer.value}
        )
        if ok:
            carried.append(answer.question_key)
        else:
            dropped.append(answer.question_key)
            AnswerRevision.objects.create(
                assessment=locked,
                question_key=answer.question_key,
                revision=answer.revision + 1,
                old_value=answer.value,
                new_value=None,
                user=user,
            )
    Answer.objects.filter(assessment=locked, question_key__in=dropped).delete()
    locked.framework_version = latest
    locked.save(update_fields=["framework_version", "updated_at"])
    return MoveReport(assessment=locked, carried=sorted(carried), dropped=sorted(dropped))
