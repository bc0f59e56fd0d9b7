"""The anchor firm's supply-chain dashboard as JSON: the numbers the page draws."""

from __future__ import annotations

from drf_spectacular.utils import OpenApiParameter, extend_schema
from rest_framework import serializers
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from enterprises.access import enterprise_get_for

from .api_requirements import CheckOut, RequirementOut
from .supply.dashboard import anchor_dashboard

# ---- schema ------------------------------------------------------------------------------


class _Ref(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class _FrameworkRef(serializers.Serializer):
    code = serializers.CharField()
    title = serializers.CharField()


class _StatusCount(serializers.Serializer):
    status = serializers.CharField(
        help_text="invited | declined | revoked | accepted | assessing | submitted | "
        "certified | meets_requirement | overdue"
    )
    label = serializers.CharField()  # type: ignore[assignment]
    count = serializers.IntegerField()


class _LevelCount(serializers.Serializer):
    code = serializers.CharField()
    name = serializers.CharField()
    count = serializers.IntegerField()


class _LevelDistribution(serializers.Serializer):
    framework = serializers.CharField()
    title = serializers.CharField()
    levels = _LevelCount(many=True, help_text="Attested levels, highest first")
    no_level = serializers.IntegerField(help_text="Attested results below the lowest level")
    awaiting_review = serializers.IntegerField()
    not_assessed = serializers.IntegerField()
    suppliers = serializers.IntegerField(help_text="Consenting suppliers")


class _LevelShare(_LevelCount):
    share = serializers.FloatField(allow_null=True, help_text="Percent reaching it or higher")


class _RequirementShare(serializers.Serializer):
    count = serializers.IntegerField()
    of = serializers.IntegerField()
    share = serializers.FloatField(allow_null=True)


class _Quarter(serializers.Serializer):
    quarter = serializers.CharField()
    end = serializers.DateField()
    suppliers = serializers.IntegerField()
    levels = _LevelShare(many=True)
    requirement = _RequirementShare(allow_null=True)


class _HeatColumn(serializers.Serializer):
    key = serializers.CharField()
    name = serializers.CharField()
    mean = serializers.FloatField(allow_null=True)
    count = serializers.IntegerField()


class _HeatCell(serializers.Serializer):
    key = serializers.CharField()
    mean = serializers.FloatField(allow_null=True)
    count = serializers.IntegerField()


class _HeatRow(serializers.Serializer):
    group = serializers.JSONField(help_text="A tier (number) or a tag ('' for untagged)")
    label = serializers.CharField()  # type: ignore[assignment]
    suppliers = serializers.IntegerField()
    cells = _HeatCell(many=True)


class _Heatmap(serializers.Serializer):
    by = serializers.CharField(help_text="tier | tag")
    dimensions = _HeatColumn(many=True, help_text="Weakest first")
    rows = _HeatRow(many=True)


class _LaggardSupplier(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True)
    name = serializers.CharField()
    uscc = serializers.CharField()


class _Unmet(serializers.Serializer):
    requirement = RequirementOut()
    check = CheckOut()


class _Laggard(serializers.Serializer):
    id = serializers.IntegerField(help_text="The supplier link")
    supplier = _LaggardSupplier()
    tier = serializers.IntegerField()
    tags = serializers.ListField(child=serializers.CharField())
    status = serializers.CharField()
    status_label = serializers.CharField()
    unmet = _Unmet(many=True)


class _Laggards(serializers.Serializer):
    count = serializers.IntegerField()
    page = serializers.IntegerField()
    pages = serializers.IntegerField()
    results = _Laggard(many=True)


class SupplyDashboardOut(serializers.Serializer):
    anchor = _Ref()
    as_of = serializers.DateField()
    suppliers = serializers.IntegerField()
    consenting = serializers.IntegerField(help_text="Accepted links: the only ones with results")
    statuses = _StatusCount(many=True)
    frameworks = _FrameworkRef(many=True)
    framework = _FrameworkRef(allow_null=True, help_text="Of the quarters and the heatmap")
    requirements = RequirementOut(many=True)
    levels = _LevelDistribution(many=True)
    quarters = _Quarter(many=True)
    heatmap = _Heatmap()
    laggards = _Laggards()


# ---- view --------------------------------------------------------------------------------


class AnchorSupplyDashboardView(APIView):
    @extend_schema(
        operation_id="anchor_suppliers_dashboard",
        parameters=[
            OpenApiParameter(
                "framework",
                str,
                description="A framework code (default: the earliest-deadline requirement's)",
            ),
            OpenApiParameter("by", str, enum=["tier", "tag"], description="Heatmap rows"),
            OpenApiParameter("page", int, description="The page of laggards"),
        ],
        responses={200: SupplyDashboardOut, 404: None},
        description=(
            "Suppliers by status, attested levels, quarterly progress, the weakest "
            "dimensions and the laggards. Only accepted links contribute results; any "
            "other link counts by its status alone."
        ),
    )
    def get(self, request: Request, pk: int) -> Response:
        anchor = enterprise_get_for(request.user, pk, "view_members")
        params = request.query_params
        return Response(
            anchor_dashboard(
                anchor,
                framework=params.get("framework") or None,
                by=params.get("by") or "tier",
                page=params.get("page") or 1,
            )
        )
