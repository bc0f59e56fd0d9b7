"""Improvement plans over HTTP: an assessment's plan, adopting items, updating them."""

from __future__ import annotations

from typing import Any

from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from drf_spectacular.utils import OpenApiParameter, OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments.access import assessment_get_for
from assessments.models import Assessment
from assessments.presenters import tr
from assessments.scoring import LevelRef
from assessments.scoring.result import to_plain
from enterprises.access import membership_for
from enterprises.models import Role

from . import plans
from .models import PlanItem
from .services import plans as services
from .supply.received import required_level_for

PHASE_LABELS = {
    plans.PHASE_NOW: gettext_lazy("Now"),
    plans.PHASE_SOON: gettext_lazy("Within 6 months"),
    plans.PHASE_LATER: gettext_lazy("In 6 to 18 months"),
}


# ---- presenting ------------------------------------------------------------------------


def level_out(level: LevelRef | None) -> dict[str, str] | None:
    return {"code": level.code, "name": tr(level.name)} if level else None


def adopted_out(item: PlanItem) -> dict[str, Any]:
    return {
        "id": item.pk,
        "question_key": item.question_key,
        "owner": item.owner,
        "due_date": item.due_date,
        "status": item.status,
        "status_label": str(item.get_status_display()),
        "phase": item.phase,
        "recommendation": item.recommendation,
        "target_score": float(item.target_score),
        "expected_gain": float(item.expected_gain),
        "adopted_from": item.adopted_from_id,
        "confirmed": item.confirmed_at is not None,
        "confirmed_by": item.confirmed_by_id,
        "confirmed_at": item.confirmed_at,
        "updated_at": item.updated_at,
    }


def step_out(step: plans.PlanStep, adopted: PlanItem | None) -> dict[str, Any]:
    recommendations = [tr(text) for text in step.recommendations]
    return {
        "question_key": step.question_key,
        "question": tr(step.question.text),
        "dimension": step.question.dimension,
        "type": step.question.type,
        "priority": step.priority,
        "phase": step.phase,
        "phase_label": str(PHASE_LABELS[step.phase]),
        "recommendation": "\n".join(recommendations),
        "recommendations": recommendations,
        "expected_gain": to_plain(step.expected_gain),
        "current_score": to_plain(step.current_score),
        "target_score": to_plain(step.target_score),
        "max_score": to_plain(step.max_score),
        "current_value": step.current_value,
        "target_value": step.target_value,
        "weight": to_plain(step.question.weight),
        "answered": step.answered,
        "blocks_gate": step.blocking,
        "gates": [
            {
                "level": gate.level_code,
                "level_name": tr(gate.level_name),
                "description": tr(gate.description),
                "met": gate.met,
            }
            for gate in step.blocks
        ],
        "adopted": adopted_out(adopted) if adopted else None,
    }


def _question_text(found: services.AssessmentPlan, key: str) -> str:
    question = found.framework.questions.get(key)
    return tr(question.text) if question else key


def plan_required_level(
    user: Any, assessment: Assessment, explicit: str | None
) -> tuple[str | None, list[dict[str, Any]]]:
    """The level the plan targets at least, and which customers require what by when.

    An explicit ``required_level`` wins. Otherwise, for the enterprise's own members,
    the highest level its accepted customers' requirements ask on this framework
    (reports.supply.received); others (bureau officers, assessors, staff) are not
    shown the enterprise's supply relations, so its plan gets no default for them.
    """
    if membership_for(user, assessment.enterprise_id) is None:
        return explicit, []
    asked = required_level_for(assessment.enterprise_id, assessment.framework_id)
    return explicit or asked.code, asked.asked_by


