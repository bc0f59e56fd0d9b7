"""Improvement plans of assessments, and the plan items an enterprise adopts from them.

The plan itself is computed by the pure :mod:`reports.plans` from the assessment's
answers (saved answers for a draft, the frozen snapshot once submitted). Adopted items
are PlanItem rows keyed by enterprise, framework and question, so that progress carries
from one assessment to the next; :func:`plan_items_confirm` marks the done ones that a
later submitted assessment bears out.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal
from typing import Any, Final, Literal

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from assessments import scoring
from assessments.models import Assessment
from assessments.presenters import tr
from assessments.selectors import compiled_framework
from assessments.services.assessments import answers_of
from enterprises.access import enterprise_get_for
from enterprises.errors import Forbidden, NotFound, ValidationFailed
from reports import plans
from reports.models import PlanItem

_THOUSANDTH = Decimal("0.001")


class _Unset:
    def __repr__(self) -> str:
        return "UNSET"


UNSET: Final = _Unset()
"""Marks a field the caller leaves as it is (None means "clear" for a due date)."""

PlanItemAction = Literal["view", "edit"]


@dataclass(frozen=True)
class AssessmentPlan:
    """An assessment's plan with the enterprise's adopted items for its framework.

    ``adopted`` maps question keys to PlanItem rows (in or out of the current plan);
    ``elsewhere`` lists the adopted items the current plan no longer holds (done,
    confirmed, or met meanwhile), by question key.
    """

    assessment: Assessment
    framework: scoring.Framework
    plan: plans.Plan
    adopted: dict[str, PlanItem] = field(default_factory=dict)

    @property
    def elsewhere(self) -> list[PlanItem]:
        return [item for key, item in sorted(self.adopted.items()) if self.plan.item(key) is None]


def _plan_of(assessment: Assessment, required_level: str | None) -> plans.Plan:
    return _plan_on(compiled_framework(assessment.framework_version), assessment, required_level)


def _plan_on(
    framework: scoring.Framework, assessment: Assessment, required_level: str | None
) -> plans.Plan:
    try:
        return plans.improvement_plan(
            framework, answers_of(assessment), required_level=required_level
        )
    except plans.UnknownLevel:
        raise ValidationFailed(
            _("This framework has no such level."),
            errors={"required_level": [_("Choose a level of this framework.")]},
        ) from None


def assessment_plan(*, assessment: Assessment, required_level: str | None = None) -> AssessmentPlan:
    """The improvement plan of ``assessment`` and the items already adopted.

    ``required_level``: a level code the enterprise must reach (an anchor firm's
    requirement), raising the target when higher than the next level; an unknown code
    raises ValidationFailed. A fixed number of queries whatever the number of items.
    """
    framework = compiled_framework(assessment.framework_version)
    plan = _plan_on(framework, assessment, required_level)
    adopted = {
        item.question_key: item
        for item in PlanItem.objects.filter(
            enterprise_id=assessment.enterprise_id, framework_id=assessment.framework_id
        )
    }
    return AssessmentPlan(assessment=assessment, framework=framework, plan=plan, adopted=adopted)


def recommendation_text(step: plans.PlanStep) -> str:
    """The step's recommendations in the active language, one per line."""
    return "\n".join(tr(text) for text in step.recommendations)


def _decimal(value: Decimal) -> Decimal:
    return value.quantize(_THOUSANDTH, rounding=ROUND_HALF_UP)


def _check_status(status: str) -> None:
    if status not in PlanItem.Status.values:
        raise ValidationFailed(
            _("Unknown status."),
            errors={"status": [_("Choose planned, in progress or done.")]},
        )


def _apply_fields(
    item: PlanItem, *, owner: str | _Unset, due_date: date | _Unset | None, status: str | _Unset
) -> list[str]:
    changed = []
    if not isinstance(owner, _Unset):
        item.owner = owner.strip()
        changed.append("owner")
    if not isinstance(due_date, _Unset):
        item.due_date = due_date
        changed.append("due_date")
    if not isinstance(status, _Unset):
        _check_status(status)
        item.status = status
        changed.append("status")
        if status != PlanItem.Status.DONE and item.confirmed_at is not None:
            # No longer done: a confirmation of the old "done" no longer holds.
            item.confirmed_by = None
            item.confirmed_at = None
            changed += ["confirmed_by", "confirmed_at"]
    return changed


