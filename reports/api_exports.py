"""Export jobs over the API: request (202), state and progress, download, my list, retry,
and the kinds the caller may request. Only the requester and platform staff see a job."""

from __future__ import annotations

from typing import Any

from django.http import FileResponse, Http404
from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.types import OpenApiTypes
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers, status
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from config.api import Pagination
from enterprises.errors import Conflict

from .access import export_job_get_for
from .exports import get_kind, kinds_for
from .exports.writers import CsvWriter, XlsxWriter
from .models import ExportJob
from .services.exports import download_name, export_job_request, export_job_retry

CONTENT_TYPES = {"csv": CsvWriter.content_type, "xlsx": XlsxWriter.content_type}

# ---- schema ----------------------------------------------------------------------------


class ExportRequestIn(serializers.Serializer):
    kind = serializers.CharField(help_text="A kind code from GET /api/v1/exports/kinds/")
    format = serializers.CharField(help_text="csv | xlsx")
    filters = serializers.DictField(
        required=False,
        default=dict,
        help_text="The kind's filters, e.g. {framework, region, cluster, industry, "
        "date_from, date_to} for the bureau kinds; dates as YYYY-MM-DD",
    )


class ExportJobOut(serializers.Serializer):
    id = serializers.IntegerField()
    kind = serializers.CharField()
    kind_label = serializers.CharField()
    format = serializers.CharField()
    filters = serializers.DictField()
    scope = serializers.CharField(help_text="The scope and filters in words, as requested")
    state = serializers.CharField(help_text="queued | running | done | failed | expired")
    progress = serializers.IntegerField(help_text="0-100")
    rows_total = serializers.IntegerField(allow_null=True)
    rows_done = serializers.IntegerField()
    file_size = serializers.IntegerField(allow_null=True)
    error = serializers.CharField()
    created_at = serializers.DateTimeField()
    started_at = serializers.DateTimeField(allow_null=True)
    finished_at = serializers.DateTimeField(allow_null=True)
    url = serializers.CharField(help_text="This job's state (poll it)")
    download_url = serializers.CharField(allow_null=True, help_text="Set once the file is ready")


class ExportFilterOut(serializers.Serializer):
    name = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    required = serializers.BooleanField()  # type: ignore[assignment]
    type = serializers.CharField(help_text="choice | date")
    choices = serializers.ListField(
        child=serializers.DictField(), required=False, help_text="[{value, label}]"
    )


class ExportKindOut(serializers.Serializer):
    code = serializers.CharField()
    label = serializers.CharField()  # type: ignore[assignment]
    description = serializers.CharField()  # type: ignore[assignment]
    formats = serializers.ListField(child=serializers.CharField())
    filters = ExportFilterOut(many=True)


def job_out(job: ExportJob) -> dict[str, Any]:
    kind = get_kind(job.kind)
    ready = job.state == ExportJob.State.DONE and bool(job.file)
    return {
        "id": job.pk,
        "kind": job.kind,
        "kind_label": str(kind.label) if kind else job.kind,
        "format": job.format,
        "filters": job.params,
        "scope": job.scope_description,
        "state": job.state,
        "progress": job.progress,
        "rows_total": job.rows_total,
        "rows_done": job.rows_done,
        "file_size": job.file_size,
        "error": job.error,
        "created_at": job.created_at,
        "started_at": job.started_at,
        "finished_at": job.finished_at,
        "url": reverse("api-export-detail", args=[job.pk]),
        "download_url": reverse("api-export-download", args=[job.pk]) if ready else None,
    }


def export_file_response(job: ExportJob) -> FileResponse:
    """The finished file as an attachment, never rendered by the browser."""
    try:
        handle = job.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=download_name(job),
        content_type=CONTENT_TYPES[job.format],
    )
    response["X-Content-Type-Options"] = "nosniff"
    response["Cache-Control"] = "private, no-store"
    return response


