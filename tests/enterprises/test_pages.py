"""Server-rendered pages: Chinese by default, English on request, access as the API."""

from __future__ import annotations

import pytest
from django.test import Client

from enterprises.models import Membership, Role
from tests.conftest import PASSWORD, Personas
from tests.factories import valid_uscc

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def test_the_home_page_is_in_chinese_by_default(client: Client) -> None:
    response = client.get("/")
    assert response.status_code == 200
    html = response.content.decode()
    assert '<html lang="zh-hans">' in html
    assert "基础级" in html and "领航级" in html
    assert "链主" in html or "链主企业" in html


def test_the_home_page_switches_to_english(client: Client) -> None:
    response = client.post("/i18n/setlang/", {"language": "en", "next": "/"}, follow=True)
    html = response.content.decode()
    assert '<html lang="en">' in html
    assert "Anchor firms" in html


def test_pages_use_no_external_assets(client: Client) -> None:
    html = client.get("/").content.decode()
    assert "http://" not in html.replace("http://127.0.0.1", "")
    assert "https://" not in html


def test_sign_in_with_the_form(personas: Personas, client: Client) -> None:
    response = client.post("/login/", {"username": "ent-admin", "password": PASSWORD})
    assert response.status_code == 302
    assert client.get("/dashboard/").status_code == 200


def test_sign_in_with_a_wrong_password_says_so(personas: Personas, client: Client) -> None:
    response = client.post("/login/", {"username": "ent-admin", "password": "nope"})
    assert response.status_code == 200
    assert "errorlist" in response.content.decode()


def test_web_registration_signs_the_person_in_as_admin(client: Client) -> None:
    uscc = valid_uscc("320585")
    response = client.post(
        "/register/",
        {
            "username": "taicang",
            "email": "t@example.com",
            "password": "a-Strong-pass-2026",
            "password_confirm": "a-Strong-pass-2026",
            "name": "太仓智能装备有限公司",
            "uscc": uscc,
            "region_code": "320585",
            "industry_code": "C35",
            "employees": "80",
            "revenue_10k_yuan": "4000",
        },
    )
    assert response.status_code == 302, response.content.decode()[:3000]
    membership = Membership.objects.get(user__username="taicang")
    assert membership.role == Role.ADMIN
    page = client.get(response["Location"])
    assert "太仓智能装备有限公司" in page.content.decode()


def test_web_registration_shows_the_uscc_error_beside_the_field(client: Client) -> None:
    good = valid_uscc("320585")
    bad = good[:-1] + ("0" if good[-1] != "0" else "1")
    response = client.post(
        "/register/",
        {
            "username": "taicang",
            "email": "t@example.com",
            "password": "a-Strong-pass-2026",
            "password_confirm": "a-Strong-pass-2026",
            "name": "太仓",
            "uscc": bad,
            "region_code": "320585",
            "industry_code": "C35",
            "employees": "80",
            "revenue_10k_yuan": "4000",
        },
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "校验" in html  # the Chinese message about the check character
    assert not Membership.objects.filter(user__username="taicang").exists()


PROFILE_PAGE = {
    "admin": 200,
    "editor": 200,
    "viewer": 200,
    "outsider": 404,
    "anchor": 404,
    "officer": 200,
    "other_officer": 404,
    "assessor": 404,
    "platform_admin": 200,
}


@pytest.mark.parametrize(("persona", "expected"), PROFILE_PAGE.items())
def test_profile_page_permissions(personas: Personas, persona: str, expected: int) -> None:
    response = signed_in(personas.all()[persona]).get(f"/enterprises/{personas.enterprise.pk}/")
    assert response.status_code == expected


MEMBERS_PAGE = {
    "admin": 200,
    "editor": 200,
    "viewer": 200,
    "outsider": 404,
    "anchor": 404,
    "officer": 404,
    "other_officer": 404,
    "assessor": 404,
    "platform_admin": 404,
}


@pytest.mark.parametrize(("persona", "expected"), MEMBERS_PAGE.items())
def test_members_page_permissions(personas: Personas, persona: str, expected: int) -> None:
    response = signed_in(personas.all()[persona]).get(
        f"/enterprises/{personas.enterprise.pk}/members/"
    )
    assert response.status_code == expected


MEMBER_ACTIONS = {
    "admin": 302,
    "editor": 403,
    "viewer": 403,
    "outsider": 404,
    "anchor": 404,
    "officer": 404,
    "other_officer": 404,
    "assessor": 404,
    "platform_admin": 404,
}


@pytest.mark.parametrize(("persona", "expected"), MEMBER_ACTIONS.items())
def test_member_add_role_remove_permissions(
    personas: Personas, persona: str, expected: int
) -> None:
    client = signed_in(personas.all()[persona])
    pk = personas.enterprise.pk
    viewer = Membership.objects.get(user=personas.viewer)
    add = client.post(
        f"/enterprises/{pk}/members/add/",
        {
            "username": f"new-{persona}",
            "role": "viewer",
            "email": "x@example.com",
            "password": PASSWORD,
        },
    )
    role = client.post(f"/enterprises/{pk}/members/{viewer.pk}/role/", {"role": "editor"})
    remove = client.post(f"/enterprises/{pk}/members/{viewer.pk}/remove/")
    assert (add.status_code, role.status_code, remove.status_code) == (expected,) * 3
    assert Membership.objects.filter(pk=viewer.pk).exists() == (expected != 302)


def test_the_profile_form_saves_for_the_admin(personas: Personas) -> None:
    client = signed_in(personas.admin)
    response = client.post(
        f"/enterprises/{personas.enterprise.pk}/",
        {
            "name": "苏州测试机械股份有限公司",
            "region_code": "320505",
            "industry_code": "C34",
            "employees": "25",
            "revenue_10k_yuan": "400",
        },
    )
    assert response.status_code == 302
    personas.enterprise.refresh_from_db()
    assert personas.enterprise.name == "苏州测试机械股份有限公司"
    assert personas.enterprise.size_class == "small"


def test_removing_the_last_admin_on_the_page_shows_why(personas: Personas) -> None:
    client = signed_in(personas.admin)
    own = Membership.objects.get(user=personas.admin)
    response = client.post(
        f"/enterprises/{personas.enterprise.pk}/members/{own.pk}/remove/", follow=True
    )
    assert "管理员" in response.content.decode()
    assert Membership.objects.filter(pk=own.pk).exists()


def test_anonymous_visitors_are_sent_to_sign_in(personas: Personas, client: Client) -> None:
    response = client.get(f"/enterprises/{personas.enterprise.pk}/")
    assert response.status_code == 302
    assert response["Location"].startswith("/login/")


def test_the_dashboard_shows_an_empty_state_for_a_person_without_enterprise(db) -> None:
    from tests.factories import UserFactory

    html = signed_in(UserFactory()).get("/dashboard/").content.decode()
    assert 'class="card empty"' in html


def test_healthz_checks_the_database(client: Client, db) -> None:
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json()["checks"]["database"] == "ok"


def test_a_browser_asking_for_english_still_gets_chinese_until_it_switches(
    client: Client,
) -> None:
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="en-US,en;q=0.9").content.decode()
    assert '<html lang="zh-hans">' in html
    client.post("/i18n/setlang/", {"language": "en", "next": "/"})
    html = client.get("/", HTTP_ACCEPT_LANGUAGE="zh-CN").content.decode()
    assert '<html lang="en">' in html
