from django.contrib import admin
from django.urls import include, path

from config.views import ApiDocsView, SchemaView

api_v1 = [
    path("", include("enterprises.urls_api")),
    path("", include("assessments.urls_api")),
    path("", include("assessments.urls_api_assessments")),
    path("", include("reports.urls_api_plans")),
    path("", include("enterprises.urls_api_supply")),
    path("", include("reports.urls_api_supply")),
    path("", include("reports.urls_api_analytics")),
    path("", include("reports.urls_api_exports")),
]

urlpatterns = [
    path("admin/", admin.site.urls),
    path("i18n/", include("django.conf.urls.i18n")),
    path("api/v1/", include(api_v1)),
    path("api/schema/", SchemaView.as_view(), name="api-schema"),
    path("api/docs/", ApiDocsView.as_view(url_name="api-schema"), name="api-docs"),
    path("", include("enterprises.urls")),
    path("", include("assessments.urls")),
    path("", include("assessments.urls_review")),
    path("", include("reports.urls")),
    path("", include("reports.urls_certificates")),
    path("", include("reports.urls_plans")),
    path("", include("enterprises.urls_supply")),
    path("", include("reports.urls_supply")),
    path("", include("reports.urls_analytics")),
    path("", include("enterprises.urls_audit")),
    path("", include("reports.urls_exports")),
]

handler404 = "config.views.page_not_found"
handler403 = "config.views.permission_denied"
handler500 = "config.views.server_error"
