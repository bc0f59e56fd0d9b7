"""The supplier's side of consent on pages: /supplier-requests/ with accept, decline and
revoke; and registration from an invitation's link with the code filled in."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from enterprises.models import SupplierLink
from tests.conftest import Personas
from tests.factories import EnterpriseFactory, valid_uscc

pytestmark = pytest.mark.django_db


def signed_in(user, language: str = "en") -> Client:
    client = Client()
    client.force_login(user)
    client.cookies["django_language"] = language
    return client


def persona_link(personas: Personas) -> SupplierLink:
    return SupplierLink.objects.get(anchor=personas.anchor_enterprise, supplier=personas.enterprise)


# Who sees the request of personas.anchor_enterprise on /supplier-requests/: only the
# supplier's admins; everyone signed in gets the page (possibly empty).
REQUESTS_PAGE_SHOWS_THE_LINK = {
    "admin": True,
    "editor": False,
    "viewer": False,
    "outsider": False,
    "anchor": False,  # the anchor's own side is on its supplier page, not here
    "officer": False,
    "other_officer": False,
    "assessor": False,
    "platform_admin": False,
}


@pytest.mark.parametrize(("persona", "shown"), REQUESTS_PAGE_SHOWS_THE_LINK.items())
def test_the_requests_page_lists_only_links_of_suppliers_the_user_administers(
    personas: Personas, persona: str, shown: bool
) -> None:
    response = signed_in(personas.all()[persona]).get("/supplier-requests/")
    assert response.status_code == 200
    html = response.content.decode()
    assert (personas.anchor_enterprise.name in html) == shown
    assert ("No customer has asked for your results yet." in html) == (not shown)
    assert "unless you share a given submitted assessment" in html  # consent is explained


def test_an_anonymous_visitor_is_sent_to_sign_in(client: Client) -> None:
    response = client.get("/supplier-requests/")
    assert response.status_code == 302 and "/login/" in response["Location"]


DECIDE = {
    "admin": 302,
    "editor": 403,
    "viewer": 403,
    "outsider": 404,
    "anchor": 403,  # a member of the anchor's side: told it may not, as the API does
    "officer": 404,
    "other_officer": 404,
    "assessor": 404,
    "platform_admin": 404,
}


@pytest.mark.parametrize("action", ["accept", "decline", "revoke"])
@pytest.mark.parametrize(("persona", "expected"), DECIDE.items())
def test_only_the_suppliers_admin_decides(
    personas: Personas, persona: str, expected: int, action: str
) -> None:
    link = persona_link(personas)
    if action == "revoke":
        link.status = "accepted"
        link.save()
    before = link.status
    response = signed_in(personas.all()[persona]).post(f"/supplier-requests/{link.pk}/{action}/")
    assert response.status_code == expected
    link.refresh_from_db()
    if expected == 302:
        assert (
            link.status
            == {"accept": "accepted", "decline": "declined", "revoke": "revoked"}[action]
        )
    else:
        assert link.status == before


def test_an_unknown_link_is_404(personas: Personas) -> None:
    response = signed_in(personas.admin).post("/supplier-requests/999999/accept/")
    assert response.status_code == 404


def test_deciding_needs_a_post(personas: Personas) -> None:
    link = persona_link(personas)
    assert signed_in(personas.admin).get(f"/supplier-requests/{link.pk}/accept/").status_code == 405


def test_accept_then_revoke_then_accept_again_through_the_page(personas: Personas) -> None:
    link = persona_link(personas)
    client = signed_in(personas.admin)
    html = client.get("/supplier-requests/").content.decode()
    assert f"/supplier-requests/{link.pk}/accept/" in html
    assert f"/supplier-requests/{link.pk}/decline/" in html
    assert f"/supplier-requests/{link.pk}/revoke/" not in html

    page = client.post(f"/supplier-requests/{link.pk}/accept/", follow=True).content.decode()
    assert "You now share your results with" in page
    link.refresh_from_db()
    assert link.status == "accepted" and link.consented_at is not None
    assert f"/supplier-requests/{link.pk}/revoke/" in page
    assert f"/supplier-requests/{link.pk}/accept/" not in page

    page = client.post(f"/supplier-requests/{link.pk}/revoke/", follow=True).content.decode()
    assert "You stopped sharing your results with" in page
    link.refresh_from_db()
    assert link.status == "revoked"


def test_decline_then_change_ones_mind(personas: Personas) -> None:
    link = persona_link(personas)
    client = signed_in(personas.admin)
    page = client.post(f"/supplier-requests/{link.pk}/decline/", follow=True).content.decode()
    assert "You declined the request of" in page
    link.refresh_from_db()
    assert link.status == "declined"
    assert f"/supplier-requests/{link.pk}/accept/" in page  # a declined request may be accepted
    client.post(f"/supplier-requests/{link.pk}/accept/")
    link.refresh_from_db()
    assert link.status == "accepted"


def test_a_decision_not_allowed_from_the_status_is_a_message(personas: Personas) -> None:
    link = persona_link(personas)  # invited: revoke is not allowed
    client = signed_in(personas.admin)
    response = client.post(f"/supplier-requests/{link.pk}/revoke/", follow=True)
    assert response.status_code == 200
    html = response.content.decode()
    assert 'class="error"' in html and "Not allowed while the link" in html
    link.refresh_from_db()
    assert link.status == "invited"


def test_the_requests_page_is_in_chinese_by_default(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.admin)
    response = client.get("/supplier-requests/")
    assert response.status_code == 200
    assert '<html lang="zh-hans">' in response.content.decode()


def test_the_registration_page_fills_in_the_code_from_the_invitation(client: Client) -> None:
    uscc = valid_uscc("320583")
    html = client.get(f"/register/?uscc={uscc}").content.decode()
    assert f'value="{uscc}"' in html


def test_the_registration_page_without_a_code_leaves_it_empty(client: Client) -> None:
    html = client.get("/register/").content.decode()
    assert 'name="uscc"' in html and 'name="uscc" value=' not in html


def test_the_suppliers_tab_shows_for_members(personas: Personas) -> None:
    pk = personas.enterprise.pk
    member = signed_in(personas.viewer)
    for url in (
        f"/enterprises/{pk}/",
        f"/enterprises/{pk}/members/",
        f"/enterprises/{pk}/assessments/",
    ):
        assert f"/enterprises/{pk}/suppliers/" in member.get(url).content.decode()
    officer_page = signed_in(personas.officer).get(f"/enterprises/{pk}/").content.decode()
    assert f"/enterprises/{pk}/suppliers/" not in officer_page


def test_the_requests_page_does_a_fixed_number_of_queries(personas: Personas) -> None:
    client = signed_in(personas.admin)

    def add_anchors(n: int) -> None:
        for _ in range(n):
            SupplierLink.objects.create(
                anchor=EnterpriseFactory(),
                supplier=personas.enterprise,
                supplier_uscc=personas.enterprise.uscc,
                supplier_name=personas.enterprise.name,
            )

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            assert client.get("/supplier-requests/").status_code == 200
        return len(ctx.captured_queries)

    add_anchors(2)
    few = count()
    add_anchors(17)
    assert count() == few
