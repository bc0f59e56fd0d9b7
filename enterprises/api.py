"""HTTP API for accounts, enterprises and members: thin views over services and access."""

from __future__ import annotations

from typing import Any, cast

from django.contrib.auth import authenticate
from django.contrib.auth.signals import user_logged_in
from django.utils.translation import gettext as _
from drf_spectacular.utils import extend_schema
from rest_framework import status
from rest_framework.authtoken.models import Token
from rest_framework.permissions import AllowAny
from rest_framework.request import Request
from rest_framework.response import Response
from rest_framework.views import APIView

from . import serializers as s
from . import services
from .access import enterprise_get_for, membership_get_for
from .errors import ValidationFailed
from .models import Cluster, Industry, Membership, Region, User


class RegisterView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(request=s.RegisterInput, responses={201: s.RegisterOutput})
    def post(self, request: Request) -> Response:
        data = s.RegisterInput(data=request.data)
        if not data.is_valid():
            raise ValidationFailed(
                _("The registration has errors."), errors=_all_registration_errors(request, data)
            )
        v: dict[str, Any] = data.validated_data
        ent = v["enterprise"]
        user, enterprise, token = services.enterprise_register(
            username=v["username"],
            password=v["password"],
            email=v["email"],
            name=ent["name"],
            uscc=ent["uscc"],
            region_code=ent["region_code"],
            industry_code=ent["industry_code"],
            employees=ent["employees"],
            revenue_10k_yuan=ent["revenue_10k_yuan"],
            cluster_codes=ent["clusters"],
        )
        enterprise = enterprise_get_for(user, enterprise.pk, "view")
        body = {
            "user": {"username": user.username},
            "enterprise": s.EnterpriseOutput(enterprise).data,
            "token": token,
        }
        return Response(body, status=status.HTTP_201_CREATED)


def _all_registration_errors(request: Request, data: s.RegisterInput) -> dict[str, list[str]]:
    """The serializer's errors plus the service's checks on whatever did parse, so one
    response names every bad field."""
    from config.api import flatten_errors

    errors = flatten_errors(data.errors)
    raw = request.data if isinstance(request.data, dict) else {}
    ent = raw.get("enterprise") if isinstance(raw.get("enterprise"), dict) else {}
    ent_ok = data.fields["enterprise"]

    def parsed(serializer_field: Any, value: Any) -> Any:
        try:
            return serializer_field.run_validation(value)
        except Exception:
            return None

    more = services.registration_errors(
        username=str(raw.get("username") or ""),
        password=str(raw.get("password") or ""),
        email=str(raw.get("email") or ""),
        uscc=str(ent.get("uscc") or ""),
        region_code=str(ent.get("region_code") or ""),
        industry_code=str(ent.get("industry_code") or ""),
        employees=parsed(ent_ok.fields["employees"], ent.get("employees")),
        revenue_10k_yuan=parsed(ent_ok.fields["revenue_10k_yuan"], ent.get("revenue_10k_yuan")),
    )
    for key, messages in more.items():
        errors.setdefault(key, messages)
    return errors


class TokenView(APIView):
    permission_classes = [AllowAny]
    authentication_classes: list[type] = []

    @extend_schema(request=s.TokenInput, responses={200: s.TokenOutput})
    def post(self, request: Request) -> Response:
        data = s.TokenInput(data=request.data)
        data.is_valid(raise_exception=True)
        user = authenticate(
            request._request,
            username=data.validated_data["username"],
            password=data.validated_data["password"],
            actor=cast(User, request.user),
        )
        if user is None or not user.is_active:
            raise ValidationFailed(
                _("Unable to sign in with these credentials."),
                errors={"non_field_errors": [_("Wrong username or password.")]},
            )
        token, _created = Token.objects.get_or_create(user=user)
        # Obtaining a token is a sign-in: Django's signal clears the failed-attempt count
        # (django-axes), records it in the audit log and stamps last_login.
        user_logged_in.send(sender=user.__class__, request=request._request, user=user)
        return Response({"token": token.key})


