from django.urls import include, path

from . import api_certificates as api
from . import views_certificates as views

api_urls = [
    path(
        "assessments/<int:pk>/certificate/",
        api.AssessmentCertificateView.as_view(),
        name="api-assessment-certificate",
    ),
    path("verify/<str:serial>/", api.VerifyView.as_view(), name="api-verify"),
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
    path("certificates/<str:serial>/pdf/", views.certificate_pdf, name="certificate-pdf"),
    path(
        "certificates/<str:serial>/pdf/retry/",
        views.certificate_pdf_retry,
        name="certificate-pdf-retry",
    ),
]
