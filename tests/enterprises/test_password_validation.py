"""Django's password validators guard every service that sets a password, and their errors
name the `password` field in the visitor's language."""

from __future__ import annotations

from typing import Any

import pytest
from django.conf import settings
from django.core.management import CommandError, call_command
from django.test import Client

from enterprises.models import User
from tests.conftest import Personas, api_as
from tests.factories import valid_uscc

pytestmark = pytest.mark.django_db

WEAK = {
    "9-characters-long": ("Short-pw1", "太短"),
    "common": ("password123", "太常见"),
    "numeric": ("8264931057", "只包含数字"),
    "like the username": ("wujiang-admin-x", "相似"),
}


def test_the_four_validators_are_on_with_ten_characters_at_least() -> None:
    names = [v["NAME"].rsplit(".", 1)[1] for v in settings.AUTH_PASSWORD_VALIDATORS]
    # Our minimum length is Django's with a message our catalogue translates.
    assert (
        settings.AUTH_PASSWORD_VALIDATORS[1]["NAME"]
        == "enterprises.passwords.MinimumLengthValidator"
    )
    assert names == [
        "UserAttributeSimilarityValidator",
        "MinimumLengthValidator",
        "CommonPasswordValidator",
        "NumericPasswordValidator",
    ]
    assert settings.AUTH_PASSWORD_VALIDATORS[1]["OPTIONS"] == {"min_length": 10}


def register_form(password: str) -> dict[str, Any]:
    return {
        "username": "wujiang-admin",
        "email": "admin@wujiang.example.com",
        "password": password,
        "password_confirm": password,
        "name": "吴江精工有限公司",
        "uscc": valid_uscc("320509"),
        "region_code": "320509",
        "industry_code": "C34",
        "employees": "80",
        "revenue_10k_yuan": "4000",
    }


@pytest.mark.parametrize(("password", "says"), WEAK.values(), ids=WEAK.keys())
def test_the_registration_page_puts_the_reason_beside_the_password(
    db, password: str, says: str
) -> None:
    response = Client().post("/register/", register_form(password))
    assert response.status_code == 200
    errors = response.context["form"].errors
    assert list(errors) == ["password"]
    assert says in " ".join(errors["password"])
    assert not User.objects.filter(username="wujiang-admin").exists()


@pytest.mark.parametrize(("password", "says"), WEAK.values(), ids=WEAK.keys())
def test_the_registration_api_names_the_password_field(api, password: str, says: str) -> None:
    body = register_form(password)
    payload = {
        "username": body["username"],
        "email": body["email"],
        "password": password,
        "enterprise": {
            "name": body["name"],
            "uscc": body["uscc"],
            "region_code": body["region_code"],
            "industry_code": body["industry_code"],
            "employees": 80,
            "revenue_10k_yuan": "4000",
        },
    }
    response = api.post("/api/v1/auth/register/", payload, format="json")
    assert response.status_code == 400
    errors = response.json()["errors"]
    assert list(errors) == ["password"]
    assert says in " ".join(errors["password"])


def test_english_callers_read_the_reason_in_english(api) -> None:
    body = register_form("Short-pw1")
    response = api.post(
        "/api/v1/auth/register/",
        {
            "username": body["username"],
            "email": body["email"],
            "password": "Short-pw1",
            "enterprise": {
                "name": body["name"],
                "uscc": body["uscc"],
                "region_code": "320509",
                "industry_code": "C34",
                "employees": 80,
                "revenue_10k_yuan": "4000",
            },
        },
        format="json",
        HTTP_ACCEPT_LANGUAGE="en",
    )
    assert "use at least 10 characters" in " ".join(response.json()["errors"]["password"])


def test_an_admin_creating_an_account_for_a_member_gets_the_same_rules(
    personas: Personas,
) -> None:
    response = api_as(personas.admin).post(
        f"/api/v1/enterprises/{personas.enterprise.pk}/members/",
        {"username": "new-hire", "role": "editor", "email": "n@example.com", "password": "12345"},
        format="json",
    )
    assert response.status_code == 400
    assert list(response.json()["errors"]) == ["password"]
    assert not User.objects.filter(username="new-hire").exists()


@pytest.mark.parametrize(
    "command",
    [
        ["create_bureau_officer", "sz-officer", "--region", "320500"],
        ["create_assessor", "a1", "--organisation", "诊断服务机构"],
    ],
)
def test_provisioning_commands_refuse_a_weak_password(db, command: list[str]) -> None:
    with pytest.raises(CommandError, match="password"):
        call_command(*command, "--password", "password")
    assert not User.objects.filter(username=command[1]).exists()


def test_the_registration_page_states_the_rules_before_anyone_types(db) -> None:
    html = Client().get("/register/").content.decode()
    assert "至少使用 10 个字符" in html
    assert "不能全都是数字" in html
