"""Page paths of improvement plans; included at the site root (config/urls.py)."""

from django.urls import path

from . import views_plans as views

urlpatterns = [
    path("assessments/<int:pk>/plan/", views.assessment_plan, name="assessment-plan"),
]
