"""CSRF everywhere a session authenticates, and sessions that end: 8 hours after sign-in at
most, and when the browser closes."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.conf import settings
from django.contrib.sessions.models import Session
from django.test import Client
from django.urls import URLPattern, URLResolver, get_resolver
from django.utils import timezone
from rest_framework.authentication import SessionAuthentication
from rest_framework.views import APIView

from enterprises.models import Membership
from tests.conftest import PASSWORD, Personas

pytestmark = pytest.mark.django_db


def views() -> list[tuple[str, object]]:
    found: list[tuple[str, object]] = []

    def walk(patterns: list, prefix: str) -> None:
        for entry in patterns:
            if isinstance(entry, URLResolver):
                walk(entry.url_patterns, prefix + str(entry.pattern))
            elif isinstance(entry, URLPattern):
                found.append((prefix + str(entry.pattern), entry.callback))

    walk(get_resolver().url_patterns, "")
    return found


# Views whose authority is a signed token in the URL, never the session: the reminder
# opt-out link, which mail clients POST to without a CSRF token (RFC 8058 one-click
# unsubscribe). It can only switch reminders off for the USCC the token names.
SIGNED_TOKEN_VIEWS = {"reminders/opt-out/<str:token>/"}


def test_no_view_skips_csrf_except_api_views_whose_session_auth_enforces_it() -> None:
    exempt = []
    for route, callback in views():
        if not getattr(callback, "csrf_exempt", False) or route in SIGNED_TOKEN_VIEWS:
            continue
        view_class = getattr(callback, "cls", None)
        if view_class is None or not issubclass(view_class, APIView):
            exempt.append(route)
            continue
        # DRF marks its views exempt and checks CSRF itself in SessionAuthentication;
        # a subclass that skips that check would reopen the hole.
        for auth in view_class().get_authenticators():
            if isinstance(auth, SessionAuthentication):
                assert type(auth).enforce_csrf is SessionAuthentication.enforce_csrf, route
    assert exempt == []


def test_a_session_api_write_without_the_csrf_token_is_refused(personas: Personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.admin)
    membership = Membership.objects.get(user=personas.viewer)
    url = f"/api/v1/enterprises/{personas.enterprise.pk}/members/{membership.pk}/"
    refused = client.patch(url, {"role": "editor"}, content_type="application/json")
    assert refused.status_code == 403
    assert "CSRF" in refused.json()["detail"]
    client.get("/dashboard/")  # sets the csrftoken cookie
    token = client.cookies["csrftoken"].value
    allowed = client.patch(
        url, {"role": "editor"}, content_type="application/json", HTTP_X_CSRFTOKEN=token
    )
    assert allowed.status_code == 200


def test_a_page_form_without_the_csrf_token_is_refused(personas: Personas) -> None:
    client = Client(enforce_csrf_checks=True)
    client.force_login(personas.admin)
    membership = Membership.objects.get(user=personas.viewer)
    response = client.post(
        f"/enterprises/{personas.enterprise.pk}/members/{membership.pk}/role/", {"role": "admin"}
    )
    assert response.status_code == 403
    membership.refresh_from_db()
    assert membership.role == "viewer"


def test_signing_in_needs_the_csrf_token_too(personas: Personas) -> None:
    client = Client(enforce_csrf_checks=True)
    response = client.post("/login/", {"username": "ent-admin", "password": PASSWORD})
    assert response.status_code == 403


def test_sessions_last_a_working_day_and_end_with_the_browser() -> None:
    assert settings.SESSION_COOKIE_AGE == 8 * 60 * 60
    assert settings.SESSION_EXPIRE_AT_BROWSER_CLOSE is True


def test_the_session_cookie_is_a_browser_session_cookie_kept_from_scripts(
    personas: Personas,
) -> None:
    response = Client().post("/login/", {"username": "ent-admin", "password": PASSWORD})
    assert response.status_code == 302
    cookie = response.cookies[settings.SESSION_COOKIE_NAME]
    assert cookie["max-age"] == "" and cookie["expires"] == ""  # gone when the browser closes
    assert cookie["httponly"] is True
    assert cookie["samesite"] == "Lax"
    session = Session.objects.get(session_key=cookie.value)
    remaining = session.expire_date - timezone.now()
    assert timedelta(hours=7, minutes=59) < remaining <= timedelta(hours=8)


def test_a_session_older_than_its_age_signs_the_person_out(personas: Personas) -> None:
    client = Client()
    assert (
        client.post("/login/", {"username": "ent-admin", "password": PASSWORD}).status_code == 302
    )
    assert client.get("/dashboard/").status_code == 200
    Session.objects.update(expire_date=timezone.now() - timedelta(seconds=1))
    response = client.get("/dashboard/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")
