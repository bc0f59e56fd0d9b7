"""Sign-in: the client's address, the lockout response, and the audit of sign-ins.

django-axes counts failed sign-ins per username and address (settings AXES_*) on
every authenticate() call that passes the request: the sign-in page, the admin and
the API token endpoint. This module gives it the client's address, answers a
locked-out attempt in Chinese (or English) with 429, and records each sign-in in the
audit log from Django's own sign-in signals.
"""

from __future__ import annotations

import ipaddress
import math
from typing import Any

from django.conf import settings
from django.contrib.auth.signals import user_logged_in, user_login_failed
from django.db import transaction
from django.dispatch import receiver
from django.http import HttpRequest, HttpResponse, JsonResponse
from django.shortcuts import render
from django.utils.translation import gettext as _

from .models import AuditAction


def client_ip(request: HttpRequest) -> str | None:
    """The client's IP address: the proxy's header named by GRADIENT_CLIENT_IP_HEADER when
    configured and present, else the peer address. None when neither is an address."""
    candidates = []
    header = getattr(settings, "GRADIENT_CLIENT_IP_HEADER", None)
    if header:
        # The left-most entry of a list is the client as the first proxy saw it.
        candidates.append(str(request.META.get(header, "")).split(",")[0].strip())
    candidates.append(str(request.META.get("REMOTE_ADDR", "")).strip())
    for candidate in candidates:
        try:
            return str(ipaddress.ip_address(candidate))
        except ValueError:
            continue
    return None


def lockout_minutes() -> int:
    cool_off = settings.AXES_COOLOFF_TIME
    return max(1, math.ceil(cool_off.total_seconds() / 60)) if cool_off else 0


def lockout_message() -> str:
    return _(
        "Too many failed sign-ins for this account from your address. Sign-in is "
        "locked for %(minutes)d minutes; try again later or ask an administrator to unlock it."
    ) % {"minutes": lockout_minutes()}


def lockout_response(
    request: HttpRequest, original_response: HttpResponse | None, credentials: Any = None
) -> HttpResponse:
    """What a locked-out sign-in gets (AXES_LOCKOUT_CALLABLE): 429 with Retry-After, JSON in
    the API's error shape for the API, the sign-in page with the message otherwise."""
    message = lockout_message()
    if request.path.startswith("/api/"):
        response: HttpResponse = JsonResponse(
            {"detail": message, "errors": {"non_field_errors": [message]}}, status=429
        )
    else:
        response = render(
            request,
            "enterprises/locked_out.html",
            {"message": message, "minutes": lockout_minutes()},
            status=429,
        )
    response["Retry-After"] = str(int(settings.AXES_COOLOFF_TIME.total_seconds()))
    return response


def _via(request: HttpRequest | None) -> str:
    path = getattr(request, "path", "") or ""
    if path.startswith("/api/"):
        return "api"
    if path.startswith("/admin/"):
        return "admin"
    return "web"


@receiver(user_logged_in, dispatch_uid="audit_sign_in_succeeded")
def _audit_sign_in(sender: Any, request: HttpRequest | None, user: Any, **kwargs: Any) -> None:
    from .audit import audit_record

    with transaction.atomic():
        audit_record(
            action=AuditAction.SIGN_IN_SUCCEEDED,
            actor=user,
            target=user,
            details={"via": _via(request)},
            request=request,
        )


@receiver(user_login_failed, dispatch_uid="audit_sign_in_failed")
def _audit_sign_in_failed(
    sender: Any, credentials: dict[str, Any], request: HttpRequest | None = None, **kwargs: Any
) -> None:
    from .audit import audit_record

    # axes' receiver ran first (INSTALLED_APPS order) and flagged a lockout on the request.
    locked_out = bool(getattr(request, "axes_locked_out", False))
    with transaction.atomic():
        audit_record(
            action=AuditAction.SIGN_IN_FAILED,
            actor=None,
            actor_username=str(credentials.get("username") or ""),
            details={"via": _via(request), "locked_out": locked_out},
            request=request,
        )
