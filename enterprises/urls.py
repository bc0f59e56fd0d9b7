from django.contrib.auth import views as auth_views
from django.urls import path

from . import views

urlpatterns = [
    path("", views.home, name="home"),
    path("register/", views.register, name="register"),
    path(
        "login/",
        auth_views.LoginView.as_view(
            template_name="enterprises/login.html", http_method_names=["get", "post"]
        ),
        name="login",
    ),
    path("logout/", auth_views.LogoutView.as_view(), name="logout"),
    path("dashboard/", views.dashboard, name="dashboard"),
    path("enterprises/<int:pk>/", views.enterprise_detail, name="enterprise-detail"),
    path("enterprises/<int:pk>/members/", views.members, name="enterprise-members"),
    path("enterprises/<int:pk>/members/add/", views.member_add, name="member-add"),
    path(
        "enterprises/<int:pk>/members/<int:member_pk>/role/",
        views.member_role,
        name="member-role",
    ),
    path(
        "enterprises/<int:pk>/members/<int:member_pk>/remove/",
        views.member_remove,
        name="member-remove",
    ),
    path("healthz", views.healthz, name="healthz"),
]
