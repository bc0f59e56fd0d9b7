"""Pages of export jobs (config/urls.py includes them)."""

from django.urls import path

from . import views_exports as views

urlpatterns = [
    path("exports/", views.export_list, name="exports"),
    path("exports/new/<str:kind>/", views.export_request, name="export-request"),
    path("exports/<int:pk>/row/", views.export_row, name="export-row"),
    path("exports/<int:pk>/download/", views.export_download, name="export-download"),
    path("exports/<int:pk>/retry/", views.export_retry, name="export-retry"),
]
