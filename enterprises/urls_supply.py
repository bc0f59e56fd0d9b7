"""Pages where a supplier decides on anchor firms' requests, and where an anchor labels a
link (config/urls.py includes them). The requests page itself is in reports.urls_supply."""

from django.urls import path

from . import views_supply as views

urlpatterns = [
    path(
        "enterprises/<int:pk>/suppliers/<int:link_pk>/edit/",
        views.anchor_link_edit,
        name="anchor-supplier-link-edit",
    ),
    path(
        "supplier-requests/<int:pk>/accept/",
        views.supplier_request_accept,
        name="supplier-request-accept",
    ),
    path(
        "supplier-requests/<int:pk>/decline/",
        views.supplier_request_decline,
        name="supplier-request-decline",
    ),
    path(
        "supplier-requests/<int:pk>/revoke/",
        views.supplier_request_revoke,
        name="supplier-request-revoke",
    ),
    path("reminders/opt-out/<str:token>/", views.reminder_opt_out, name="reminder-opt-out"),
    path(
        "enterprises/<int:pk>/reminder-settings/",
        views.supplier_reminder_settings,
        name="supplier-reminder-settings",
    ),
]
