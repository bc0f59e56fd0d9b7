"""HTTP API for supplier links and consent: thin views over enterprises.services_supply.

The anchor's supplier list (GET and the invite POST of /enterprises/{anchor}/suppliers/)
shows assessment results, so its view lives in reports.api_supply.
"""

from __future__ import annotations

from typing import Any, cast

from django.http import HttpResponse
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.parsers import MultiPartParser
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import services_supply as services
from .access import (
    anchor_link_get_for,
    enterprise_get_for,
    import_rejection_get_for,
    supplier_link_get_for,
    supplier_links_visible_to,
)
from .errors import ValidationFailed
from .models import SupplierLink, User

# ---- presenting ------------------------------------------------------------------------


def supplier_brief(link: SupplierLink) -> dict[str, Any]:
    """The supplier as a link shows it: the registered enterprise's name once it exists."""
    supplier = link.supplier
    return {
        "id": link.supplier_id,
        "name": supplier.name if supplier is not None else link.supplier_name,
        "uscc": link.supplier_uscc,
    }


def link_out(link: SupplierLink) -> dict[str, Any]:
    return {
        "id": link.pk,
        "anchor": {"id": link.anchor_id, "name": link.anchor.name},
        "supplier": supplier_brief(link),
        "status": link.status,
        "tier": link.tier,
        "parent": link.parent_id,
        "consented_at": link.consented_at,
        "created_at": link.created_at,
    }


def anchor_link_out(link: SupplierLink) -> dict[str, Any]:
    """The link as its anchor sees it: with the tags it gave the supplier."""
    return {**link_out(link), "tags": list(link.tags or [])}


# ---- schema ------------------------------------------------------------------------------


class EnterpriseRefOut(serializers.Serializer):
    id = serializers.IntegerField()
    name = serializers.CharField()


class LinkSupplierOut(serializers.Serializer):
    id = serializers.IntegerField(allow_null=True, help_text="null until the supplier registers")
    name = serializers.CharField()
    uscc = serializers.CharField()


class SupplierLinkOut(serializers.Serializer):
    id = serializers.IntegerField()
    anchor = EnterpriseRefOut()
    supplier = LinkSupplierOut()
    status = serializers.CharField(help_text="invited | accepted | declined | revoked")
    tier = serializers.IntegerField()
    parent = serializers.IntegerField(allow_null=True)  # type: ignore[assignment]
    consented_at = serializers.DateTimeField(allow_null=True)
    created_at = serializers.DateTimeField()


class AnchorSupplierLinkOut(SupplierLinkOut):
    tags = serializers.ListField(child=serializers.CharField())


class SupplierLinkPatchInput(serializers.Serializer):
    tags = serializers.ListField(
        child=serializers.CharField(max_length=50), required=False, max_length=20
    )
    tier = serializers.IntegerField(
        required=False, min_value=1, max_value=99, help_text="The parent's tier + 1 if it has one"
    )
    parent = serializers.IntegerField(  # type: ignore[assignment]
        required=False,
        allow_null=True,
        help_text="Another link of the same anchor (its supplier is this one's customer)",
    )


class SupplierInviteInput(serializers.Serializer):
    uscc = serializers.CharField(max_length=32)
    name = serializers.CharField(max_length=200, required=False, allow_blank=True, default="")
    contact_email = serializers.EmailField(required=False, allow_blank=True, default="")
    tier = serializers.IntegerField(required=False, allow_null=True, min_value=1, max_value=99)
    parent = serializers.IntegerField(  # type: ignore[assignment]
        required=False,
        allow_null=True,
        help_text="A link of the same anchor whose supplier is this supplier's customer",
    )


class SupplierInviteOut(serializers.Serializer):
    id = serializers.IntegerField()
    status = serializers.CharField()
    supplier = LinkSupplierOut()
    tier = serializers.IntegerField()
    parent = serializers.IntegerField(allow_null=True)  # type: ignore[assignment]


def invite_out(link: SupplierLink) -> dict[str, Any]:
    return {
        "id": link.pk,
        "status": link.status,
        "supplier": supplier_brief(link),
        "tier": link.tier,
        "parent": link.parent_id,
    }


# ---- views -------------------------------------------------------------------------------


class SupplierLinkListView(APIView):
    @extend_schema(operation_id="supplier_links_list", responses={200: SupplierLinkOut(many=True)})
    def get(self, request: Request) -> Response:
        links = supplier_links_visible_to(request.user)
        return Response([link_out(link) for link in links])


class SupplierLinkView(APIView):
    @extend_schema(
        operation_id="supplier_link_update",
        request=SupplierLinkPatchInput,
        responses={200: AnchorSupplierLinkOut, 400: None, 403: None, 404: None},
        description="The anchor's administrators set the tags, tier and parent of a link.",
    )
    def patch(self, request: Request, pk: int) -> Response:
        link = anchor_link_get_for(request.user, pk, "manage")
        data = request.data if isinstance(request.data, dict) else {}
        changes: dict[str, Any] = {}
        if "tags" in data:
            changes["tags"] = data["tags"]
        if "tier" in data:
            changes["tier"] = data["tier"]
        if "parent" in data:
            changes["parent_id"] = data["parent"]
        if not changes:
            raise ValidationFailed(
                _("The supplier link cannot be changed."),
                errors={"non_field_errors": [_("Give tags, a tier or a parent.")]},
            )
        link = services.supplier_link_update(link=link, **changes)
        return Response(anchor_link_out(link))


