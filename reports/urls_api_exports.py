"""API paths of export jobs; included under ``api/v1/`` (config/urls.py)."""

from django.urls import path

from . import api_exports as api

urlpatterns = [
    path("exports/", api.ExportListView.as_view(), name="api-exports"),
    path("exports/kinds/", api.ExportKindListView.as_view(), name="api-export-kinds"),
    path("exports/<int:pk>/", api.ExportDetailView.as_view(), name="api-export-detail"),
    path(
        "exports/<int:pk>/download/",
        api.ExportDownloadView.as_view(),
        name="api-export-download",
    ),
    path("exports/<int:pk>/retry/", api.ExportRetryView.as_view(), name="api-export-retry"),
]
