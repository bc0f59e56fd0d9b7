"""An anchor firm's supplier list with each consenting supplier's latest result.

GET and POST share the path /enterprises/{anchor}/suppliers/: GET reads assessments
(hence reports), POST invites through enterprises.services_supply.
"""

from __future__ import annotations

from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from enterprises import services_supply
from enterprises.access import enterprise_get_for
from enterprises.api_supply import (
    LinkSupplierOut,
    SupplierInviteInput,
    SupplierInviteOut,
    invite_out,
)

from .selectors import anchor_supplier_rows

# ---- schema ------------------------------------------------------------------------------


class SupplierLatestOut(serializers.Serializer):
    framework = serializers.CharField(help_text="The framework's code")
    level = serializers.CharField(
        allow_null=True, help_text="The confirmed level if reviewed, else the self-assessed one"
    )
    level_confirmed = serializers.BooleanField()
    status = serializers.CharField()
    total = serializers.FloatField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)


class AnchorSupplierOut(serializers.Serializer):
    id = serializers.IntegerField()
    supplier = LinkSupplierOut()
    status = serializers.CharField(help_text="invited | accepted | declined | revoked")
    progress = serializers.CharField(
        help_text="The link status, or once accepted: accepted | assessing | submitted | "
        "certified | meets_requirement | overdue"
    )
    tier = serializers.IntegerField()
    tags = serializers.ListField(child=serializers.CharField())
    parent = serializers.IntegerField(allow_null=True)  # type: ignore[assignment]
    latest = SupplierLatestOut(
        allow_null=True, help_text="null unless the supplier has consented (status accepted)"
    )


# ---- views -------------------------------------------------------------------------------


class AnchorSupplierListView(APIView):
    @extend_schema(
        operation_id="anchor_suppliers_list",
        responses={200: AnchorSupplierOut(many=True), 404: None},
    )
    def get(self, request: Request, pk: int) -> Response:
        anchor = enterprise_get_for(request.user, pk, "view_members")
        return Response(anchor_supplier_rows(anchor))

    @extend_schema(
        operation_id="anchor_supplier_invite",
        request=SupplierInviteInput,
        responses={201: SupplierInviteOut, 400: None, 403: None, 404: None},
    )
    def post(self, request: Request, pk: int) -> Response:
        anchor = enterprise_get_for(request.user, pk, "manage")
        data = SupplierInviteInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        link = services_supply.supplier_invite(
            anchor=anchor,
            uscc=v["uscc"],
            name=v["name"],
            contact_email=v["contact_email"],
            tier=v.get("tier"),
            parent_id=v.get("parent"),
        )
        return Response(invite_out(link), status=status.HTTP_201_CREATED)
