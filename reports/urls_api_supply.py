"""API path of an anchor's supplier list; included under ``api/v1/`` (config/urls.py)."""

from django.urls import path

from . import api_supply as api

urlpatterns = [
    path(
        "enterprises/<int:pk>/suppliers/",
        api.AnchorSupplierListView.as_view(),
        name="api-anchor-suppliers",
    ),
]
