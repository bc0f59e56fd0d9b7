"""Server-rendered pages for people and enterprises. Thin: parse, call, render."""

from __future__ import annotations

from typing import cast

from django.contrib import messages
from django.contrib.auth import login
from django.contrib.auth.decorators import login_required
from django.db import connection
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_http_methods, require_POST, require_safe

from . import services
from .access import enterprise_get_for, membership_for, membership_get_for
from .errors import DomainError, ValidationFailed
from .forms import EnterpriseProfileForm, MemberAddForm, MemberRoleForm, RegisterForm
from .models import Enterprise, Membership, Role, User


@require_safe
def home(request: HttpRequest) -> HttpResponse:
    return render(request, "home.html")


@require_http_methods(["GET", "POST"])
def register(request: HttpRequest) -> HttpResponse:
    form = RegisterForm(request.POST or None, initial={"uscc": request.GET.get("uscc", "")})
    if request.method == "POST" and form.is_valid():
        data = form.cleaned_data
        try:
            user, enterprise, _token = services.enterprise_register(
                username=data["username"],
                password=data["password"],
                email=data["email"],
                name=data["name"],
                uscc=data["uscc"],
                region_code=data["region_code"],
                industry_code=data["industry_code"],
                employees=data["employees"],
                revenue_10k_yuan=data["revenue_10k_yuan"],
                cluster_codes=data["clusters"],
            )
        except ValidationFailed as exc:
            form.add_domain_errors(exc)
        else:
            login(request, user, backend="django.contrib.auth.backends.ModelBackend")
            messages.success(request, _("Welcome! %(name)s is registered.") % {"name": enterprise})
            return redirect("enterprise-detail", pk=enterprise.pk)
    return render(request, "enterprises/register.html", {"form": form})


@login_required
@require_safe
def dashboard(request: HttpRequest) -> HttpResponse:
    memberships = (
        Membership.objects.filter(user=request.user)
        .select_related("enterprise", "enterprise__region", "enterprise__industry")
        .order_by("enterprise__name")
    )
    scope = getattr(request.user, "bureau_scope", None)
    assessor = getattr(request.user, "assessor", None)
    context = {
        "memberships": memberships,
        "scope": scope,
        "scope_regions": list(scope.regions.all()) if scope else [],
        "scope_clusters": list(scope.clusters.all()) if scope else [],
        "scope_enterprise_count": (
            Enterprise.objects.in_scope_of(request.user).count() if scope else 0
        ),
        "assessor": assessor,
    }
    return render(request, "enterprises/dashboard.html", context)


@login_required
@require_http_methods(["GET", "POST"])
def enterprise_detail(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = enterprise_get_for(request.user, pk, "view")
    membership = membership_for(request.user, enterprise.pk)
    can_manage = membership is not None and membership.allows(Role.ADMIN)
    form = None
    if can_manage:
        initial = {
            "name": enterprise.name,
            "region_code": enterprise.region_id,
            "industry_code": enterprise.industry_id,
            "employees": enterprise.employees,
            "revenue_10k_yuan": enterprise.revenue_10k_yuan,
            "clusters": [c.code for c in enterprise.clusters.all()],
        }
        form = EnterpriseProfileForm(request.POST or None, initial=initial)
        if request.method == "POST" and form.is_valid():
            data = form.cleaned_data
            try:
                services.enterprise_update(
                    enterprise=enterprise,
                    name=data["name"],
                    region_code=data["region_code"],
                    industry_code=data["industry_code"],
                    employees=data["employees"],
                    revenue_10k_yuan=data["revenue_10k_yuan"],
                    cluster_codes=data["clusters"],
                )
            except ValidationFailed as exc:
                form.add_domain_errors(exc)
            else:
                messages.success(request, _("The profile is saved."))
                return redirect("enterprise-detail", pk=enterprise.pk)
    elif request.method == "POST":
        enterprise_get_for(request.user, pk, "manage")  # raises the right 403/404
    return render(
        request,
        "enterprises/detail.html",
        {"enterprise": enterprise, "membership": membership, "form": form},
    )


@login_required
@require_safe
def members(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = enterprise_get_for(request.user, pk, "view_members")
    membership = membership_for(request.user, enterprise.pk)
    can_manage = membership is not None and membership.allows(Role.ADMIN)
    rows = Membership.objects.filter(enterprise=enterprise).select_related("user")
    return render(
        request,
        "enterprises/members.html",
        {
            "enterprise": enterprise,
            "rows": rows,
            "can_manage": can_manage,
            "add_form": MemberAddForm(),
            "roles": Role.choices,
        },
    )


@login_required
@require_POST
def member_add(request: HttpRequest, pk: int) -> HttpResponse:
    enterprise = enterprise_get_for(request.user, pk, "manage")
    form = MemberAddForm(request.POST)
    if form.is_valid():
        try:
            services.membership_add(
                enterprise=enterprise,
                username=form.cleaned_data["username"],
                role=form.cleaned_data["role"],
                email=form.cleaned_data["email"],
                password=form.cleaned_data["password"],
                actor=cast(User, request.user),
            )
            messages.success(request, _("The member is added."))
        except DomainError as exc:
            messages.error(request, _messages_of(exc))
    else:
        messages.error(request, _("Enter a username and a role."))
    return redirect("enterprise-members", pk=enterprise.pk)


@login_required
@require_POST
def member_role(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    membership = membership_get_for(request.user, pk, member_pk)
    form = MemberRoleForm(request.POST)
    if form.is_valid():
        try:
            services.membership_change_role(
                membership=membership,
                role=form.cleaned_data["role"],
                actor=cast(User, request.user),
            )
            messages.success(request, _("The role is changed."))
        except DomainError as exc:
            messages.error(request, _messages_of(exc))
    return redirect("enterprise-members", pk=pk)


@login_required
@require_POST
def member_remove(request: HttpRequest, pk: int, member_pk: int) -> HttpResponse:
    membership = membership_get_for(request.user, pk, member_pk)
    try:
        services.membership_remove(membership=membership, actor=cast(User, request.user))
        messages.success(request, _("The member is removed."))
    except DomainError as exc:
        messages.error(request, _messages_of(exc))
    return redirect("enterprise-members", pk=pk)


def _messages_of(exc: DomainError) -> str:
    details = [m for messages_ in exc.errors.values() for m in messages_]
    return " ".join([str(exc.message), *details])


@require_safe
def healthz(request: HttpRequest) -> JsonResponse:
    """Liveness and readiness: the database answers, and the broker when one is configured."""
    checks: dict[str, str] = {}
    healthy = True
    try:
        with connection.cursor() as cursor:
            cursor.execute("SELECT 1")
        checks["database"] = "ok"
    except Exception as exc:  # any failure means not ready
        checks["database"] = f"error: {exc.__class__.__name__}"
        healthy = False
    from django.conf import settings

    if settings.GRADIENT_BROKER_CONFIGURED:
        from config.celery import app

        try:
            with app.connection_for_write() as conn:
                conn.ensure_connection(max_retries=1, timeout=2)
            checks["broker"] = "ok"
        except Exception as exc:  # any failure means not ready
            checks["broker"] = f"error: {exc.__class__.__name__}"
            healthy = False
    else:
        checks["broker"] = "eager (no broker configured)"
    return JsonResponse(
        {"status": "ok" if healthy else "error", "checks": checks}, status=200 if healthy else 503
    )
