"""The anchor firm's supplier page and its forms (config/urls.py includes them)."""

from django.urls import path

from . import views_supply as views

urlpatterns = [
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
]
