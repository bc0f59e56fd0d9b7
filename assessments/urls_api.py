from django.urls import path

from . import api

urlpatterns = [
    path("frameworks/", api.FrameworkListView.as_view(), name="api-frameworks"),
    path("frameworks/<slug:code>/", api.FrameworkDetailView.as_view(), name="api-framework"),
    path(
        "frameworks/<slug:code>/versions/<str:version>/",
        api.FrameworkVersionDetailView.as_view(),
        name="api-framework-version",
    ),
    path(
        "frameworks/<slug:code>/score/",
        api.FrameworkScoreView.as_view(),
        name="api-framework-score",
    ),
]
