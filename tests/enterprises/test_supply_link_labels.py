"""The anchor's labels of a supplier link: tags, tier and parent, over the API, on a page
and in the service (same anchor, one tier per step, no loops, the chain moves along)."""

from __future__ import annotations

import pytest
from django.test import Client

from enterprises import services_supply as services
from enterprises.errors import ValidationFailed
from enterprises.models import Enterprise, SupplierLink
from tests.conftest import Personas, api_as
from tests.factories import EnterpriseFactory, valid_uscc

pytestmark = pytest.mark.django_db


def make_link(anchor: Enterprise, *, tier: int = 1, parent: SupplierLink | None = None):
    supplier = EnterpriseFactory()
    return SupplierLink.objects.create(
        anchor=anchor,
        supplier=supplier,
        supplier_uscc=supplier.uscc,
        supplier_name=supplier.name,
        tier=tier,
        parent=parent,
    )


# personas.enterprise is the anchor of the link under test.
PATCH = {
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


@pytest.mark.parametrize(("persona", "expected"), PATCH.items())
def test_only_the_anchors_admin_labels_a_link(
    personas: Personas, persona: str, expected: int
) -> None:
    the_link = make_link(personas.enterprise)
    response = api_as(personas.all()[persona]).patch(
        f"/api/v1/supplier-links/{the_link.pk}/",
        {"tags": ["电机", " 核心 ", "电机"]},
        format="json",
    )
    assert response.status_code == expected
    the_link.refresh_from_db()
    assert the_link.tags == (["电机", "核心"] if expected == 200 else [])
    if expected == 200:
        assert response.json()["tags"] == ["电机", "核心"]


def test_the_suppliers_admin_may_not_label_the_link(personas: Personas, api) -> None:
    the_link = SupplierLink.objects.get(anchor=personas.anchor_enterprise)
    url = f"/api/v1/supplier-links/{the_link.pk}/"
    assert api_as(personas.admin).patch(url, {"tags": ["x"]}, format="json").status_code == 403
    assert api.patch(url, {"tags": ["x"]}, format="json").status_code == 401
    assert api_as(personas.admin).patch("/api/v1/supplier-links/99999/", {}).status_code == 404


def test_a_parent_sets_the_tier_and_a_mismatched_tier_is_refused(personas: Personas) -> None:
    top = make_link(personas.enterprise)
    middle = make_link(personas.enterprise)
    client = api_as(personas.admin)
    response = client.patch(
        f"/api/v1/supplier-links/{middle.pk}/", {"parent": top.pk}, format="json"
    )
    assert response.status_code == 200
    assert (response.json()["parent"], response.json()["tier"]) == (top.pk, 2)
    response = client.patch(
        f"/api/v1/supplier-links/{middle.pk}/", {"parent": top.pk, "tier": 3}, format="json"
    )
    assert response.status_code == 400 and list(response.json()["errors"]) == ["tier"]


def test_a_parent_of_another_anchor_or_a_loop_is_refused(personas: Personas) -> None:
    top = make_link(personas.enterprise)
    child = make_link(personas.enterprise, tier=2, parent=top)
    foreign = make_link(personas.outsider_enterprise)
    for parent in (foreign.pk, top.pk, child.pk, "x", True):
        with pytest.raises(ValidationFailed) as caught:
            services.supplier_link_update(
                link=top if parent != foreign.pk else child, parent_id=parent
            )
        assert list(caught.value.errors) == ["parent"], parent
    response = api_as(personas.admin).patch(
        f"/api/v1/supplier-links/{top.pk}/", {"parent": "x"}, format="json"
    )
    assert response.status_code == 400 and list(response.json()["errors"]) == ["parent"]


def test_moving_a_link_moves_its_own_suppliers_one_tier_per_step(personas: Personas) -> None:
    top = make_link(personas.enterprise)
    child = make_link(personas.enterprise, tier=2, parent=top)
    grandchild = make_link(personas.enterprise, tier=3, parent=child)
    other = make_link(personas.enterprise)
    services.supplier_link_update(link=top, parent_id=other.pk)
    tiers = dict(SupplierLink.objects.values_list("pk", "tier"))
    assert (tiers[top.pk], tiers[child.pk], tiers[grandchild.pk], tiers[other.pk]) == (2, 3, 4, 1)
    services.supplier_link_update(link=top, parent_id=None, tier=1)
    tiers = dict(SupplierLink.objects.values_list("pk", "tier"))
    assert (tiers[top.pk], tiers[child.pk], tiers[grandchild.pk]) == (1, 2, 3)


@pytest.mark.parametrize(
    ("tags", "ok"),
    [
        (["a"] * 3, True),
        ([f"t{i}" for i in range(21)], False),
        (["长" * 51], False),
        ("电机", False),
        ([1, 2], False),
        ([], True),
    ],
)
def test_tags_are_a_short_list_of_short_words(personas: Personas, tags, ok: bool) -> None:
    the_link = make_link(personas.enterprise)
    if ok:
        assert services.supplier_link_update(link=the_link, tags=tags).tags == sorted(set(tags))
    else:
        with pytest.raises(ValidationFailed) as caught:
            services.supplier_link_update(link=the_link, tags=tags)
        assert list(caught.value.errors) == ["tags"]


def test_an_empty_patch_is_refused(personas: Personas) -> None:
    the_link = make_link(personas.enterprise)
    response = api_as(personas.admin).patch(
        f"/api/v1/supplier-links/{the_link.pk}/", {}, format="json"
    )
    assert response.status_code == 400


def test_an_invitation_under_a_parent_must_be_one_tier_below_it(personas: Personas) -> None:
    top = make_link(personas.enterprise)
    with pytest.raises(ValidationFailed) as caught:
        services.supplier_invite(
            anchor=personas.enterprise,
            uscc=valid_uscc(),
            name="二级供应商",
            contact_email="a@example.com",
            tier=3,
            parent_id=top.pk,
        )
    assert list(caught.value.errors) == ["tier"]


# ---- the page ----------------------------------------------------------------------------

PAGE = {**PATCH, "admin": 200}


@pytest.mark.parametrize(("persona", "expected"), PAGE.items())
def test_only_the_anchors_admin_opens_the_labels_page(
    personas: Personas, persona: str, expected: int
) -> None:
    the_link = make_link(personas.enterprise)
    client = Client()
    client.force_login(personas.all()[persona])
    url = f"/enterprises/{personas.enterprise.pk}/suppliers/{the_link.pk}/edit/"
    assert client.get(url).status_code == expected
    posted = client.post(url, {"tags": "电机，核心、 重点", "tier": "", "parent": ""})
    assert posted.status_code == (302 if expected == 200 else expected)
    the_link.refresh_from_db()
    assert the_link.tags == (["电机", "核心", "重点"] if expected == 200 else [])


def test_the_labels_page_shows_the_services_errors_beside_the_fields(personas: Personas) -> None:
    top = make_link(personas.enterprise)
    the_link = make_link(personas.enterprise)
    client = Client()
    client.force_login(personas.admin)
    client.cookies["django_language"] = "en"
    response = client.post(
        f"/enterprises/{personas.enterprise.pk}/suppliers/{the_link.pk}/edit/",
        {"tags": "", "tier": "5", "parent": top.supplier_uscc},
    )
    assert response.status_code == 400
    assert "A supplier of a tier-1 supplier is tier 2." in response.content.decode()
    response = client.post(
        f"/enterprises/{personas.enterprise.pk}/suppliers/{the_link.pk}/edit/",
        {"tags": "", "tier": "", "parent": valid_uscc()},
    )
    assert response.status_code == 400
    assert "Choose one of your own supplier links." in response.content.decode()
    response = client.post(
        f"/enterprises/{personas.enterprise.pk}/suppliers/{the_link.pk}/edit/",
        {"tags": "", "tier": "", "parent": top.supplier_uscc.lower()},
    )
    assert response.status_code == 302
    the_link.refresh_from_db()
    assert (the_link.parent_id, the_link.tier) == (top.pk, 2)
    html = client.get(
        f"/enterprises/{personas.enterprise.pk}/suppliers/{the_link.pk}/edit/"
    ).content.decode()
    assert f'value="{top.supplier_uscc}"' in html
    # A link of another anchor is not reachable under this anchor's address.
    foreign = make_link(personas.outsider_enterprise)
    url = f"/enterprises/{personas.enterprise.pk}/suppliers/{foreign.pk}/edit/"
    assert client.get(url).status_code == 404
