"""Supplier links over HTTP: inviting, the links list and the supplier's consent decisions."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext

from enterprises.models import Role, SupplierLink
from tests.conftest import Personas, api_as
from tests.factories import EnterpriseFactory, MembershipFactory, valid_uscc

pytestmark = pytest.mark.django_db


def persona_link(personas: Personas) -> SupplierLink:
    return SupplierLink.objects.get(anchor=personas.anchor_enterprise, supplier=personas.enterprise)


def bad_check_character(uscc: str) -> str:
    last = "0" if uscc[-1] != "0" else "1"
    return uscc[:-1] + last


# ---- inviting ----------------------------------------------------------------------------

# Who may invite suppliers of `personas.enterprise`: its admins only.
INVITE = {
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


@pytest.mark.parametrize(("persona", "expected"), INVITE.items())
def test_only_the_enterprises_admin_invites_suppliers(
    personas: Personas, persona: str, expected: int
) -> None:
    uscc = valid_uscc("320506")
    response = api_as(personas.all()[persona]).post(
        f"/api/v1/enterprises/{personas.enterprise.pk}/suppliers/",
        {"uscc": uscc, "name": "苏州配套件有限公司", "contact_email": "boss@peitao.example.com"},
        format="json",
    )
    assert response.status_code == expected
    created = SupplierLink.objects.filter(anchor=personas.enterprise, supplier_uscc=uscc)
    assert created.exists() == (expected == 201)
    if expected == 201:
        assert response.json()["status"] == "invited"
        assert response.json()["id"] == created.get().pk


def test_invite_is_404_for_anonymous_and_unknown_enterprises(personas: Personas, api) -> None:
    body = {"uscc": valid_uscc(), "name": "x", "contact_email": "x@example.com"}
    url = f"/api/v1/enterprises/{personas.enterprise.pk}/suppliers/"
    assert api.post(url, body, format="json").status_code == 401
    response = api_as(personas.admin).post(
        "/api/v1/enterprises/999999/suppliers/", body, format="json"
    )
    assert response.status_code == 404


def test_inviting_an_unregistered_code_emails_a_registration_link_after_commit(
    personas: Personas, django_capture_on_commit_callbacks
) -> None:
    uscc = valid_uscc("320583")
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(personas.anchor).post(
            f"/api/v1/enterprises/{personas.anchor_enterprise.pk}/suppliers/",
            {"uscc": uscc, "name": "昆山新供应商", "contact_email": "boss@ks.example.com"},
            format="json",
        )
    assert response.status_code == 201
    assert response.json()["supplier"] == {"id": None, "name": "昆山新供应商", "uscc": uscc}
    assert len(mail.outbox) == 1
    message = mail.outbox[0]
    assert message.to == ["boss@ks.example.com"]
    assert f"/register/?uscc={uscc}" in message.body
    assert personas.anchor_enterprise.name in message.subject


def test_inviting_a_registered_enterprise_links_it_at_once_without_email(
    personas: Personas, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        response = api_as(personas.anchor).post(
            f"/api/v1/enterprises/{personas.anchor_enterprise.pk}/suppliers/",
            {"uscc": personas.outsider_enterprise.uscc, "name": "南京", "contact_email": ""},
            format="json",
        )
    assert response.status_code == 201
    assert response.json()["supplier"]["id"] == personas.outsider_enterprise.pk
    assert mail.outbox == []
    # The request shows in the supplier's own list, ready for its admin to decide.
    links = api_as(personas.outsider).get("/api/v1/supplier-links/").json()
    assert [(link["anchor"]["id"], link["status"]) for link in links] == [
        (personas.anchor_enterprise.pk, "invited")
    ]


def test_a_bad_check_character_is_a_400_naming_uscc(personas: Personas) -> None:
    response = api_as(personas.anchor).post(
        f"/api/v1/enterprises/{personas.anchor_enterprise.pk}/suppliers/",
        {"uscc": bad_check_character(valid_uscc()), "name": "x", "contact_email": "x@e.com"},
        format="json",
    )
    assert response.status_code == 400
    assert "uscc" in response.json()["errors"]


def test_inviting_a_supplier_twice_is_a_400_naming_uscc(personas: Personas) -> None:
    response = api_as(personas.anchor).post(
        f"/api/v1/enterprises/{personas.anchor_enterprise.pk}/suppliers/",
        {"uscc": personas.enterprise.uscc, "name": "again", "contact_email": ""},
        format="json",
    )
    assert response.status_code == 400
    assert "uscc" in response.json()["errors"]
    assert SupplierLink.objects.filter(anchor=personas.anchor_enterprise).count() == 1


def test_an_enterprise_cannot_invite_itself(personas: Personas) -> None:
    response = api_as(personas.anchor).post(
        f"/api/v1/enterprises/{personas.anchor_enterprise.pk}/suppliers/",
        {"uscc": personas.anchor_enterprise.uscc, "name": "me", "contact_email": ""},
        format="json",
    )
    assert response.status_code == 400
    assert "uscc" in response.json()["errors"]


def test_an_unregistered_supplier_needs_a_contact_email(personas: Personas) -> None:
    response = api_as(personas.anchor).post(
        f"/api/v1/enterprises/{personas.anchor_enterprise.pk}/suppliers/",
        {"uscc": valid_uscc(), "name": "无邮箱"},
        format="json",
    )
    assert response.status_code == 400
    assert "contact_email" in response.json()["errors"]


def test_tier_defaults_to_one_or_the_parents_tier_plus_one(personas: Personas) -> None:
    client = api_as(personas.anchor)
    url = f"/api/v1/enterprises/{personas.anchor_enterprise.pk}/suppliers/"
    parent = persona_link(personas)
    child = client.post(
        url,
        {"uscc": valid_uscc(), "name": "二级", "contact_email": "t2@e.com", "parent": parent.pk},
        format="json",
    ).json()
    assert child["tier"] == 2 and child["parent"] == parent.pk
    grandchild = client.post(
        url,
        {"uscc": valid_uscc(), "name": "三级", "contact_email": "t3@e.com", "parent": child["id"]},
        format="json",
    ).json()
    assert grandchild["tier"] == 3
    plain = client.post(
        url, {"uscc": valid_uscc(), "name": "一级", "contact_email": "t1@e.com"}, format="json"
    ).json()
    assert plain["tier"] == 1


def test_a_parent_must_be_a_link_of_the_same_anchor(personas: Personas) -> None:
    foreign = SupplierLink.objects.create(
        anchor=personas.outsider_enterprise,
        supplier_uscc=valid_uscc(),
        supplier_name="别人的供应商",
    )
    response = api_as(personas.anchor).post(
        f"/api/v1/enterprises/{personas.anchor_enterprise.pk}/suppliers/",
        {"uscc": valid_uscc(), "name": "x", "contact_email": "x@e.com", "parent": foreign.pk},
        format="json",
    )
    assert response.status_code == 400
    assert "parent" in response.json()["errors"]


# ---- the links list ----------------------------------------------------------------------

# How many links each persona sees: the admins of either side see the persona link.
LINKS_LIST = {
    "admin": 1,
    "editor": 0,
    "viewer": 0,
    "outsider": 0,
    "anchor": 1,
    "officer": 0,
    "other_officer": 0,
    "assessor": 0,
    "platform_admin": 0,
}


@pytest.mark.parametrize(("persona", "expected"), LINKS_LIST.items())
def test_supplier_links_list_shows_links_the_caller_administers(
    personas: Personas, persona: str, expected: int
) -> None:
    response = api_as(personas.all()[persona]).get("/api/v1/supplier-links/")
    assert response.status_code == 200
    body = response.json()
    assert len(body) == expected
    if expected:
        link = persona_link(personas)
        assert body == [
            {
                "id": link.pk,
                "anchor": {"id": personas.anchor_enterprise.pk, "name": "无锡链主集团"},
                "supplier": {
                    "id": personas.enterprise.pk,
                    "name": personas.enterprise.name,
                    "uscc": personas.enterprise.uscc,
                },
                "status": "invited",
                "tier": 1,
                "parent": None,
                "consented_at": None,
                "created_at": body[0]["created_at"],
            }
        ]


def test_supplier_links_list_is_401_for_anonymous(api) -> None:
    assert api.get("/api/v1/supplier-links/").status_code == 401


def test_supplier_links_list_does_a_fixed_number_of_queries(personas: Personas) -> None:
    client = api_as(personas.anchor)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/api/v1/supplier-links/").status_code == 200
        return len(ctx.captured_queries)

    few = count()
    for _ in range(10):
        SupplierLink.objects.create(
            anchor=personas.anchor_enterprise,
            supplier=EnterpriseFactory(),
            supplier_uscc=valid_uscc(),
            supplier_name="批量",
        )
    assert count() == few


# ---- consent -----------------------------------------------------------------------------

# Who may decide on a link: the supplier's admins. People of either side who can see
# it are refused (403); strangers learn nothing (404).
DECIDE = {
    "admin": 200,
    "editor": 403,
    "viewer": 403,
    "outsider": 404,
    "anchor": 403,
    "officer": 404,
    "other_officer": 404,
    "assessor": 404,
    "platform_admin": 404,
}


@pytest.mark.parametrize(("persona", "expected"), DECIDE.items())
@pytest.mark.parametrize(
    ("decision", "start", "end"),
    [
        ("accept", "invited", "accepted"),
        ("decline", "invited", "declined"),
        ("revoke", "accepted", "revoked"),
    ],
)
def test_only_the_suppliers_admin_decides_on_a_link(
    personas: Personas, persona: str, expected: int, decision: str, start: str, end: str
) -> None:
    link = persona_link(personas)
    link.status = start
    link.save()
    response = api_as(personas.all()[persona]).post(f"/api/v1/supplier-links/{link.pk}/{decision}/")
    assert response.status_code == expected
    link.refresh_from_db()
    assert link.status == (end if expected == 200 else start)
    if expected == 200:
        assert response.json()["status"] == end
        assert response.json()["id"] == link.pk


def test_decisions_are_404_for_anonymous_and_unknown_links(personas: Personas, api) -> None:
    link = persona_link(personas)
    assert api.post(f"/api/v1/supplier-links/{link.pk}/accept/").status_code == 401
    assert api_as(personas.admin).post("/api/v1/supplier-links/999999/accept/").status_code == 404


def test_an_anchor_member_gets_403_on_a_link_whose_supplier_has_not_registered(
    personas: Personas,
) -> None:
    pending = SupplierLink.objects.create(
        anchor=personas.anchor_enterprise, supplier_uscc=valid_uscc(), supplier_name="未注册"
    )
    viewer = MembershipFactory(enterprise=personas.anchor_enterprise, role=Role.VIEWER).user
    for user in (personas.anchor, viewer):
        assert api_as(user).post(f"/api/v1/supplier-links/{pending.pk}/accept/").status_code == 403
    assert (
        api_as(personas.admin).post(f"/api/v1/supplier-links/{pending.pk}/accept/").status_code
        == 404
    )


def test_accepting_sets_consented_at(personas: Personas) -> None:
    link = persona_link(personas)
    body = api_as(personas.admin).post(f"/api/v1/supplier-links/{link.pk}/accept/").json()
    link.refresh_from_db()
    assert link.status == "accepted"
    assert link.consented_at is not None
    assert body["consented_at"] is not None


@pytest.mark.parametrize(
    ("start", "decision", "expected", "end"),
    [
        ("invited", "accept", 200, "accepted"),
        ("invited", "decline", 200, "declined"),
        ("invited", "revoke", 409, "invited"),
        ("accepted", "accept", 409, "accepted"),
        ("accepted", "decline", 409, "accepted"),
        ("accepted", "revoke", 200, "revoked"),
        ("declined", "accept", 200, "accepted"),
        ("declined", "decline", 409, "declined"),
        ("declined", "revoke", 409, "declined"),
        ("revoked", "accept", 409, "revoked"),
        ("revoked", "decline", 409, "revoked"),
        ("revoked", "revoke", 409, "revoked"),
    ],
)
def test_consent_transitions_and_conflicts(
    personas: Personas, start: str, decision: str, expected: int, end: str
) -> None:
    link = persona_link(personas)
    link.status = start
    link.save()
    response = api_as(personas.admin).post(f"/api/v1/supplier-links/{link.pk}/{decision}/")
    assert response.status_code == expected
    if expected == 409:
        assert response.json()["detail"]
        assert response.json()["status"] == start
    link.refresh_from_db()
    assert link.status == end


def test_registration_attaches_waiting_invitations_of_every_anchor(personas: Personas, api) -> None:
    uscc = valid_uscc("320583")
    for anchor in (personas.anchor_enterprise, personas.outsider_enterprise):
        SupplierLink.objects.create(
            anchor=anchor, supplier_uscc=uscc, supplier_name="等待注册", contact_email="a@e.com"
        )
    response = api.post(
        "/api/v1/auth/register/",
        {
            "username": "waiting-admin",
            "password": "a-Strong-pass-2026",
            "email": "w@example.com",
            "enterprise": {
                "name": "等待注册有限公司",
                "uscc": uscc,
                "region_code": "320583",
                "industry_code": "C34",
                "employees": 50,
                "revenue_10k_yuan": "800",
            },
        },
        format="json",
    )
    assert response.status_code == 201, response.content
    enterprise_id = response.json()["enterprise"]["id"]
    links = SupplierLink.objects.filter(supplier_uscc=uscc)
    assert {link.supplier_id for link in links} == {enterprise_id}
    assert all(link.status == "invited" for link in links)
