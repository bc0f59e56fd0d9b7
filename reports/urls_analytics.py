"""The bureau's analytics pages (config/urls.py includes them)."""

from django.urls import path

from . import views_analytics as views

urlpatterns = [
    path("analytics/", views.analytics_dashboard, name="analytics"),
    path("analytics/enterprises/", views.analytics_enterprises, name="analytics-enterprises"),
]