def plan_out(
    found: services.AssessmentPlan,
    *,
    can_edit: bool,
    required_by: list[dict[str, Any]] | None = None,
) -> dict[str, Any]:
    """The plan as the API returns it (API.md: ``{target_level, items}`` plus more)."""
    plan, assessment = found.plan, found.assessment
    projected = plan.projected
    return {
        "assessment": assessment.pk,
        "status": assessment.status,
        "framework": plan.framework_code,
        "framework_version": plan.framework_version,
        "total": to_plain(plan.total),
        "max_total": to_plain(plan.max_total),
        "level": level_out(plan.level),
        "target_level": level_out(plan.target_level),
        "required_level": plan.required_level,
        "required_by": [
            {
                "anchor": item["anchor"],
                "level": item["level"],
                "deadline": item["deadline"],
                "days_left": item["days_left"],
            }
            for item in required_by or []
        ],
        "projected_total": to_plain(projected.total),
        "projected_level": level_out(projected.level),
        "projections": [
            {
                "phase": projection.phase,
                "phase_label": str(PHASE_LABELS[projection.phase]),
                "total": to_plain(projection.total),
                "level": level_out(projection.level),
            }
            for projection in plan.projections
        ],
        "items": [step_out(step, found.adopted.get(step.question_key)) for step in plan.items],
        "adopted_elsewhere": [
            {**adopted_out(item), "question": _question_text(found, item.question_key)}
            for item in found.elsewhere
        ],
        "unreachable_gates": [
            {
                "level": gate.level_code,
                "level_name": tr(gate.level_name),
                "description": tr(gate.description),
                "met": gate.met,
            }
            for gate in plan.unreachable
        ],
        "can_edit": can_edit,
    }


def can_edit_plan(user: Any, assessment: Assessment) -> bool:
    membership = membership_for(user, assessment.enterprise_id)
    return membership is not None and membership.allows(Role.EDITOR)


# ---- schema ------------------------------------------------------------------------------


class PlanLevelOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class PlanGateOut(serializers.Serializer):
    level = serializers.CharField()
    level_name = serializers.CharField()
    description = serializers.CharField()
    met = serializers.BooleanField()


class AdoptedPlanItemOut(serializers.Serializer):
    id = serializers.IntegerField()
    question_key = serializers.CharField()
    owner = serializers.CharField()
    due_date = serializers.DateField(allow_null=True)
    status = serializers.CharField(help_text="planned | in_progress | done")
    status_label = serializers.CharField()
    phase = serializers.CharField(help_text="now | 6m | 18m, when adopted")
    recommendation = serializers.CharField()
    target_score = serializers.FloatField()
    expected_gain = serializers.FloatField()
    adopted_from = serializers.IntegerField(allow_null=True)
    confirmed = serializers.BooleanField()
    confirmed_by = serializers.IntegerField(allow_null=True)
    confirmed_at = serializers.DateTimeField(allow_null=True)
    updated_at = serializers.DateTimeField()


class AdoptedElsewhereOut(AdoptedPlanItemOut):
    question = serializers.CharField()


class PlanStepOut(serializers.Serializer):
    question_key = serializers.CharField()
    question = serializers.CharField()
    dimension = serializers.CharField()
    type = serializers.CharField()
    priority = serializers.IntegerField(help_text="1 is the highest; items come in this order")
    phase = serializers.CharField(help_text="now | 6m (within 6 months) | 18m (6-18 months)")
    phase_label = serializers.CharField()
    recommendation = serializers.CharField(help_text="The recommendations, one per line")
    recommendations = serializers.ListField(child=serializers.CharField())
    expected_gain = serializers.FloatField()
    current_score = serializers.FloatField()
    target_score = serializers.FloatField()
    max_score = serializers.FloatField()
    weight = serializers.FloatField()
    answered = serializers.BooleanField()
    blocks_gate = serializers.BooleanField()
    gates = PlanGateOut(many=True)
    adopted = AdoptedPlanItemOut(allow_null=True)


class PlanProjectionOut(serializers.Serializer):
    phase = serializers.CharField()
    phase_label = serializers.CharField()
    total = serializers.FloatField()
    level = PlanLevelOut(allow_null=True)


class PlanRequiredByAnchorOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class PlanRequiredByOut(serializers.Serializer):
    anchor = PlanRequiredByAnchorOut()
    level = PlanLevelOut()
    deadline = serializers.DateField()
    days_left = serializers.IntegerField(help_text="Negative once the deadline has passed")


