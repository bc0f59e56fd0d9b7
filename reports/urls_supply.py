"""The anchor firm's supplier page, dashboard, export and requirements, and the supplier's
requests page (config/urls.py includes them)."""

from django.urls import path

from . import views_requirements, views_supply_dashboard
from . import views_supply as views

urlpatterns = [
    path("supplier-requests/", views.supplier_requests, name="supplier-requests"),
    path("enterprises/<int:pk>/suppliers/", views.anchor_suppliers, name="anchor-suppliers"),
    path(
        "enterprises/<int:pk>/suppliers/chain/",
        views.anchor_supply_chain,
        name="anchor-supply-chain",
    ),
    path(
        "enterprises/<int:pk>/suppliers/invite/",
        views.anchor_supplier_invite,
        name="anchor-supplier-invite",
    ),
    path(
        "enterprises/<int:pk>/suppliers/import/",
        views.anchor_supplier_import,
        name="anchor-supplier-import",
    ),
    path(
        "enterprises/<int:pk>/suppliers/dashboard/",
        views_supply_dashboard.anchor_supply_dashboard,
        name="anchor-supply-dashboard",
    ),
    path(
        "enterprises/<int:pk>/suppliers/requirements/",
        views_requirements.anchor_requirements,
        name="anchor-requirements",
    ),
    path(
        "enterprises/<int:pk>/suppliers/requirements/new/",
        views_requirements.anchor_requirement_new,
        name="anchor-requirement-new",
    ),
    path(
        "enterprises/<int:pk>/suppliers/requirements/<int:requirement_pk>/edit/",
        views_requirements.anchor_requirement_edit,
        name="anchor-requirement-edit",
    ),
    path(
        "enterprises/<int:pk>/suppliers/requirements/<int:requirement_pk>/delete/",
        views_requirements.anchor_requirement_delete,
        name="anchor-requirement-delete",
    ),
]
