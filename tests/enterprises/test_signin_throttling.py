"""Sign-in throttling (django-axes): after AXES_FAILURE_LIMIT failures for one username from
one address, the sign-in page and the API token endpoint refuse that pair with 429 and a
clear message until the cool-off ends; a success clears the count."""

from __future__ import annotations

import pytest
from axes.models import AccessAttempt
from django.conf import settings
from django.test import Client
from rest_framework.test import APIClient

from enterprises.models import AuditAction, AuditEvent
from tests.conftest import PASSWORD, Personas

pytestmark = pytest.mark.django_db

LOCKED_ZH = "登录失败次数过多"


def sign_in(username: str, password: str, ip: str = "10.0.0.1"):
    return Client().post("/login/", {"username": username, "password": password}, REMOTE_ADDR=ip)


def token(username: str, password: str, ip: str = "10.0.0.1"):
    return APIClient().post(
        "/api/v1/auth/token/", {"username": username, "password": password}, REMOTE_ADDR=ip
    )


def fail_until_just_before_the_limit(call, username: str = "ent-admin") -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT - 1):
        response = call(username, "wrong-password")
        assert response.status_code in (200, 400), response.status_code


def test_the_limit_and_cool_off_come_from_the_settings() -> None:
    assert settings.AXES_FAILURE_LIMIT == 5
    assert settings.AXES_COOLOFF_TIME.total_seconds() == 15 * 60
    assert settings.AXES_LOCKOUT_PARAMETERS == [["username", "ip_address"]]
    assert settings.AXES_RESET_ON_SUCCESS is True


def test_the_sign_in_page_locks_a_username_and_address_after_the_limit(
    personas: Personas,
) -> None:
    fail_until_just_before_the_limit(sign_in)
    locked = sign_in("ent-admin", "still-wrong")
    assert locked.status_code == 429
    assert LOCKED_ZH in locked.content.decode()
    assert "15 分钟" in locked.content.decode()
    assert locked["Retry-After"] == "900"
    # Even the right password is refused while locked, and no session is opened.
    right = sign_in("ent-admin", PASSWORD)
    assert right.status_code == 429
    assert "_auth_user_id" not in right.wsgi_request.session


def test_the_lockout_is_per_username_and_address(personas: Personas) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in("ent-admin", "wrong-password")
    assert sign_in("ent-admin", PASSWORD).status_code == 429
    assert sign_in("ent-admin", PASSWORD, ip="10.0.0.2").status_code == 302
    assert sign_in("ent-editor", PASSWORD).status_code == 302


def test_a_success_clears_the_failures(personas: Personas) -> None:
    fail_until_just_before_the_limit(sign_in)
    assert sign_in("ent-admin", PASSWORD).status_code == 302
    fail_until_just_before_the_limit(sign_in)
    assert sign_in("ent-admin", PASSWORD).status_code == 302


def test_the_lock_lifts_when_the_cool_off_has_passed(personas: Personas) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in("ent-admin", "wrong-password")
    assert sign_in("ent-admin", PASSWORD).status_code == 429
    AccessAttempt.objects.update(
        attempt_time=AccessAttempt.objects.get().attempt_time - settings.AXES_COOLOFF_TIME
    )
    assert sign_in("ent-admin", PASSWORD).status_code == 302


def test_the_token_endpoint_locks_too_with_a_json_error(personas: Personas) -> None:
    fail_until_just_before_the_limit(token)
    locked = token("ent-admin", "wrong-password")
    assert locked.status_code == 429
    body = locked.json()
    assert LOCKED_ZH in body["detail"]
    assert body["errors"]["non_field_errors"] == [body["detail"]]
    assert locked["Retry-After"] == "900"
    right = token("ent-admin", PASSWORD)
    assert right.status_code == 429
    assert "token" not in right.json()


def test_a_token_obtained_clears_the_failures(personas: Personas) -> None:
    fail_until_just_before_the_limit(token)
    assert token("ent-admin", PASSWORD).status_code == 200
    fail_until_just_before_the_limit(token)
    assert token("ent-admin", PASSWORD).status_code == 200


def test_failures_on_the_page_and_the_api_count_together(personas: Personas) -> None:
    assert sign_in("ent-admin", "wrong-password").status_code == 200
    for _ in range(settings.AXES_FAILURE_LIMIT - 2):
        assert token("ent-admin", "wrong-password").status_code == 400
    assert token("ent-admin", "wrong-password").status_code == 429
    assert sign_in("ent-admin", PASSWORD).status_code == 429


def test_english_visitors_read_the_message_in_english(personas: Personas) -> None:
    client = APIClient()
    for _ in range(settings.AXES_FAILURE_LIMIT):
        response = client.post(
            "/api/v1/auth/token/",
            {"username": "ent-admin", "password": "wrong"},
            HTTP_ACCEPT_LANGUAGE="en",
        )
    assert response.status_code == 429
    assert "Too many failed sign-ins" in response.json()["detail"]


def test_the_attempt_that_trips_the_lock_is_audited_as_locked_out(personas: Personas) -> None:
    for _ in range(settings.AXES_FAILURE_LIMIT):
        sign_in("ent-admin", "wrong-password")
    failures = list(
        AuditEvent.objects.filter(action=AuditAction.SIGN_IN_FAILED).order_by("created_at", "id")
    )
    assert len(failures) == settings.AXES_FAILURE_LIMIT
    assert [e.details["locked_out"] for e in failures] == [False] * (
        settings.AXES_FAILURE_LIMIT - 1
    ) + [True]
    assert {e.actor_ip for e in failures} == {"10.0.0.1"}
