from django.urls import include, path

from . import api_certificates as api
from . import views_certificates as views
from . import views_files

api_urls = [
    path(
        "assessments/<int:pk>/certificate/",
        api.AssessmentCertificateView.as_view(),
        name="api-assessment-certificate",
    ),
    path("verify/<str:serial>/", api.VerifyView.as_view(), name="api-verify"),
    path("assessments/<int:pk>/report/", api.ReportPdfView.as_view(), name="api-assessment-report"),
    path(
        "certificates/<str:serial>/revoke/", api.RevokeView.as_view(), name="api-certificate-revoke"
    ),
    path(
        "certificates/<str:serial>/pdf/",
        api.CertificatePdfRequestView.as_view(),
        name="api-certificate-pdf",
    ),
]

urlpatterns = [
    path("api/v1/", include(api_urls)),
    path("verify/<str:serial>/", views.verify, name="verify"),
    path("certificates/<str:serial>/pdf/", views_files.certificate_pdf, name="certificate-pdf"),
    path(
        "certificates/<str:serial>/pdf/retry/",
        views_files.certificate_pdf_retry,
        name="certificate-pdf-retry",
    ),
    path("assessments/<int:pk>/report.pdf", views_files.report_pdf, name="report-pdf"),
    path(
        "assessments/<int:pk>/report.pdf/retry/",
        views_files.report_pdf_retry,
        name="report-pdf-retry",
    ),
]
