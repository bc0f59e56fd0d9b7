"""API paths of improvement plans; included under ``api/v1/`` (config/urls.py ``api_v1``)."""

from django.urls import path

from . import api_plans as api

urlpatterns = [
    path(
        "assessments/<int:pk>/plan/", api.AssessmentPlanView.as_view(), name="api-assessment-plan"
    ),
    path(
        "assessments/<int:pk>/plan/items/",
        api.AssessmentPlanItemsView.as_view(),
        name="api-assessment-plan-items",
    ),
    path("plan-items/<int:pk>/", api.PlanItemView.as_view(), name="api-plan-item"),
]
