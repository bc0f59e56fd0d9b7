"""An anchor firm's supplier list with each consenting supplier's latest result.

GET and POST share the path /enterprises/{anchor}/suppliers/: GET reads assessments
(hence reports), POST invites through enterprises.services_supply.
"""

from __future__ import annotations

from typing import Any

from django.db.models import OuterRef, Subquery
from drf_spectacular.utils import extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments.models import Assessment
from enterprises import services_supply
from enterprises.access import enterprise_get_for
from enterprises.api_supply import (
    LinkSupplierOut,
    SupplierInviteInput,
    SupplierInviteOut,
    invite_out,
    supplier_brief,
)
from enterprises.models import Enterprise, SupplierLink

from .selectors import COUNTED_STATUSES

# ---- reading -----------------------------------------------------------------------------


def anchor_supplier_rows(anchor: Enterprise) -> list[dict[str, Any]]:
    """The anchor's links, each with the supplier's latest counted result if (and only if)
    the supplier has consented. Two queries whatever the number of suppliers."""
    latest = (
        Assessment.objects.filter(enterprise=OuterRef("supplier_id"), status__in=COUNTED_STATUSES)
        .order_by("-submitted_at", "-id")
        .values("pk")[:1]
    )
    links = list(
        SupplierLink.objects.filter(anchor=anchor)
        .select_related("supplier")
        .annotate(latest_assessment_id=Subquery(latest))
        .order_by("tier", "supplier_name", "id")
    )
    # Consent is absolute: results are loaded only for accepted links.
    wanted = {
        link.latest_assessment_id
        for link in links
        if link.status == SupplierLink.Status.ACCEPTED and link.latest_assessment_id
    }
    assessments = (
        {
            a.pk: a
            for a in Assessment.objects.filter(pk__in=wanted)
            .select_related("framework")
            .only(
                "pk",
                "status",
                "submitted_at",
                "total",
                "level_code",
                "confirmed_level_code",
                "framework__code",
            )
        }
        if wanted
        else {}
    )
    rows = []
    for link in links:
        found = (
            assessments.get(link.latest_assessment_id)
            if link.status == SupplierLink.Status.ACCEPTED
            else None
        )
        rows.append(
            {
                "id": link.pk,
                "supplier": supplier_brief(link),
                "status": link.status,
                "tier": link.tier,
                "parent": link.parent_id,
                "latest": latest_out(found) if found is not None else None,
            }
        )
    return rows


def latest_out(assessment: Assessment) -> dict[str, Any]:
    return {
        "framework": assessment.framework.code,
        "level": assessment.confirmed_level_code or assessment.level_code or None,
        "level_confirmed": assessment.status == Assessment.Status.CONFIRMED,
        "status": assessment.status,
        "total": float(assessment.total) if assessment.total is not None else None,
        "submitted_at": assessment.submitted_at,
    }


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
    tier = serializers.IntegerField()
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
