"""Pages for assessments (questionnaire, submission, review)."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
