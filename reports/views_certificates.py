"""Public verification page and certificate PDF download."""

from __future__ import annotations

from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.views.decorators.http import require_safe

from reports import signing

from .api_certificates import public_verification
from .models import Certificate


@require_safe
def verify(request: HttpRequest, serial: str) -> HttpResponse:
    certificate = Certificate.objects.select_related("framework").filter(serial=serial).first()
    if certificate is None:
        return render(request, "reports/verify.html", {"serial": serial}, status=404)
    context = {
        "v": public_verification(certificate),
        "public_key_pem": signing.public_key_pem(),
    }
    return render(request, "reports/verify.html", context)
