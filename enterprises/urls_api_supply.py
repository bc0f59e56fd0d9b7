"""API paths of supplier links and consent; included under ``api/v1/`` (config/urls.py)."""

from django.urls import path

from . import api_supply as api

urlpatterns = [
    path(
        "enterprises/<int:pk>/suppliers/import/",
        api.SupplierImportView.as_view(),
        name="api-anchor-suppliers-import",
    ),
    path(
        "enterprises/<int:pk>/suppliers/import/template/",
        api.SupplierImportTemplateView.as_view(),
        name="api-anchor-suppliers-import-template",
    ),
    path(
        "enterprises/<int:pk>/suppliers/import/errors/<uuid:token>/",
        api.SupplierImportErrorsView.as_view(),
        name="api-anchor-suppliers-import-errors",
    ),
    path("supplier-links/", api.SupplierLinkListView.as_view(), name="api-supplier-links"),
    path("supplier-links/<int:pk>/", api.SupplierLinkView.as_view(), name="api-supplier-link"),
    path(
        "supplier-links/<int:pk>/accept/",
        api.SupplierLinkAcceptView.as_view(),
        name="api-supplier-link-accept",
    ),
    path(
        "supplier-links/<int:pk>/decline/",
        api.SupplierLinkDeclineView.as_view(),
        name="api-supplier-link-decline",
    ),
    path(
        "supplier-links/<int:pk>/revoke/",
        api.SupplierLinkRevokeView.as_view(),
        name="api-supplier-link-revoke",
    ),
]
