"""Certificates over HTTP: the assessment's certificate, public verification, revocation."""

from __future__ import annotations

from typing import Any

from django.urls import reverse
from django.utils.translation import gettext as _
from drf_spectacular.utils import OpenApiResponse, extend_schema
from rest_framework import serializers
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from assessments.access import assessment_get_for
from enterprises.errors import NotFound

from .access import certificate_get_for
from .models import Certificate, GeneratedFile
from .selectors import generated_file_state
from .services import certificates as services
from .services.files import generated_file_request


class RevokeInput(serializers.Serializer):
    reason = serializers.CharField(max_length=2000)


def pdf_state(certificate: Certificate) -> dict[str, Any]:
    return generated_file_state(GeneratedFile.Kind.CERTIFICATE_PDF, certificate.pk)[1]


def public_verification(certificate: Certificate) -> dict[str, Any]:
    """Exactly what anyone may know: no USCC, no scores."""
    verdict = services.certificate_verify(certificate)
    return {
        "serial": certificate.serial,
        "enterprise_name": certificate.enterprise_name,
        "level": {"code": certificate.level_code, "name": certificate.level_name},
        "framework": {
            "code": certificate.framework.code,
            "title": certificate.framework_title,
            "version": certificate.framework_version,
        },
        "issued_at": certificate.issued_at,
        "expires_at": certificate.expires_at,
        "status": verdict.status,
        "signature_valid": verdict.signature_valid,
        "revoked_reason": certificate.revoked_reason if verdict.status == "revoked" else "",
        "key_fingerprint": certificate.key_fingerprint,
    }


class AssessmentCertificateView(APIView):
    @extend_schema(responses={200: OpenApiResponse(description="The certificate"), 404: None})
    def get(self, request: Request, pk: int) -> Response:
        assessment = assessment_get_for(request.user, pk, "view")
        certificate = (
            Certificate.objects.select_related("framework").filter(assessment=assessment).first()
        )
        if certificate is None:
            raise NotFound(_("No certificate has been issued for this assessment."))
        verdict = services.certificate_verify(certificate)
        return Response(
            {
                "serial": certificate.serial,
                "status": verdict.status,
                "level": certificate.level_code,
                "level_name": certificate.level_name,
                "issued_at": certificate.issued_at,
                "expires_at": certificate.expires_at,
                "pdf_url": reverse("certificate-pdf", args=[certificate.serial]),
                "pdf": pdf_state(certificate),
                "verify_url": reverse("verify", args=[certificate.serial]),
            }
        )


class VerifyView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(responses={200: OpenApiResponse(description="Public verification"), 404: None})
    def get(self, request: Request, serial: str) -> Response:
        certificate = Certificate.objects.select_related("framework").filter(serial=serial).first()
        if certificate is None:
            raise NotFound(_("No certificate has this serial number."))
        return Response(public_verification(certificate))


class RevokeView(APIView):
    @extend_schema(
        request=RevokeInput,
        responses={
            200: OpenApiResponse(description="Revoked"),
            400: None,
            403: OpenApiResponse(description="The caller may read it but not revoke it"),
            404: None,
            409: OpenApiResponse(description="Already revoked"),
        },
    )
    def post(self, request: Request, serial: str) -> Response:
        certificate = certificate_get_for(request.user, serial, "revoke")
        data = RevokeInput(data=request.data)
        data.is_valid(raise_exception=True)
        certificate = services.certificate_revoke(
            certificate=certificate, user=request.user, reason=data.validated_data["reason"]
        )
        return Response(public_verification(certificate))


class CertificatePdfRequestView(APIView):
    """Ask for the certificate PDF again (after a failure); returns its state."""

    @extend_schema(request=None, responses={200: OpenApiResponse(description="{state, progress}")})
    def post(self, request: Request, serial: str) -> Response:
        certificate = certificate_get_for(request.user, serial, "view")
        row = generated_file_request(
            kind=GeneratedFile.Kind.CERTIFICATE_PDF, object_id=certificate.pk, user=request.user
        )
        return Response({"state": row.state, "progress": row.progress, "error": row.error})


class ReportPdfView(APIView):
    """The assessment report PDF: its state (GET), or ask for it (POST)."""

    def _assessment(self, request: Request, pk: int) -> Any:
        from assessments.models import Assessment

        assessment = assessment_get_for(request.user, pk, "view")
        if assessment.status == Assessment.Status.DRAFT:
            raise NotFound(_("A report is made once the assessment is submitted."))
        return assessment

    def _state(self, assessment_id: int) -> dict[str, Any]:
        _row, state = generated_file_state(GeneratedFile.Kind.REPORT_PDF, assessment_id)
        return {**state, "pdf_url": reverse("report-pdf", args=[assessment_id])}

    @extend_schema(responses={200: OpenApiResponse(description="{state, progress, pdf_url}")})
    def get(self, request: Request, pk: int) -> Response:
        return Response(self._state(self._assessment(request, pk).pk))

    @extend_schema(request=None, responses={200: OpenApiResponse(description="Requested")})
    def post(self, request: Request, pk: int) -> Response:
        assessment = self._assessment(request, pk)
        generated_file_request(
            kind=GeneratedFile.Kind.REPORT_PDF, object_id=assessment.pk, user=request.user
        )
        return Response(self._state(assessment.pk))