class _SupplierLinkDecisionView(APIView):
    decide: Any = None

    def post(self, request: Request, pk: int) -> Response:
        link = supplier_link_get_for(request.user, pk)
        link = type(self).decide(link=link, actor=request.user)
        return Response(link_out(link))


class SupplierLinkAcceptView(_SupplierLinkDecisionView):
    decide = staticmethod(services.supplier_link_accept)

    @extend_schema(
        operation_id="supplier_link_accept",
        request=None,
        responses={200: SupplierLinkOut, 403: None, 404: None, 409: None},
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class SupplierLinkDeclineView(_SupplierLinkDecisionView):
    decide = staticmethod(services.supplier_link_decline)

    @extend_schema(
        operation_id="supplier_link_decline",
        request=None,
        responses={200: SupplierLinkOut, 403: None, 404: None, 409: None},
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class SupplierLinkRevokeView(_SupplierLinkDecisionView):
    decide = staticmethod(services.supplier_link_revoke)

    @extend_schema(
        operation_id="supplier_link_revoke",
        request=None,
        responses={200: SupplierLinkOut, 403: None, 404: None, 409: None},
    )
    def post(self, request: Request, pk: int) -> Response:
        return super().post(request, pk)


class SupplierImportInput(serializers.Serializer):
    file = serializers.FileField(help_text="xlsx, or CSV in UTF-8 or GBK")


class SupplierImportRowProblemOut(serializers.Serializer):
    row = serializers.IntegerField(help_text="The row number as a spreadsheet shows it")
    column = serializers.CharField()
    value = serializers.CharField(help_text="The cell's value as read")
    problem = serializers.CharField()


class SupplierImportErrorOut(serializers.Serializer):
    detail = serializers.CharField()
    errors = serializers.DictField(  # type: ignore[assignment]
        child=serializers.ListField(child=serializers.CharField())
    )
    rows = SupplierImportRowProblemOut(many=True)
    errors_sheet_url = serializers.CharField(
        help_text="The same problems as an xlsx sheet; for the uploader only, for a day"
    )


def import_rejected(
    request: Request, anchor: Any, exc: ValidationFailed, filename: str = ""
) -> str:
    """Record a rejected import for its uploader; the address of its errors sheet."""
    rejection = services.supplier_import_rejection_record(
        anchor=anchor, user=cast(User, request.user), error=exc, filename=filename
    )
    return reverse(
        "api-anchor-suppliers-import-errors", kwargs={"pk": anchor.pk, "token": rejection.pk}
    )


class SupplierImportOut(serializers.Serializer):
    created = serializers.IntegerField()
    links = SupplierInviteOut(many=True)


class SupplierImportView(APIView):
    parser_classes = [MultiPartParser]

    @extend_schema(
        operation_id="anchor_suppliers_import",
        request={"multipart/form-data": SupplierImportInput},
        responses={
            201: SupplierImportOut,
            400: OpenApiResponse(SupplierImportErrorOut, description="Nothing was imported"),
            403: None,
            404: None,
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        anchor = enterprise_get_for(request.user, pk, "manage")
        upload = request.FILES.get("file")
        if upload is None:
            raise ValidationFailed(
                _("The file cannot be imported: nothing was saved."),
                errors={"file": [_("Choose an xlsx or CSV file.")]},
                extra={"rows": []},
            )
        try:
            links = services.supplier_import(
                anchor=anchor, content=upload.read(), filename=upload.name or ""
            )
        except ValidationFailed as exc:
            exc.extra["errors_sheet_url"] = import_rejected(request, anchor, exc, upload.name or "")
            raise
        body = {"created": len(links), "links": [invite_out(link) for link in links]}
        return Response(body, status=status.HTTP_201_CREATED)


class SupplierImportTemplateView(APIView):
    @extend_schema(
        operation_id="anchor_suppliers_import_template",
        responses={(200, services.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY, 403: None, 404: None},
    )
    def get(self, request: Request, pk: int) -> HttpResponse:
        enterprise_get_for(request.user, pk, "manage")
        response = HttpResponse(
            services.supplier_import_template(), content_type=services.XLSX_CONTENT_TYPE
        )
        response["Content-Disposition"] = 'attachment; filename="suppliers-template.xlsx"'
        return response


class SupplierImportErrorsView(APIView):
    @extend_schema(
        operation_id="anchor_suppliers_import_errors",
        description="A rejected import's problems (row, column, value, problem) as an xlsx "
        "sheet with Chinese headers. Only for the person who uploaded the file, for "
        "GRADIENT_IMPORT_ERRORS_TTL_HOURS (a day by default); 404 otherwise.",
        responses={(200, services.XLSX_CONTENT_TYPE): OpenApiTypes.BINARY, 403: None, 404: None},
    )
    def get(self, request: Request, pk: int, token: str) -> HttpResponse:
        rejection = import_rejection_get_for(request.user, pk, token)
        response = HttpResponse(
            services.supplier_import_errors_sheet(rejection),
            content_type=services.XLSX_CONTENT_TYPE,
        )
        response["Content-Disposition"] = 'attachment; filename="supplier-import-problems.xlsx"'
        response["Cache-Control"] = "private, no-store"
        return response
