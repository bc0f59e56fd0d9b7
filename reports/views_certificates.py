"""Public verification page and certificate PDF download."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.http import FileResponse, Http404, HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.views.decorators.http import require_POST

from reports import signing

from .access import certificate_get_for
from .api_certificates import pdf_state, public_verification
from .models import Certificate, GeneratedFile
from .services.files import generated_file_request


def verify(request: HttpRequest, serial: str) -> HttpResponse:
    certificate = Certificate.objects.select_related("framework").filter(serial=serial).first()
    if certificate is None:
        return render(request, "reports/verify.html", {"serial": serial}, status=404)
    context = {
        "v": public_verification(certificate),
        "public_key_pem": signing.public_key_pem(),
    }
    return render(request, "reports/verify.html", context)


@login_required
def certificate_pdf(request: HttpRequest, serial: str) -> HttpResponse:
    certificate = certificate_get_for(request.user, serial, "view")
    row = GeneratedFile.objects.filter(
        kind=GeneratedFile.Kind.CERTIFICATE_PDF, object_id=certificate.pk
    ).first()
    if row is None or row.state != GeneratedFile.State.DONE or not row.file:
        return render(
            request,
            "reports/file_pending.html",
            {"certificate": certificate, "pdf": pdf_state(certificate)},
            status=202,
        )
    try:
        handle = row.file.open("rb")
    except FileNotFoundError as exc:
        raise Http404 from exc
    response = FileResponse(
        handle,
        as_attachment=True,
        filename=f"{certificate.serial}.pdf",
        content_type="application/pdf",
    )
    response["X-Content-Type-Options"] = "nosniff"
    return response


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
