"""API paths of the cluster analytics; included under ``api/v1/`` (config/urls.py)."""

from django.urls import path

from . import api_analytics as api

urlpatterns = [
    path("analytics/summary/", api.AnalyticsSummaryView.as_view(), name="api-analytics-summary"),
    path(
        "analytics/enterprises/",
        api.AnalyticsEnterpriseListView.as_view(),
        name="api-analytics-enterprises",
    ),
]
