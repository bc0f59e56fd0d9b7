"""API paths of an anchor's suppliers, requirements and dashboard, and of the requirements a
supplier receives; included under ``api/v1/`` (config/urls.py)."""

from django.urls import path

from . import api_requirements, api_supply_dashboard
from . import api_supply as api

urlpatterns = [
    path(
        "enterprises/<int:pk>/suppliers/",
        api.AnchorSupplierListView.as_view(),
        name="api-anchor-suppliers",
    ),
    path(
        "enterprises/<int:pk>/suppliers/dashboard/",
        api_supply_dashboard.AnchorSupplyDashboardView.as_view(),
        name="api-anchor-suppliers-dashboard",
    ),
    path(
        "enterprises/<int:pk>/requirements/",
        api_requirements.AnchorRequirementListView.as_view(),
        name="api-anchor-requirements",
    ),
    path(
        "enterprises/<int:pk>/requirements/received/",
        api_requirements.RequirementsReceivedView.as_view(),
        name="api-requirements-received",
    ),
    path(
        "requirements/<int:pk>/",
        api_requirements.RequirementView.as_view(),
        name="api-requirement",
    ),
]
