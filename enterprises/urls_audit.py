from django.urls import path

from . import views_audit

urlpatterns = [
    path("audit/", views_audit.audit_events, name="audit-events"),
]
