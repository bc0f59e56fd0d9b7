"""GET /api/v1/me/, /api/v1/enterprises/{id}/ and member management over every persona."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises.models import Membership, Role
from tests.conftest import Personas, api_as
from tests.factories import MembershipFactory

pytestmark = pytest.mark.django_db


def test_me_is_401_for_anonymous(api) -> None:
    assert api.get("/api/v1/me/").status_code == 401


def test_me_lists_memberships_and_the_bureau_scope(personas: Personas) -> None:
    me = api_as(personas.admin).get("/api/v1/me/").json()
    assert me["username"] == "ent-admin"
    assert me["memberships"] == [
        {
            "enterprise": {"id": personas.enterprise.pk, "name": personas.enterprise.name},
            "role": "admin",
        }
    ]
    assert me["bureau_scope"] is None
    officer = api_as(personas.officer).get("/api/v1/me/").json()
    assert officer["memberships"] == []
    assert officer["bureau_scope"] == {"regions": ["320500"], "clusters": []}


# Who may read the enterprise profile: its members, an officer in scope, platform staff.
ENTERPRISE_READ = {
    "admin": 200,
    "editor": 200,
    "viewer": 200,
    "outsider": 404,
    "anchor": 404,  # a link without consent reveals nothing
    "officer": 200,
    "other_officer": 404,
    "assessor": 404,
    "platform_admin": 200,
}


@pytest.mark.parametrize(("persona", "expected"), ENTERPRISE_READ.items())
def test_enterprise_detail_permissions(personas: Personas, persona: str, expected: int) -> None:
    client = api_as(personas.all()[persona])
    response = client.get(f"/api/v1/enterprises/{personas.enterprise.pk}/")
    assert response.status_code == expected
    if expected == 200:
        body = response.json()
        assert set(body) >= {
            "id",
            "name",
            "uscc",
            "region_code",
            "industry_code",
            "size_class",
            "clusters",
            "is_anchor",
        }
        assert body["uscc"] == personas.enterprise.uscc


def test_enterprise_detail_is_404_for_anonymous_and_unknown_ids(personas: Personas, api) -> None:
    assert api.get(f"/api/v1/enterprises/{personas.enterprise.pk}/").status_code == 401
    assert api_as(personas.admin).get("/api/v1/enterprises/999999/").status_code == 404


def test_an_enterprise_with_an_accepted_supplier_is_an_anchor(personas: Personas) -> None:
    link = personas.anchor_enterprise.supplier_links.get()
    client = api_as(personas.anchor)
    assert (
        client.get(f"/api/v1/enterprises/{personas.anchor_enterprise.pk}/").json()["is_anchor"]
        is False
    )
    link.status = "accepted"
    link.save()
    assert (
        client.get(f"/api/v1/enterprises/{personas.anchor_enterprise.pk}/").json()["is_anchor"]
        is True
    )


PROFILE_WRITE = {
    "admin": 200,
    "editor": 403,
    "viewer": 403,
    "outsider": 404,
    "anchor": 404,
    "officer": 404,
    "other_officer": 404,
    "assessor": 404,
    "platform_admin": 404,
}


@pytest.mark.parametrize(("persona", "expected"), PROFILE_WRITE.items())
def test_only_the_admin_edits_the_profile(personas: Personas, persona: str, expected: int) -> None:
    body = {
        "name": "新名字有限公司",
        "uscc": "ignored",
        "region_code": "320506",
        "industry_code": "C35",
        "employees": 1500,
        "revenue_10k_yuan": "50000",
        "clusters": ["high-end-equipment"],
    }
    response = api_as(personas.all()[persona]).put(
        f"/api/v1/enterprises/{personas.enterprise.pk}/", body, format="json"
    )
    assert response.status_code == expected
    personas.enterprise.refresh_from_db()
    if expected == 200:
        assert personas.enterprise.name == "新名字有限公司"
        assert personas.enterprise.size_class == "large"
        assert response.json()["clusters"] == ["high-end-equipment"]
    else:
        assert personas.enterprise.name == "苏州测试机械有限公司"


def test_profile_update_names_an_unknown_region(personas: Personas) -> None:
    body = {
        "name": "x",
        "uscc": "",
        "region_code": "000001",
        "industry_code": "C35",
        "employees": 1,
        "revenue_10k_yuan": "1",
    }
    response = api_as(personas.admin).put(
        f"/api/v1/enterprises/{personas.enterprise.pk}/", body, format="json"
    )
    assert response.status_code == 400
    assert "region_code" in response.json()["errors"]


MEMBERS_READ = {
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


@pytest.mark.parametrize(("persona", "expected"), MEMBERS_READ.items())
def test_member_list_permissions(personas: Personas, persona: str, expected: int) -> None:
    response = api_as(personas.all()[persona]).get(
        f"/api/v1/enterprises/{personas.enterprise.pk}/members/"
    )
    assert response.status_code == expected


MEMBERS_WRITE = {
    "admin": 201,
    "editor": 403,
    "viewer": 403,
    "outsider": 404,
    "anchor": 404,
    "officer": 404,
    "other_officer": 404,
    "assessor": 404,
    "platform_admin": 404,
}


@pytest.mark.parametrize(("persona", "expected"), MEMBERS_WRITE.items())
def test_only_the_admin_adds_members(personas: Personas, persona: str, expected: int) -> None:
    response = api_as(personas.all()[persona]).post(
        f"/api/v1/enterprises/{personas.enterprise.pk}/members/",
        {
            "username": "newbie",
            "role": "editor",
            "email": "n@example.com",
            "password": "pw-Gradient-2026",
        },
        format="json",
    )
    assert response.status_code == expected
    assert Membership.objects.filter(user__username="newbie").exists() == (expected == 201)


def test_adding_an_unknown_username_without_a_password_names_the_missing_fields(
    personas: Personas,
) -> None:
    response = api_as(personas.admin).post(
        f"/api/v1/enterprises/{personas.enterprise.pk}/members/",
        {"username": "ghost", "role": "viewer"},
        format="json",
    )
    assert response.status_code == 400
    assert {"email", "password"} <= set(response.json()["errors"])


def test_adding_an_existing_member_twice_is_a_conflict(personas: Personas) -> None:
    response = api_as(personas.admin).post(
        f"/api/v1/enterprises/{personas.enterprise.pk}/members/",
        {"username": "ent-viewer", "role": "editor"},
        format="json",
    )
    assert response.status_code == 409


def test_the_admin_changes_a_role_and_removes_a_member(personas: Personas) -> None:
    client = api_as(personas.admin)
    viewer = Membership.objects.get(user=personas.viewer)
    url = f"/api/v1/enterprises/{personas.enterprise.pk}/members/{viewer.pk}/"
    assert client.patch(url, {"role": "editor"}, format="json").json()["role"] == "editor"
    assert client.delete(url).status_code == 204
    assert not Membership.objects.filter(pk=viewer.pk).exists()


def test_the_last_admin_can_neither_be_demoted_nor_removed(personas: Personas) -> None:
    client = api_as(personas.admin)
    own = Membership.objects.get(user=personas.admin)
    url = f"/api/v1/enterprises/{personas.enterprise.pk}/members/{own.pk}/"
    assert client.patch(url, {"role": "viewer"}, format="json").status_code == 409
    assert client.delete(url).status_code == 409
    own.refresh_from_db()
    assert own.role == Role.ADMIN
    # With a second admin the first may step down.
    MembershipFactory(enterprise=personas.enterprise, role=Role.ADMIN)
    assert client.patch(url, {"role": "viewer"}, format="json").status_code == 200


def test_an_editor_cannot_change_roles(personas: Personas) -> None:
    viewer = Membership.objects.get(user=personas.viewer)
    url = f"/api/v1/enterprises/{personas.enterprise.pk}/members/{viewer.pk}/"
    assert api_as(personas.editor).patch(url, {"role": "admin"}, format="json").status_code == 403
    assert api_as(personas.outsider).delete(url).status_code == 404


def test_a_member_of_another_enterprise_cannot_be_reached_through_mine(personas: Personas) -> None:
    other = Membership.objects.get(user=personas.outsider)
    url = f"/api/v1/enterprises/{personas.enterprise.pk}/members/{other.pk}/"
    assert api_as(personas.admin).delete(url).status_code == 404
    assert Membership.objects.filter(pk=other.pk).exists()


def test_the_member_list_does_a_fixed_number_of_queries(personas: Personas) -> None:
    client = api_as(personas.admin)
    url = f"/api/v1/enterprises/{personas.enterprise.pk}/members/"

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get(url).status_code == 200
        return len(ctx.captured_queries)

    few = count()
    MembershipFactory.create_batch(15, enterprise=personas.enterprise, role=Role.VIEWER)
    assert count() == few
