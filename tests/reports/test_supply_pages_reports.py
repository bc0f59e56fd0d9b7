"""The anchor firm's supplier page: /enterprises/{pk}/suppliers/ with its invite and
bulk upload forms, access as the API, consent honoured, queries fixed."""

from __future__ import annotations

import pytest
from django.core import mail
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection
from django.test import Client
from django.test.utils import CaptureQueriesContext

from assessments.models import FrameworkVersion
from enterprises.models import SupplierLink
from tests.conftest import Personas
from tests.factories import EnterpriseFactory, valid_uscc
from tests.reports.conftest import LEVEL1, store_submitted

pytestmark = pytest.mark.django_db


def signed_in(user) -> Client:
    client = Client()
    client.force_login(user)
    return client


def page_url(personas: Personas, anchor: bool = False) -> str:
    enterprise = personas.anchor_enterprise if anchor else personas.enterprise
    return f"/enterprises/{enterprise.pk}/suppliers/"


def csv_file(rows: list[list[str]]) -> SimpleUploadedFile:
    text = "\n".join(",".join(row) for row in rows) + "\n"
    return SimpleUploadedFile("s.csv", text.encode("utf-8"), content_type="text/csv")


SUPPLIERS_PAGE = {
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


@pytest.mark.parametrize(("persona", "expected"), SUPPLIERS_PAGE.items())
def test_only_members_see_an_enterprises_supplier_page(
    personas: Personas, persona: str, expected: int
) -> None:
    SupplierLink.objects.create(
        anchor=personas.enterprise, supplier_uscc=valid_uscc(), supplier_name="供应商甲"
    )
    response = signed_in(personas.all()[persona]).get(page_url(personas))
    assert response.status_code == expected
    if expected == 200:
        html = response.content.decode()
        assert "供应商甲" in html
        # Only the admin gets the forms.
        assert ('name="contact_email"' in html) == (persona == "admin")
        assert ("suppliers/import/template/" in html) == (persona == "admin")


def test_an_anonymous_visitor_is_sent_to_sign_in(personas: Personas, client: Client) -> None:
    response = client.get(page_url(personas))
    assert response.status_code == 302
    assert "/login/" in response["Location"]


SUPPLIER_WRITES = {
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


@pytest.mark.parametrize(("persona", "expected"), SUPPLIER_WRITES.items())
def test_only_the_admin_invites_and_uploads(
    personas: Personas, persona: str, expected: int
) -> None:
    client = signed_in(personas.all()[persona])
    invite = client.post(
        f"/enterprises/{personas.enterprise.pk}/suppliers/invite/",
        {"uscc": valid_uscc(), "name": "乙", "contact_email": "b@example.com"},
    )
    upload = client.post(
        f"/enterprises/{personas.enterprise.pk}/suppliers/import/",
        {"file": csv_file([["uscc", "name", "contact_email"], [valid_uscc(), "丙", "c@ex.com"]])},
    )
    assert (invite.status_code, upload.status_code) == (expected, expected)
    created = SupplierLink.objects.filter(anchor=personas.enterprise).count()
    assert created == (2 if expected == 302 else 0)


def test_the_page_shows_the_latest_result_only_for_accepted_links(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    store_submitted(personas.enterprise, LEVEL1)
    link = SupplierLink.objects.get(anchor=personas.anchor_enterprise)
    client = signed_in(personas.anchor)
    client.cookies["django_language"] = "en"
    html = client.get(page_url(personas, anchor=True)).content.decode()
    assert personas.enterprise.name in html and personas.enterprise.uscc in html
    assert "Not shared" in html and "Report test framework" not in html
    link.status = "accepted"
    link.save()
    html = client.get(page_url(personas, anchor=True)).content.decode()
    assert "Not shared" not in html
    assert "Report test framework" in html and "Level 1" in html and "3.0" in html


def test_the_page_counts_links_by_status_and_has_an_empty_state(personas: Personas) -> None:
    client = signed_in(personas.admin)
    client.cookies["django_language"] = "en"
    html = client.get(page_url(personas)).content.decode()
    assert "No suppliers on your list yet." in html
    html = signed_in(personas.anchor).get(page_url(personas, anchor=True)).content.decode()
    assert '<dd class="count-invited">1</dd>' in html
    assert '<dd class="count-accepted">0</dd>' in html


def test_inviting_a_registered_supplier_links_it_without_email(
    personas: Personas, django_capture_on_commit_callbacks
) -> None:
    client = signed_in(personas.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/enterprises/{personas.enterprise.pk}/suppliers/invite/",
            {"uscc": personas.outsider_enterprise.uscc},
            follow=True,
        )
    assert response.status_code == 200
    link = SupplierLink.objects.get(anchor=personas.enterprise)
    assert link.supplier == personas.outsider_enterprise
    assert link.status == "invited"
    assert mail.outbox == []
    assert personas.outsider_enterprise.name in response.content.decode()


def test_inviting_an_unregistered_supplier_emails_a_registration_link(
    personas: Personas, django_capture_on_commit_callbacks
) -> None:
    uscc = valid_uscc("320583")
    client = signed_in(personas.admin)
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(
            f"/enterprises/{personas.enterprise.pk}/suppliers/invite/",
            {"uscc": uscc, "name": "昆山精密", "contact_email": "boss@ks.example.com"},
        )
    assert response.status_code == 302
    link = SupplierLink.objects.get(anchor=personas.enterprise)
    assert link.supplier is None and link.supplier_uscc == uscc
    assert len(mail.outbox) == 1
    assert mail.outbox[0].to == ["boss@ks.example.com"]
    assert f"/register/?uscc={uscc}" in mail.outbox[0].body


def test_an_invitation_with_problems_shows_them_beside_the_fields(personas: Personas) -> None:
    client = signed_in(personas.admin)
    client.cookies["django_language"] = "en"
    response = client.post(
        f"/enterprises/{personas.enterprise.pk}/suppliers/invite/",
        {"uscc": valid_uscc(), "name": "丁"},  # unregistered and no email
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "give an email to invite" in html
    assert 'class="field has-error"' in html
    assert not SupplierLink.objects.filter(anchor=personas.enterprise).exists()


def test_inviting_under_a_parent_puts_the_supplier_one_tier_down(personas: Personas) -> None:
    parent = SupplierLink.objects.create(
        anchor=personas.enterprise, supplier_uscc=valid_uscc(), supplier_name="一级供应商"
    )
    response = signed_in(personas.admin).post(
        f"/enterprises/{personas.enterprise.pk}/suppliers/invite/",
        {
            "uscc": valid_uscc(),
            "name": "二级",
            "contact_email": "t@ex.com",
            "parent": parent.supplier_uscc,
        },
    )
    assert response.status_code == 302
    child = SupplierLink.objects.get(anchor=personas.enterprise, supplier_name="二级")
    assert (child.parent_id, child.tier) == (parent.pk, 2)


def test_a_bulk_upload_with_problems_shows_every_row_and_imports_nothing(
    personas: Personas,
) -> None:
    client = signed_in(personas.admin)
    client.cookies["django_language"] = "en"
    upload = csv_file(
        [
            ["uscc", "name", "contact_email"],
            [valid_uscc(), "甲", "a@example.com"],
            ["91320505XXXXXXXXXX", "乙", "b@example.com"],
            [valid_uscc(), "", "not-an-email"],
        ]
    )
    response = client.post(
        f"/enterprises/{personas.enterprise.pk}/suppliers/import/", {"file": upload}
    )
    assert response.status_code == 200
    html = response.content.decode()
    assert "nothing was saved" in html
    assert "import-problems" in html
    assert "<td>3</td><td>uscc</td>" in html
    assert "<td>4</td><td>name</td>" in html
    assert "<td>4</td><td>contact_email</td>" in html
    assert not SupplierLink.objects.filter(anchor=personas.enterprise).exists()


def test_an_unreadable_or_missing_file_says_so(personas: Personas) -> None:
    client = signed_in(personas.admin)
    client.cookies["django_language"] = "en"
    url = f"/enterprises/{personas.enterprise.pk}/suppliers/import/"
    missing = client.post(url, {})
    assert missing.status_code == 200 and "has-error" in missing.content.decode()
    wrong = client.post(url, {"file": csv_file([["a", "b"], ["1", "2"]])})
    assert "Missing columns" in wrong.content.decode()
    assert not SupplierLink.objects.filter(anchor=personas.enterprise).exists()


def test_a_good_bulk_upload_imports_every_row(personas: Personas) -> None:
    upload = csv_file(
        [
            ["统一社会信用代码", "企业名称", "联系邮箱"],
            [valid_uscc(), "甲", "a@example.com"],
            [valid_uscc(), "乙", "b@example.com"],
        ]
    )
    response = signed_in(personas.admin).post(
        f"/enterprises/{personas.enterprise.pk}/suppliers/import/", {"file": upload}
    )
    assert response.status_code == 302
    assert SupplierLink.objects.filter(anchor=personas.enterprise).count() == 2


def test_the_template_link_downloads_with_the_session(personas: Personas) -> None:
    client = signed_in(personas.admin)
    response = client.get(
        f"/api/v1/enterprises/{personas.enterprise.pk}/suppliers/import/template/"
    )
    assert response.status_code == 200
    assert response.content[:2] == b"PK"


def test_the_supplier_page_does_a_fixed_number_of_queries(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    client = signed_in(personas.anchor)
    SupplierLink.objects.filter(anchor=personas.anchor_enterprise).delete()

    def add_suppliers(n: int) -> None:
        for i in range(n):
            supplier = EnterpriseFactory()
            SupplierLink.objects.create(
                anchor=personas.anchor_enterprise,
                supplier=supplier,
                supplier_uscc=supplier.uscc,
                supplier_name=supplier.name,
                status="accepted" if i % 3 else "invited",
            )
            store_submitted(supplier, LEVEL1)

    def count() -> int:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(page_url(personas, anchor=True))
        assert response.status_code == 200
        return len(ctx.captured_queries)

    add_suppliers(3)
    few = count()
    add_suppliers(17)
    assert count() == few


def test_the_supplier_page_shows_fifty_a_page(personas: Personas) -> None:
    SupplierLink.objects.bulk_create(
        SupplierLink(
            anchor=personas.enterprise, supplier_uscc=valid_uscc(), supplier_name=f"S{i:03d}"
        )
        for i in range(55)
    )
    client = signed_in(personas.viewer)
    first = client.get(page_url(personas)).content.decode()
    second = client.get(page_url(personas) + "?page=2").content.decode()
    assert "S049" in first and "S050" not in first
    assert "S050" in second and "S054" in second and "S000" not in second
