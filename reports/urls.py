"""Pages for results, plans, certificates and analytics."""

from django.urls import URLPattern, path

from . import views

urlpatterns: list[URLPattern] = [
    path(
        "assessments/<int:pk>/result/",
        views.assessment_result,
        name="assessment-result",
    ),
]
