"""What each kind of generated file contains."""

from __future__ import annotations

from django.conf import settings
from django.urls import reverse

from reports.models import Certificate, GeneratedFile
from reports.pdf import qr_svg, render_pdf


def verify_url(serial: str) -> str:
    return settings.GRADIENT_SITE_URL.rstrip("/") + reverse("verify", args=[serial])


def render_certificate_pdf(row: GeneratedFile) -> bytes:
    certificate = Certificate.objects.select_related("framework").get(pk=row.object_id)
    url = verify_url(certificate.serial)
    return render_pdf(
        "reports/pdf/certificate.html",
        {"certificate": certificate, "verify_url": url, "qr": qr_svg(url)},
    )


RENDERERS = {GeneratedFile.Kind.CERTIFICATE_PDF: render_certificate_pdf}
