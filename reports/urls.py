"""Pages for results, plans, certificates and analytics."""

from django.urls import URLPattern

urlpatterns: list[URLPattern] = []