@transaction.atomic
def plan_item_adopt(
    *,
    assessment: Assessment,
    question_key: str,
    owner: str | _Unset = UNSET,
    due_date: date | _Unset | None = UNSET,
    status: str | _Unset = UNSET,
    required_level: str | None = None,
) -> tuple[PlanItem, bool]:
    """Adopt the plan item for ``question_key`` from ``assessment``'s plan.

    Returns the item and whether it was created. The item takes the plan's current
    recommendation (in the active language), target score, expected gain and phase.
    Adopting a question already adopted refreshes those and keeps its owner, due date
    and status unless given; an item whose earlier round was confirmed starts a new
    round (planned, unconfirmed). A question the plan does not hold raises
    ValidationFailed. The caller has checked that the user may edit the enterprise.
    """
    plan = _plan_of(assessment, required_level)
    step = plan.item(question_key)
    if step is None:
        raise ValidationFailed(
            _("This question is not in the improvement plan."),
            errors={"question_key": [_("Choose a question of the plan.")]},
        )
    planned = {
        "adopted_from": assessment,
        "recommendation": recommendation_text(step),
        "target_score": _decimal(step.target_score),
        "expected_gain": _decimal(step.expected_gain),
        "phase": step.phase,
    }
    key = {
        "enterprise_id": assessment.enterprise_id,
        "framework_id": assessment.framework_id,
        "question_key": question_key,
    }
    item = PlanItem.objects.select_for_update().filter(**key).first()
    created = item is None
    if item is None:
        try:
            with transaction.atomic():
                item = PlanItem.objects.create(**key, **planned)
        except IntegrityError:  # adopted concurrently: refresh that one instead
            created = False
            item = PlanItem.objects.select_for_update().get(**key)
    if not created:
        for name, value in planned.items():
            setattr(item, name, value)
        if item.confirmed_at is not None:
            item.status = PlanItem.Status.PLANNED
            item.confirmed_by = None
            item.confirmed_at = None
    _apply_fields(item, owner=owner, due_date=due_date, status=status)
    item.save()
    return item, created


@transaction.atomic
def plan_item_update(
    *,
    item: PlanItem,
    owner: str | _Unset = UNSET,
    due_date: date | _Unset | None = UNSET,
    status: str | _Unset = UNSET,
) -> PlanItem:
    """Set an adopted item's owner, due date or status (fields left UNSET stay).

    Moving an item away from done drops its confirmation. An unknown status raises
    ValidationFailed.
    """
    changed = _apply_fields(item, owner=owner, due_date=due_date, status=status)
    if changed:
        item.save(update_fields=[*changed, "updated_at"])
    return item


def plan_item_get_for(user: Any, pk: Any, action: PlanItemAction = "view") -> PlanItem:
    """The plan item ``pk`` if ``user`` may perform ``action`` on it, through its enterprise.

    Viewing follows the enterprise (members, bureau officers in scope, platform staff);
    editing needs an editor or administrator of the enterprise. Anyone who may not see
    the enterprise gets NotFound; anyone who may see it but not edit, Forbidden.
    """
    not_found = NotFound(_("Plan item not found."))
    try:
        pk = int(pk)
    except (TypeError, ValueError):
        raise not_found from None
    if not getattr(user, "is_authenticated", False):
        raise not_found
    item = PlanItem.objects.select_related("framework").filter(pk=pk).first()
    if item is None:
        raise not_found
    plan_enterprise_get_for(user, item.enterprise_id, action, not_found=not_found)
    return item


def plan_enterprise_get_for(
    user: Any, enterprise_id: int, action: PlanItemAction, *, not_found: NotFound | None = None
) -> Any:
    """The enterprise if ``user`` may ``action`` its plan: NotFound when the user may not
    even see it, Forbidden when they may see but not edit it."""
    try:
        return enterprise_get_for(user, enterprise_id, action)
    except NotFound:
        if action == "view":
            raise (not_found or NotFound(_("Enterprise not found."))) from None
        try:
            enterprise_get_for(user, enterprise_id, "view")
        except NotFound:
            raise (not_found or NotFound(_("Enterprise not found."))) from None
        raise Forbidden(
            _("Only the enterprise's editors and administrators may change its plan.")
        ) from None


def _meets(question: scoring.Question, value: Any, target_score: Decimal) -> bool:
    if question.score_of(value) < target_score:
        return False
    if target_score > 0:
        return True
    # A target of 0 points (a scene without points that a gate counts) cannot be told
    # apart from "not started" by its score: only the best answer confirms it.
    best = 4 if question.type == "scene_level" else None
    return best is not None and value == best


def plan_items_confirm(*, assessment: Assessment) -> list[PlanItem]:
    """Mark confirmed the enterprise's done items that ``assessment`` bears out.

    An item of the assessment's enterprise and framework, done, not yet confirmed and
    adopted no later than the submission is confirmed when the question is visible in
    the submitted answers and its answer scores at least the item's target score
    (a zero-point target needs the best answer). Idempotent; does nothing for an
    assessment not submitted. Returns the items confirmed now. A fixed number of
    queries (one read, one update) whatever the number of items.
    """
    if assessment.answers_snapshot is None or assessment.submitted_at is None:
        return []
    items = list(
        PlanItem.objects.filter(
            enterprise_id=assessment.enterprise_id,
            framework_id=assessment.framework_id,
            status=PlanItem.Status.DONE,
            confirmed_at__isnull=True,
            created_at__lte=assessment.submitted_at,
        )
    )
    if not items:
        return []
    framework = compiled_framework(assessment.framework_version)
    answers = assessment.answers_snapshot
    result = scoring.score(framework, answers)
    confirmed = []
    for item in items:
        question = framework.questions.get(item.question_key)
        entry = result.questions.get(item.question_key)
        if question is None or entry is None or not entry.visible:
            continue
        if _meets(question, answers.get(item.question_key), item.target_score):
            confirmed.append(item)
    if confirmed:
        now = timezone.now()
        PlanItem.objects.filter(pk__in=[item.pk for item in confirmed]).update(
            confirmed_by=assessment, confirmed_at=now, updated_at=now
        )
        for item in confirmed:
            item.confirmed_by = assessment
            item.confirmed_at = now
    return confirmed