def _not_ready(job: ExportJob) -> Conflict:
    return Conflict(
        _("The export is not ready."), extra={"state": job.state, "progress": job.progress}
    )


# ---- views -----------------------------------------------------------------------------


class ExportListView(APIView):
    pagination_class = Pagination

    @extend_schema(
        operation_id="exports_list",
        responses={200: ExportJobOut(many=True)},
        description="The caller's own export jobs, newest first.",
    )
    def get(self, request: Request) -> Response:
        queryset = ExportJob.objects.requested_by_user(request.user)
        paginator = Pagination()
        page = paginator.paginate_queryset(queryset, request, view=self)
        return paginator.get_paginated_response([job_out(job) for job in page or []])

    @extend_schema(
        operation_id="exports_create",
        request=ExportRequestIn,
        responses={
            202: ExportJobOut,
            400: OpenApiResponse(description="names kind, format or filters.<name>"),
            403: OpenApiResponse(description="the caller may not request this kind"),
            409: OpenApiResponse(description="too many exports in progress"),
        },
    )
    def post(self, request: Request) -> Response:
        data = ExportRequestIn(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        job = export_job_request(
            user=request.user, kind=v["kind"], format=v["format"], filters=v.get("filters")
        )
        job.refresh_from_db()  # the embedded default has already run it
        response = Response(job_out(job), status=status.HTTP_202_ACCEPTED)
        response["Location"] = reverse("api-export-detail", args=[job.pk])
        return response


class ExportDetailView(APIView):
    @extend_schema(
        operation_id="exports_retrieve",
        responses={200: ExportJobOut, 404: OpenApiResponse(description="not the caller's")},
    )
    def get(self, request: Request, pk: int) -> Response:
        return Response(job_out(export_job_get_for(request.user, pk)))


class ExportDownloadView(APIView):
    @extend_schema(
        operation_id="exports_download",
        responses={
            (200, "text/csv"): OpenApiTypes.BINARY,
            (200, XlsxWriter.content_type): OpenApiTypes.BINARY,
            404: OpenApiResponse(description="not the caller's"),
            409: OpenApiResponse(description="not ready: {detail, state, progress}"),
        },
    )
    def get(self, request: Request, pk: int) -> FileResponse:
        job = export_job_get_for(request.user, pk, "download")
        if job.state != ExportJob.State.DONE or not job.file:
            raise _not_ready(job)
        return export_file_response(job)


class ExportRetryView(APIView):
    @extend_schema(
        operation_id="exports_retry",
        request=None,
        responses={
            202: ExportJobOut,
            404: OpenApiResponse(description="not the caller's"),
            409: OpenApiResponse(description="neither failed nor expired"),
        },
    )
    def post(self, request: Request, pk: int) -> Response:
        job = export_job_retry(job=export_job_get_for(request.user, pk, "download"))
        job.refresh_from_db()
        return Response(job_out(job), status=status.HTTP_202_ACCEPTED)


def kind_out(kind: Any, user: Any) -> dict[str, Any]:
    from django import forms

    form = kind.filter_form(user)
    filters = []
    for name, field in form.fields.items():
        item: dict[str, Any] = {
            "name": name,
            "label": str(field.label or name),
            "required": field.required,
            "type": "date" if isinstance(field, forms.DateField) else "choice",
        }
        if isinstance(field, forms.ChoiceField):
            choices: Any = field.choices
            item["choices"] = [
                {"value": value, "label": str(label)} for value, label in choices if value
            ]
        filters.append(item)
    return {
        "code": kind.code,
        "label": str(kind.label),
        "description": str(kind.description),
        "formats": list(kind.formats),
        "filters": filters,
    }


class ExportKindListView(APIView):
    @extend_schema(
        operation_id="exports_kinds",
        responses={200: ExportKindOut(many=True)},
        description="The kinds of export the caller may request, with their filters.",
    )
    def get(self, request: Request) -> Response:
        return Response([kind_out(kind, request.user) for kind in kinds_for(request.user)])
