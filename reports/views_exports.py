"""Pages of export jobs: my exports with their progress (a row refreshes itself through
htmx while its job is queued or running), the request forms of the kinds I may
request, downloads and retries. Thin: parse, call a service, render."""

from __future__ import annotations

from collections.abc import Iterable
from typing import Any

from django import forms
from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse, HttpResponseBase
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy
from django.views.decorators.http import require_GET, require_POST

from enterprises.errors import Conflict, ValidationFailed

from .access import export_job_get_for
from .api_exports import export_file_response
from .exports import ExportKind, get_kind, kinds_for
from .models import ExportJob
from .services.exports import export_job_request, export_job_retry

PAGE_SIZE = 20


class ExportFormatForm(forms.Form):
    format = forms.ChoiceField(
        label=gettext_lazy("File format"),
        choices=ExportJob.Format.choices,
        initial=ExportJob.Format.XLSX,
    )


def _auto_id(kind: ExportKind) -> str:
    return "id_" + kind.code.replace(".", "-") + "_%s"


def _with_labels(jobs: Iterable[ExportJob]) -> list[ExportJob]:
    out = []
    for job in jobs:
        kind = get_kind(job.kind)
        job.kind_label = str(kind.label) if kind else job.kind  # type: ignore[attr-defined]
        out.append(job)
    return out


def _render_list(
    request: HttpRequest,
    *,
    bound: tuple[str, forms.Form, forms.Form] | None = None,
    status: int = 200,
) -> HttpResponse:
    user = request.user
    jobs = ExportJob.objects.requested_by_user(user)
    page = Paginator(jobs, PAGE_SIZE).get_page(request.GET.get("page"))
    page.object_list = _with_labels(page.object_list)
    kinds = []
    for kind in kinds_for(user):
        if bound is not None and bound[0] == kind.code:
            filter_form, format_form = bound[1], bound[2]
        else:
            filter_form = kind.filter_form(user, auto_id=_auto_id(kind))
            format_form = ExportFormatForm(auto_id=_auto_id(kind))
        kinds.append({"kind": kind, "form": filter_form, "format_form": format_form})
    in_flight = any(job.state in (ExportJob.State.QUEUED, ExportJob.State.RUNNING) for job in page)
    context: dict[str, Any] = {"page": page, "kinds": kinds, "in_flight": in_flight}
    return render(request, "reports/exports.html", context, status=status)


@login_required
@require_GET
def export_list(request: HttpRequest) -> HttpResponse:
    return _render_list(request)


@login_required
@require_POST
def export_request(request: HttpRequest, kind: str) -> HttpResponse:
    export_kind = get_kind(kind)
    if export_kind is None:
        raise Http404
    export_kind.authorise(request.user)
    filter_form = export_kind.filter_form(
        request.user, data=request.POST, auto_id=_auto_id(export_kind)
    )
    format_form = ExportFormatForm(request.POST, auto_id=_auto_id(export_kind))
    filters = {name: request.POST.get(name, "") for name in filter_form.fields}
    try:
        export_job_request(
            user=request.user,
            kind=export_kind.code,
            format=request.POST.get("format", ""),
            filters=filters,
        )
    except ValidationFailed:
        filter_form.is_valid()  # the same checks: the errors show beside the fields
        format_form.is_valid()
        messages.error(request, _("The export was not requested: see the marked fields."))
        return _render_list(request, bound=(export_kind.code, filter_form, format_form), status=400)
    except Conflict as exc:
        messages.error(request, str(exc.message))
        return redirect("exports")
    messages.success(
        request, _("Export requested. It appears below; the file is ready when the bar is full.")
    )
    return redirect("exports")


@login_required
@require_GET
def export_row(request: HttpRequest, pk: int) -> HttpResponse:
    """One row of the list, for htmx to swap in while the job runs."""
    job = _with_labels([export_job_get_for(request.user, pk)])[0]
    return render(request, "reports/_export_row.html", {"job": job})


@login_required
@require_GET
def export_download(request: HttpRequest, pk: int) -> HttpResponseBase:
    job = export_job_get_for(request.user, pk, "download")
    if job.state != ExportJob.State.DONE or not job.file:
        messages.info(request, _("That export is not ready."))
        return redirect("exports")
    return export_file_response(job)


@login_required
@require_POST
def export_retry(request: HttpRequest, pk: int) -> HttpResponse:
    job = export_job_get_for(request.user, pk, "download")
    try:
        export_job_retry(job=job)
    except Conflict as exc:
        messages.error(request, str(exc.message))
    else:
        messages.success(request, _("The export is queued again."))
    return redirect("exports")
