"""Generated files on the web: a download when ready, otherwise progress or the failure
with a retry. One view for every kind."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST, require_safe

from assessments.access import assessment_get_for
from assessments.models import Assessment

from .access import certificate_get_for
from .models import GeneratedFile
from .selectors import generated_file_state
from .services.files import generated_file_request


def _serve_or_wait(
    request: HttpRequest, *, kind: str, object_id: int, filename: str, title: str, retry_url: str
) -> HttpResponse:
    row, state = generated_file_state(kind, object_id)
    if row is None or row.state != GeneratedFile.State.DONE or not row.file:
        context = {"pdf": state, "title": title, "retry_url": retry_url}
        return render(request, "reports/file_pending.html", context, status=202)
    try:
        handle = row.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle, as_attachment=True, filename=filename, content_type="application/pdf"
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


@login_required
@require_safe
def certificate_pdf(request: HttpRequest, serial: str) -> HttpResponse:
    certificate = certificate_get_for(request.user, serial, "view")
    return _serve_or_wait(
        request,
        kind=GeneratedFile.Kind.CERTIFICATE_PDF,
        object_id=certificate.pk,
        filename=f"{certificate.serial}.pdf",
        title=_("Certificate PDF"),
        retry_url=reverse("certificate-pdf-retry", args=[serial]),
    )


@login_required
@require_POST
def certificate_pdf_retry(request: HttpRequest, serial: str) -> HttpResponse:
    certificate = certificate_get_for(request.user, serial, "view")
    generated_file_request(
        kind=GeneratedFile.Kind.CERTIFICATE_PDF,
        object_id=certificate.pk,
        user=request.user,
        force=True,
    )
    return redirect("certificate-pdf", serial=serial)


def _reportable(request: HttpRequest, pk: int) -> Assessment:
    assessment = assessment_get_for(request.user, pk, "view")
    if assessment.status == Assessment.Status.DRAFT:
        raise Http404
    return assessment


@login_required
@require_safe
def report_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _reportable(request, pk)
    if not GeneratedFile.objects.filter(
        kind=GeneratedFile.Kind.REPORT_PDF, object_id=assessment.pk
    ).exists():
        generated_file_request(
            kind=GeneratedFile.Kind.REPORT_PDF, object_id=assessment.pk, user=request.user
        )
    return _serve_or_wait(
        request,
        kind=GeneratedFile.Kind.REPORT_PDF,
        object_id=assessment.pk,
        filename=f"gradient-report-{assessment.pk}.pdf",
        title=_("Assessment report PDF"),
        retry_url=reverse("report-pdf-retry", args=[assessment.pk]),
    )


@login_required
@require_POST
def report_pdf_retry(request: HttpRequest, pk: int) -> HttpResponse:
    assessment = _reportable(request, pk)
    generated_file_request(
        kind=GeneratedFile.Kind.REPORT_PDF, object_id=assessment.pk, user=request.user, force=True
    )
    return redirect("report-pdf", pk=assessment.pk)
