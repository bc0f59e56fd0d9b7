"""Supply requirements over HTTP: the anchor's list, create, read, change, delete; and
the requirements a supplier receives.

Input is parsed leniently (a date string becomes a date) and the service validates the
whole, so one 400 names every bad field.
"""

from __future__ import annotations

import contextlib
import datetime as dt
from typing import Any

from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from enterprises.access import enterprise_get_for
from enterprises.errors import ValidationFailed

from .access import supply_requirement_get_for
from .models import SupplyRequirement
from .services import requirements as services
from .supply.facts import framework_infos
from .supply.present import requirement_out
from .supply.received import requirements_received

FIELDS = (
    "framework",
    "min_level",
    "deadline",
    "group",
    "tier",
    "tag",
    "min_dimension_percents",
    "note",
)


def _parsed(data: Any, *, partial: bool) -> dict[str, Any]:
    """The body's known fields, a deadline string turned into a date when it is one."""
    if not isinstance(data, dict):
        raise ValidationFailed(
            _("The requirement cannot be saved."),
            errors={"non_field_errors": [_("Send a JSON object.")]},
        )
    values = {name: data[name] for name in FIELDS if name in data}
    if not partial:
        # Missing required fields go to the service as None, so it names them with
        # every other problem.
        for name in ("framework", "min_level", "deadline"):
            values.setdefault(name, None)
    if isinstance(values.get("deadline"), str):
        with contextlib.suppress(ValueError):  # the service names a bad one
            values["deadline"] = dt.date.fromisoformat(values["deadline"])
    if values.get("tag") is None and "tag" in values:
        values["tag"] = ""
    if values.get("note") is None and "note" in values:
        values["note"] = ""
    return values


def _out(requirement: SupplyRequirement) -> dict[str, Any]:
    return requirement_out(requirement, framework_infos([requirement.framework_id]))


# ---- schema ------------------------------------------------------------------------------


class LevelRefOut(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()


class DimensionMinimumOut(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    percent = serializers.FloatField()


class ReceivedRequirementOut(serializers.Serializer):
    id = serializers.IntegerField()
    framework = serializers.CharField(help_text="The framework's code")
    framework_title = serializers.CharField()
    min_level = LevelRefOut()
    min_dimension_percents = DimensionMinimumOut(many=True)
    deadline = serializers.DateField()
    note = serializers.CharField()


class RequirementOut(ReceivedRequirementOut):
    anchor = serializers.IntegerField()
    group = serializers.CharField(help_text="all | tier | tag")
    tier = serializers.IntegerField(allow_null=True)
    tag = serializers.CharField(allow_null=True)
    group_text = serializers.CharField()
    created_at = serializers.DateTimeField()
    updated_at = serializers.DateTimeField()


class RequirementInput(serializers.Serializer):
    framework = serializers.CharField(help_text="A published framework's code")
    min_level = serializers.CharField(help_text="A level code of that framework")
    deadline = serializers.DateField(help_text="Today or later")
    group = serializers.ChoiceField(
        choices=SupplyRequirement.Group.choices, required=False, default="all"
    )
    tier = serializers.IntegerField(
        required=False, allow_null=True, help_text="For group 'tier' only: 1 or more"
    )
    tag = serializers.CharField(
        required=False, allow_blank=True, help_text="For group 'tag' only: a supplier tag"
    )
    min_dimension_percents = serializers.DictField(
        child=serializers.FloatField(min_value=0, max_value=100),
        required=False,
        help_text="{dimension key: minimum percent of the dimension's maximum}",
    )
    note = serializers.CharField(required=False, allow_blank=True)


class RequirementPatchInput(RequirementInput):
    framework = serializers.CharField(required=False)
    min_level = serializers.CharField(required=False)
    deadline = serializers.DateField(required=False)


class GapOut(serializers.Serializer):
    kind = serializers.CharField(help_text="assessment | level | dimension")
    key = serializers.CharField(allow_null=True, help_text="The dimension key")
    required = serializers.JSONField(  # type: ignore[assignment]
        help_text="A level code or a percent"
    )
    actual = serializers.JSONField(allow_null=True)
    text = serializers.CharField()


class CheckOut(serializers.Serializer):
    met = serializers.BooleanField()
    overdue = serializers.BooleanField()
    deadline = serializers.DateField()
    days_left = serializers.IntegerField(help_text="Negative once the deadline has passed")
    gaps = GapOut(many=True)


class ReceivedLinkOut(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField(help_text="invited | accepted")


class ReceivedAnchorOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class RequirementReceivedOut(serializers.Serializer):
    link = ReceivedLinkOut()
    anchor = ReceivedAnchorOut()
    requirement = ReceivedRequirementOut()
    check = CheckOut()


# ---- views -------------------------------------------------------------------------------


class AnchorRequirementListView(APIView):
    @extend_schema(
        operation_id="anchor_requirements_list",
        responses={200: RequirementOut(many=True), 404: None},
    )
    def get(self, request: Request, pk: int) -> Response:
        anchor = enterprise_get_for(request.user, pk, "view_members")
        found = list(
            SupplyRequirement.objects.filter(anchor=anchor)
            .select_related("framework")
            .order_by("deadline", "id")
        )
        infos = framework_infos({r.framework_id for r in found})
        return Response([requirement_out(r, infos) for r in found])

    @extend_schema(
        operation_id="anchor_requirement_create",
        request=RequirementInput,
        responses={201: RequirementOut, 400: None, 403: None, 404: None},
    )
    def post(self, request: Request, pk: int) -> Response:
        anchor = enterprise_get_for(request.user, pk, "manage")
        values = _parsed(request.data, partial=False)
        requirement = services.supply_requirement_create(anchor=anchor, user=request.user, **values)
        return Response(_out(requirement), status=status.HTTP_201_CREATED)


class RequirementView(APIView):
    @extend_schema(operation_id="requirement", responses={200: RequirementOut, 404: None})
    def get(self, request: Request, pk: int) -> Response:
        return Response(_out(supply_requirement_get_for(request.user, pk, "view")))

    @extend_schema(
        operation_id="requirement_update",
        request=RequirementPatchInput,
        responses={200: RequirementOut, 400: None, 403: None, 404: None},
    )
    def patch(self, request: Request, pk: int) -> Response:
        requirement = supply_requirement_get_for(request.user, pk, "manage")
        values = _parsed(request.data, partial=True)
        if not values:
            raise ValidationFailed(
                _("The requirement cannot be saved."),
                errors={"non_field_errors": [_("Give at least one field to change.")]},
            )
        requirement = services.supply_requirement_update(requirement=requirement, **values)
        return Response(_out(requirement))

    @extend_schema(operation_id="requirement_delete", responses={204: None, 403: None, 404: None})
    def delete(self, request: Request, pk: int) -> Response:
        requirement = supply_requirement_get_for(request.user, pk, "manage")
        services.supply_requirement_delete(requirement=requirement)
        return Response(status=status.HTTP_204_NO_CONTENT)


class RequirementsReceivedView(APIView):
    @extend_schema(
        operation_id="enterprise_requirements_received",
        responses={200: RequirementReceivedOut(many=True), 404: None},
        description=(
            "What the enterprise's customers require of it, through the links it has "
            "accepted or is invited to, each checked against its attested results."
        ),
    )
    def get(self, request: Request, pk: int) -> Response:
        enterprise = enterprise_get_for(request.user, pk, "view_members")
        return Response(requirements_received(enterprise.pk))
