"""The audit log: one call, `audit_record`, made by the services that do sensitive things.

Services do not see the HTTP request, yet the log wants the actor's address: a small
middleware keeps the current request in a context variable for the length of the
request. In a Celery task or a management command there is none, and the address
stays empty.
"""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar
from typing import Any

from django.db import models, transaction
from django.http import HttpRequest, HttpResponse

from .models import AuditAction, AuditEvent, Enterprise, User

_current_request: ContextVar[HttpRequest | None] = ContextVar("audit_request", default=None)


class _RequestUser:
    """The default actor: whoever is signed in on the current request."""


REQUEST_USER = _RequestUser()


class AuditRequestMiddleware:
    """Make the current request known to audit_record for the length of the request."""

    def __init__(self, get_response: Callable[[HttpRequest], HttpResponse]) -> None:
        self.get_response = get_response

    def __call__(self, request: HttpRequest) -> HttpResponse:
        with request_context(request):
            return self.get_response(request)


@contextmanager
def request_context(request: HttpRequest | None) -> Iterator[None]:
    token = _current_request.set(request)
    try:
        yield
    finally:
        _current_request.reset(token)


def current_request() -> HttpRequest | None:
    return _current_request.get()


def _request_user(request: HttpRequest | None) -> User | None:
    # DRF copies the user it authenticated (token or session) onto the Django request.
    user = getattr(request, "user", None) if request is not None else None
    return user if getattr(user, "is_authenticated", False) else None


def audit_record(
    *,
    action: AuditAction | str,
    actor: User | _RequestUser | None = REQUEST_USER,
    actor_username: str | None = None,
    target: models.Model | None = None,
    target_type: str = "",
    target_id: str | int = "",
    enterprise: Enterprise | int | None = None,
    details: dict[str, Any] | None = None,
    request: HttpRequest | None = None,
) -> AuditEvent:
    """Record one audit event and return it.

    Call inside the transaction of the action it records, so that the event and the
    action commit or roll back together; calling it outside a transaction is a bug and
    raises RuntimeError. `actor` defaults to the signed-in user of the current request
    (none in a task or a command); `actor_username` overrides the name kept (the name
    typed at a failed sign-in). `target` fills target_type (its model name) and
    target_id (its primary key) unless they are given. `details` must be JSON-ready.
    """
    if not transaction.get_connection().in_atomic_block:
        raise RuntimeError("audit_record must run inside the transaction of its action.")
    action = AuditAction(action)
    request = request if request is not None else current_request()
    if isinstance(actor, _RequestUser):
        actor = _request_user(request)
    if target is not None:
        target_type = target_type or target._meta.model_name or ""
        target_id = target_id or target.pk
    if actor_username is None:
        actor_username = actor.get_username() if actor is not None else ""
    from .signin import client_ip  # signin imports this module's record for sign-ins

    return AuditEvent.objects.create(
        action=action,
        actor=actor,
        actor_username=actor_username[:150],
        actor_ip=client_ip(request) if request is not None else None,
        target_type=target_type,
        target_id=str(target_id),
        enterprise_id=enterprise.pk if isinstance(enterprise, Enterprise) else enterprise,
        details=details or {},
    )
