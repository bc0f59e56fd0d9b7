"""HTTP API for sharing one assessment's answers and evidence with one customer.

The supplier's side: list the customers and share or stop sharing. The anchor's side:
list what its suppliers shared; reading goes through the ordinary assessment and
evidence endpoints, which assessments.access opens to shared readers.
"""

from __future__ import annotations

from typing import Any, cast

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import Pagination
from enterprises.access import enterprise_get_for
from enterprises.errors import NotFound, ValidationFailed
from enterprises.models import User

from .access import assessment_get_for, share_link_get_for
from .models import AssessmentShare
from .selectors import assessment_share_rows, shared_assessments_for
from .services import shares as services


class ShareInput(serializers.Serializer):
    link = serializers.IntegerField(help_text="The supplier link of the customer to share with")


class ShareAnchorOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class AssessmentShareOut(serializers.Serializer):
    link = serializers.IntegerField()
    anchor = ShareAnchorOut()
    link_status = serializers.CharField(help_text="invited | accepted | declined | revoked")
    shared = serializers.BooleanField(help_text="The customer can read the answers and evidence")
    shared_at = serializers.DateTimeField(allow_null=True)


class SharedSupplierOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class SharedAssessmentOut(serializers.Serializer):
    id = serializers.IntegerField()
    supplier = SharedSupplierOut()
    framework = serializers.CharField()
    framework_version = serializers.CharField()
    status = serializers.CharField()
    level = serializers.CharField(allow_null=True)
    submitted_at = serializers.DateTimeField(allow_null=True)
    shared_at = serializers.DateTimeField()
    url = serializers.CharField(help_text="The assessment with its answers (API)")
    evidence_url = serializers.CharField(help_text="Its evidence files (API)")


def share_row_out(row: dict[str, Any]) -> dict[str, Any]:
    return {
        "link": row["link"].pk,
        "anchor": {"id": row["anchor"].pk, "name": row["anchor"].name},
        "link_status": row["status"],
        "shared": row["shared"],
        "shared_at": row["shared_at"],
    }


def shared_assessment_out(share: AssessmentShare) -> dict[str, Any]:
    a = share.assessment
    supplier = share.link.supplier
    return {
        "id": a.pk,
        "supplier": {"id": a.enterprise_id, "name": supplier.name if supplier else ""},
        "framework": a.framework.code,
        "framework_version": a.framework_version.version,
        "status": a.status,
        "level": a.confirmed_level_code or a.level_code or None,
        "submitted_at": a.submitted_at,
        "shared_at": share.created_at,
        "url": reverse("api-assessment", kwargs={"pk": a.pk}),
        "evidence_url": reverse("api-assessment-evidence", kwargs={"pk": a.pk}),
    }


class AssessmentSharesView(APIView):
    @extend_schema(
        operation_id="assessment_shares_list",
        description="The enterprise's customers and whether this assessment's answers and "
        "evidence are shared with each. Members of the enterprise only.",
        responses={200: AssessmentShareOut(many=True), 403: None, 404: None},
    )
    def get(self, request: Request, pk: int) -> Response:
        assessment = assessment_get_for(request.user, pk, "shares")
        return Response([share_row_out(row) for row in assessment_share_rows(assessment)])

    @extend_schema(
        operation_id="assessment_share",
        description="Share this settled assessment's answers and evidence with one customer "
        "whose request the enterprise accepted. Administrators only.",
        request=ShareInput,
        responses={
            201: AssessmentShareOut,
            400: OpenApiResponse(description="`link` is not a customer of this enterprise"),
            403: None,
            404: None,
            409: OpenApiResponse(description="A draft, or a request not accepted"),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        assessment = assessment_get_for(request.user, pk, "share")
        data = ShareInput(data=request.data)
        data.is_valid(raise_exception=True)
        try:
            link = share_link_get_for(assessment, data.validated_data["link"])
        except NotFound as exc:  # a field of the body, not the resource addressed
            raise ValidationFailed(
                _("The assessment cannot be shared."), errors={"link": [str(exc.message)]}
            ) from None
        share = services.assessment_share(
            assessment=assessment, link=link, user=cast(User, request.user)
        )
        body = {
            "link": link.pk,
            "anchor": {"id": link.anchor_id, "name": link.anchor.name},
            "link_status": link.status,
            "shared": True,
            "shared_at": share.created_at,
        }
        return Response(body, status=status.HTTP_201_CREATED)


class AssessmentShareDetailView(APIView):
    @extend_schema(
        operation_id="assessment_unshare",
        description="Stop sharing this assessment with the customer. Administrators only; "
        "succeeds also when it was not shared.",
        responses={204: None, 403: None, 404: None},
    )
    def delete(self, request: Request, pk: int, link: int) -> Response:
        assessment = assessment_get_for(request.user, pk, "share")
        found = share_link_get_for(assessment, link)
        services.assessment_unshare(assessment=assessment, link=found)
        return Response(status=status.HTTP_204_NO_CONTENT)


class AnchorSharedAssessmentsView(APIView):
    @extend_schema(
        operation_id="anchor_shared_assessments",
        description="Assessments that the anchor's suppliers shared with it (answers and "
        "evidence readable at `url` and `evidence_url`), newest first. Members of the "
        "anchor only; a share disappears when the supplier revokes its consent.",
        responses={200: SharedAssessmentOut(many=True), 404: None},
    )
    def get(self, request: Request, pk: int) -> Response:
        anchor = enterprise_get_for(request.user, pk, "view_members")
        paginator = Pagination()
        page = paginator.paginate_queryset(shared_assessments_for(anchor), request, view=self)
        return paginator.get_paginated_response([shared_assessment_out(s) for s in page or []])
