from django.urls import path

from . import api, api_audit

urlpatterns = [
    path("auth/register/", api.RegisterView.as_view(), name="api-register"),
    path("auth/token/", api.TokenView.as_view(), name="api-token"),
    path("me/", api.MeView.as_view(), name="api-me"),
    path("enterprises/<int:pk>/", api.EnterpriseDetailView.as_view(), name="api-enterprise"),
    path("enterprises/<int:pk>/members/", api.MemberListView.as_view(), name="api-members"),
    path(
        "enterprises/<int:pk>/members/<int:member_pk>/",
        api.MemberDetailView.as_view(),
        name="api-member",
    ),
    path("regions/", api.RegionListView.as_view(), name="api-regions"),
    path("industries/", api.IndustryListView.as_view(), name="api-industries"),
    path("clusters/", api.ClusterListView.as_view(), name="api-clusters"),
    path("audit-events/", api_audit.AuditEventListView.as_view(), name="api-audit-events"),
]