class MeView(APIView):
    @extend_schema(responses={200: s.MeOutput})
    def get(self, request: Request) -> Response:
        user = request.user
        memberships = Membership.objects.filter(user=user).select_related("enterprise")
        scope = getattr(user, "bureau_scope", None)
        bureau_scope = None
        if scope is not None:
            bureau_scope = {
                "regions": [r.code for r in scope.regions.all()],
                "clusters": [c.code for c in scope.clusters.all()],
            }
        assessor = getattr(user, "assessor", None)
        body = {
            "username": user.username,
            "memberships": s.MembershipBrief(memberships, many=True).data,
            "bureau_scope": bureau_scope,
            "assessor_organisation": assessor.organisation.name if assessor else None,
            "is_staff": user.is_staff,
        }
        return Response(body)


class EnterpriseDetailView(APIView):
    @extend_schema(responses={200: s.EnterpriseOutput})
    def get(self, request: Request, pk: int) -> Response:
        enterprise = enterprise_get_for(request.user, pk, "view")
        return Response(s.EnterpriseOutput(enterprise).data)

    @extend_schema(request=s.EnterpriseInput, responses={200: s.EnterpriseOutput})
    def put(self, request: Request, pk: int) -> Response:
        enterprise = enterprise_get_for(request.user, pk, "manage")
        data = s.EnterpriseInput(data=request.data)
        data.is_valid(raise_exception=True)
        v = data.validated_data
        services.enterprise_update(
            enterprise=enterprise,
            name=v["name"],
            region_code=v["region_code"],
            industry_code=v["industry_code"],
            employees=v["employees"],
            revenue_10k_yuan=v["revenue_10k_yuan"],
            cluster_codes=v["clusters"],
        )
        enterprise = enterprise_get_for(request.user, pk, "view")
        return Response(s.EnterpriseOutput(enterprise).data)


class MemberListView(APIView):
    @extend_schema(responses={200: s.MemberOutput(many=True)})
    def get(self, request: Request, pk: int) -> Response:
        enterprise = enterprise_get_for(request.user, pk, "view_members")
        members = Membership.objects.filter(enterprise=enterprise).select_related("user")
        return Response(s.MemberOutput(members, many=True).data)

    @extend_schema(request=s.MemberInput, responses={201: s.MemberOutput})
    def post(self, request: Request, pk: int) -> Response:
        enterprise = enterprise_get_for(request.user, pk, "manage")
        data = s.MemberInput(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.membership_add(
            enterprise=enterprise,
            username=data.validated_data["username"],
            role=data.validated_data["role"],
            email=data.validated_data["email"],
            password=data.validated_data["password"],
            actor=cast(User, request.user),
        )
        return Response(s.MemberOutput(membership).data, status=status.HTTP_201_CREATED)


class MemberDetailView(APIView):
    @extend_schema(request=s.MemberRoleInput, responses={200: s.MemberOutput})
    def patch(self, request: Request, pk: int, member_pk: int) -> Response:
        membership = membership_get_for(request.user, pk, member_pk)
        data = s.MemberRoleInput(data=request.data)
        data.is_valid(raise_exception=True)
        membership = services.membership_change_role(
            membership=membership, role=data.validated_data["role"], actor=cast(User, request.user)
        )
        return Response(s.MemberOutput(membership).data)

    @extend_schema(responses={204: None})
    def delete(self, request: Request, pk: int, member_pk: int) -> Response:
        membership = membership_get_for(request.user, pk, member_pk)
        services.membership_remove(membership=membership, actor=cast(User, request.user))
        return Response(status=status.HTTP_204_NO_CONTENT)


class RegionListView(APIView):
    """GB/T 2260 regions known to the platform (public: the registration form needs them)."""

    permission_classes = [AllowAny]

    @extend_schema(responses={200: s.RegionOutput(many=True)})
    def get(self, request: Request) -> Response:
        regions = Region.objects.all()
        if parent := request.query_params.get("parent"):
            regions = regions.filter(parent_id=parent)
        return Response(s.RegionOutput(regions, many=True).data)


class IndustryListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: s.IndustryOutput(many=True)})
    def get(self, request: Request) -> Response:
        return Response(s.IndustryOutput(Industry.objects.all(), many=True).data)


class ClusterListView(APIView):
    permission_classes = [AllowAny]

    @extend_schema(responses={200: s.ClusterOutput(many=True)})
    def get(self, request: Request) -> Response:
        clusters = Cluster.objects.filter(active=True)
        return Response(s.ClusterOutput(clusters, many=True).data)