class ImprovementPlanOut(serializers.Serializer):
    assessment = serializers.IntegerField()
    status = serializers.CharField()
    framework = serializers.CharField()
    framework_version = serializers.CharField()
    total = serializers.FloatField()
    max_total = serializers.FloatField()
    level = PlanLevelOut(allow_null=True)
    target_level = PlanLevelOut(allow_null=True)
    required_level = serializers.CharField(
        allow_null=True,
        help_text="The level the plan must reach: the query parameter, else (for the "
        "enterprise's members) the highest level its customers require",
    )
    required_by = PlanRequiredByOut(
        many=True, help_text="Customers' requirements on this framework (members only)"
    )
    projected_total = serializers.FloatField(help_text="The total once the 'now' items are done")
    projected_level = PlanLevelOut(allow_null=True)
    projections = PlanProjectionOut(many=True)
    items = PlanStepOut(many=True)
    adopted_elsewhere = AdoptedElsewhereOut(many=True)
    unreachable_gates = PlanGateOut(many=True)
    can_edit = serializers.BooleanField()


class PlanItemAdoptInput(serializers.Serializer):
    question_key = serializers.CharField(max_length=64)
    required_level = serializers.CharField(
        max_length=32,
        required=False,
        allow_blank=True,
        help_text="The plan's required level, as for GET (default: the customers' requirement)",
    )
    owner = serializers.CharField(max_length=100, required=False, allow_blank=True)
    due_date = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=PlanItem.Status.choices, required=False)


class PlanItemUpdateInput(serializers.Serializer):
    owner = serializers.CharField(max_length=100, required=False, allow_blank=True)
    due_date = serializers.DateField(required=False, allow_null=True)
    status = serializers.ChoiceField(choices=PlanItem.Status.choices, required=False)


def _changes(data: dict[str, Any]) -> dict[str, Any]:
    return {name: data[name] for name in ("owner", "due_date", "status") if name in data}


REQUIRED_LEVEL = OpenApiParameter(
    "required_level",
    str,
    required=False,
    description="A level code the enterprise must reach (raises the target above the next level)",
)


# ---- views -------------------------------------------------------------------------------


class AssessmentPlanView(APIView):
    @extend_schema(
        operation_id="assessment_plan",
        parameters=[REQUIRED_LEVEL],
        responses={200: ImprovementPlanOut, 400: None, 404: None},
    )
    def get(self, request: Request, pk: int) -> Response:
        assessment = assessment_get_for(request.user, pk, "view")
        required, required_by = plan_required_level(
            request.user, assessment, request.query_params.get("required_level") or None
        )
        found = services.assessment_plan(assessment=assessment, required_level=required)
        return Response(
            plan_out(
                found,
                can_edit=can_edit_plan(request.user, assessment),
                required_by=required_by,
            )
        )


class AssessmentPlanItemsView(APIView):
    @extend_schema(
        operation_id="assessment_plan_item_adopt",
        request=PlanItemAdoptInput,
        responses={
            201: AdoptedPlanItemOut,
            200: OpenApiResponse(AdoptedPlanItemOut, description="Already adopted: refreshed"),
            400: None,
            403: None,
            404: None,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        assessment = assessment_get_for(request.user, pk, "view")
        services.plan_enterprise_get_for(request.user, assessment.enterprise_id, "edit")
        data = PlanItemAdoptInput(data=request.data)
        data.is_valid(raise_exception=True)
        required, _required_by = plan_required_level(
            request.user, assessment, data.validated_data.get("required_level") or None
        )
        item, created = services.plan_item_adopt(
            assessment=assessment,
            question_key=data.validated_data["question_key"],
            required_level=required,
            **_changes(data.validated_data),
        )
        return Response(
            adopted_out(item), status=status.HTTP_201_CREATED if created else status.HTTP_200_OK
        )


class PlanItemView(APIView):
    @extend_schema(operation_id="plan_item", responses={200: AdoptedPlanItemOut, 404: None})
    def get(self, request: Request, pk: int) -> Response:
        return Response(adopted_out(services.plan_item_get_for(request.user, pk, "view")))

    @extend_schema(
        operation_id="plan_item_update",
        request=PlanItemUpdateInput,
        responses={200: AdoptedPlanItemOut, 400: None, 403: None, 404: None},
    )
    def patch(self, request: Request, pk: int) -> Response:
        item = services.plan_item_get_for(request.user, pk, "edit")
        data = PlanItemUpdateInput(data=request.data)
        data.is_valid(raise_exception=True)
        if not data.validated_data:
            raise serializers.ValidationError(
                {"non_field_errors": [_("Give an owner, a due date or a status.")]}
            )
        item = services.plan_item_update(item=item, **_changes(data.validated_data))
        return Response(adopted_out(item))
