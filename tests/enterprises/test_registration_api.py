"""POST /api/v1/auth/register/ and /api/v1/auth/token/ exactly as API.md says."""

from __future__ import annotations

from typing import Any

import pytest
from rest_framework.test import APIClient

from enterprises.models import Enterprise, Membership, Role, User
from tests.factories import EnterpriseFactory, valid_uscc

pytestmark = pytest.mark.django_db


def payload(**enterprise: Any) -> dict[str, Any]:
    body: dict[str, Any] = {
        "name": "昆山精密制造有限公司",
        "uscc": valid_uscc("320583"),
        "region_code": "320583",
        "industry_code": "C34",
        "employees": 350,
        "revenue_10k_yuan": "25000",
    }
    body.update(enterprise)
    return {
        "username": "kunshan-admin",
        "password": "a-Strong-pass-2026",
        "email": "admin@kunshan.example.com",
        "enterprise": body,
    }


def test_registration_creates_the_enterprise_with_the_caller_as_admin(api: APIClient) -> None:
    response = api.post("/api/v1/auth/register/", payload(), format="json")
    assert response.status_code == 201, response.content
    body = response.json()
    assert body["user"] == {"username": "kunshan-admin"}
    assert body["token"]
    ent = body["enterprise"]
    assert ent["name"] == "昆山精密制造有限公司"
    assert ent["region_code"] == "320583"
    assert ent["industry_code"] == "C34"
    assert ent["size_class"] == "medium"
    assert ent["is_anchor"] is False
    assert ent["clusters"] == []
    membership = Membership.objects.get(user__username="kunshan-admin")
    assert membership.role == Role.ADMIN
    assert membership.enterprise_id == ent["id"]
    # The returned token authenticates.
    api.credentials(HTTP_AUTHORIZATION=f"Token {body['token']}")
    assert api.get("/api/v1/me/").json()["memberships"][0]["role"] == "admin"


def test_a_tampered_check_character_is_named_as_enterprise_uscc(api: APIClient) -> None:
    good = valid_uscc("320583")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = api.post("/api/v1/auth/register/", payload(uscc=bad), format="json")
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["enterprise.uscc"]
    assert not User.objects.filter(username="kunshan-admin").exists()


def test_a_duplicate_uscc_is_named_and_nothing_is_half_saved(api: APIClient) -> None:
    existing = EnterpriseFactory()
    response = api.post("/api/v1/auth/register/", payload(uscc=existing.uscc), format="json")
    assert response.status_code == 400
    assert "enterprise.uscc" in response.json()["errors"]
    assert not User.objects.filter(username="kunshan-admin").exists()
    assert Enterprise.objects.count() == 1


def test_an_unknown_region_is_named_as_enterprise_region_code(api: APIClient) -> None:
    response = api.post("/api/v1/auth/register/", payload(region_code="329999"), format="json")
    assert response.status_code == 400
    assert "enterprise.region_code" in response.json()["errors"]


def test_every_bad_field_is_named_at_once(api: APIClient) -> None:
    EnterpriseFactory(uscc=valid_uscc("320583"))
    body = payload(
        uscc="NOT-A-CODE-AT-ALL!", region_code="999999", industry_code="A01", employees=-5
    )
    body["password"] = "123"
    body["email"] = "not-an-email"
    response = api.post("/api/v1/auth/register/", body, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {
        "password",
        "email",
        "enterprise.uscc",
        "enterprise.region_code",
        "enterprise.industry_code",
        "enterprise.employees",
    } <= set(errors)
    assert response.json()["detail"]


def test_missing_fields_are_named_with_their_path(api: APIClient) -> None:
    response = api.post(
        "/api/v1/auth/register/", {"username": "x", "enterprise": {"name": "y"}}, format="json"
    )
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert {"password", "email", "enterprise.uscc", "enterprise.region_code"} <= set(errors)


def test_malformed_json_is_a_400_not_a_500(api: APIClient) -> None:
    response = api.post(
        "/api/v1/auth/register/", data='{"username": ', content_type="application/json"
    )
    assert response.status_code == 400
    assert "detail" in response.json()


def test_a_taken_username_is_named(api: APIClient) -> None:
    User.objects.create_user("kunshan-admin", password="x")
    response = api.post("/api/v1/auth/register/", payload(), format="json")
    assert response.status_code == 400
    assert "username" in response.json()["errors"]


def test_token_is_issued_for_good_credentials_only(api: APIClient) -> None:
    User.objects.create_user("someone", password="pw-Gradient-2026")
    ok = api.post("/api/v1/auth/token/", {"username": "someone", "password": "pw-Gradient-2026"})
    assert ok.status_code == 200
    assert len(ok.json()["token"]) == 40
    bad = api.post("/api/v1/auth/token/", {"username": "someone", "password": "wrong"})
    assert bad.status_code == 400
    assert bad.json()["detail"]
