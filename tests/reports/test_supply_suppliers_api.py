"""GET /api/v1/enterprises/{anchor}/suppliers/: an anchor's suppliers with each consenting
supplier's latest result, and the flow from invitation to a shared result."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from assessments.models import Assessment, FrameworkVersion
from enterprises.models import SupplierLink
from tests.conftest import Personas, api_as
from tests.factories import EnterpriseFactory, valid_uscc
from tests.reports.conftest import BEST, LEVEL1, store_submitted

pytestmark = pytest.mark.django_db


def persona_link(personas: Personas) -> SupplierLink:
    return SupplierLink.objects.get(anchor=personas.anchor_enterprise, supplier=personas.enterprise)


def suppliers_url(personas: Personas) -> str:
    return f"/api/v1/enterprises/{personas.anchor_enterprise.pk}/suppliers/"


# Who may read an enterprise's supplier list: its members, whatever their role.
SUPPLIERS_READ = {
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


@pytest.mark.parametrize(("persona", "expected"), SUPPLIERS_READ.items())
def test_only_members_read_an_enterprises_supplier_list(
    personas: Personas, persona: str, expected: int
) -> None:
    SupplierLink.objects.create(
        anchor=personas.enterprise, supplier_uscc=valid_uscc(), supplier_name="供应商甲"
    )
    response = api_as(personas.all()[persona]).get(
        f"/api/v1/enterprises/{personas.enterprise.pk}/suppliers/"
    )
    assert response.status_code == expected
    if expected == 200:
        assert [row["supplier"]["name"] for row in response.json()] == ["供应商甲"]


def test_the_anchors_admin_reads_its_supplier_list(personas: Personas, api) -> None:
    body = api_as(personas.anchor).get(suppliers_url(personas)).json()
    link = persona_link(personas)
    assert body == [
        {
            "id": link.pk,
            "supplier": {
                "id": personas.enterprise.pk,
                "name": personas.enterprise.name,
                "uscc": personas.enterprise.uscc,
            },
            "status": "invited",
            "progress": "invited",
            "tier": 1,
            "tags": [],
            "parent": None,
            "latest": None,
        }
    ]
    assert api.get(suppliers_url(personas)).status_code == 401


def test_latest_is_null_until_the_supplier_consents(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    store_submitted(personas.enterprise, LEVEL1)
    link = persona_link(personas)
    client = api_as(personas.anchor)
    for status in ("invited", "declined", "revoked"):
        link.status = status
        link.save()
        assert client.get(suppliers_url(personas)).json()[0]["latest"] is None
    link.status = "accepted"
    link.save()
    latest = client.get(suppliers_url(personas)).json()[0]["latest"]
    assert latest["framework"] == "report-fw"
    assert latest["level"] == "L1"
    assert latest["total"] == 3.0


def test_latest_is_the_most_recent_counted_assessment_with_the_confirmed_level(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    link = persona_link(personas)
    link.status = "accepted"
    link.save()
    now = timezone.now()
    store_submitted(personas.enterprise, LEVEL1, submitted_at=now - timedelta(days=30))
    confirmed = store_submitted(
        personas.enterprise,
        BEST,
        status=Assessment.Status.CONFIRMED,
        submitted_at=now - timedelta(days=10),
    )
    confirmed.confirmed_level_code = "L1"  # the reviewer confirmed less than claimed
    confirmed.save()
    # A later returned assessment does not count.
    store_submitted(
        personas.enterprise,
        BEST,
        status=Assessment.Status.RETURNED,
        submitted_at=now - timedelta(days=1),
    )
    latest = api_as(personas.anchor).get(suppliers_url(personas)).json()[0]["latest"]
    assert latest["level"] == "L1"
    assert latest["level_confirmed"] is True
    assert latest["total"] == 8.0


def test_after_revoke_the_anchor_sees_no_result_and_cannot_open_the_assessment(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    assessment = store_submitted(personas.enterprise, BEST)
    anchor = api_as(personas.anchor)
    supplier_admin = api_as(personas.admin)
    link = persona_link(personas)
    assert anchor.get(f"/api/v1/assessments/{assessment.pk}/").status_code == 404
    assert supplier_admin.post(f"/api/v1/supplier-links/{link.pk}/accept/").status_code == 200
    assert anchor.get(suppliers_url(personas)).json()[0]["latest"]["total"] == 8.0
    # Even with consent the anchor sees the headline only, never the assessment itself.
    assert anchor.get(f"/api/v1/assessments/{assessment.pk}/").status_code == 404
    assert supplier_admin.post(f"/api/v1/supplier-links/{link.pk}/revoke/").status_code == 200
    row = anchor.get(suppliers_url(personas)).json()[0]
    assert row["status"] == "revoked"
    assert row["latest"] is None
    assert anchor.get(f"/api/v1/assessments/{assessment.pk}/").status_code == 404


def test_the_supplier_list_does_a_fixed_number_of_queries(
    personas: Personas, report_framework: FrameworkVersion
) -> None:
    client = api_as(personas.anchor)
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

    def count() -> tuple[int, int]:
        with CaptureQueriesContext(connection) as ctx:
            response = client.get(suppliers_url(personas))
        assert response.status_code == 200
        with_latest = sum(1 for row in response.json() if row["latest"] is not None)
        return len(ctx.captured_queries), with_latest

    add_suppliers(3)
    few, shown = count()
    assert shown == 2
    add_suppliers(17)
    many, shown = count()
    assert shown == 2 + 11
    assert many == few


def test_invitation_to_registration_to_consent_to_a_shared_result(
    personas: Personas,
    report_framework: FrameworkVersion,
    api,
    django_capture_on_commit_callbacks,
) -> None:
    anchor = api_as(personas.anchor)
    uscc = valid_uscc("320583")
    with django_capture_on_commit_callbacks(execute=True):
        invited = anchor.post(
            suppliers_url(personas),
            {"uscc": uscc, "name": "昆山精密制造", "contact_email": "boss@ks.example.com"},
            format="json",
        )
    assert invited.status_code == 201
    assert invited.json()["status"] == "invited"
    link_id = invited.json()["id"]
    assert len(mail.outbox) == 1
    assert f"/register/?uscc={uscc}" in mail.outbox[0].body

    registered = api.post(
        "/api/v1/auth/register/",
        {
            "username": "kunshan-admin",
            "password": "a-Strong-pass-2026",
            "email": "boss@ks.example.com",
            "enterprise": {
                "name": "昆山精密制造有限公司",
                "uscc": uscc,
                "region_code": "320583",
                "industry_code": "C34",
                "employees": 350,
                "revenue_10k_yuan": "25000",
            },
        },
        format="json",
    )
    assert registered.status_code == 201, registered.content
    supplier_id = registered.json()["enterprise"]["id"]
    assert SupplierLink.objects.get(pk=link_id).supplier_id == supplier_id

    supplier = api_as(None)
    supplier.credentials(HTTP_AUTHORIZATION=f"Token {registered.json()['token']}")
    links = supplier.get("/api/v1/supplier-links/").json()
    assert [link["id"] for link in links] == [link_id]
    assert supplier.post(f"/api/v1/supplier-links/{link_id}/accept/").status_code == 200

    row = next(r for r in anchor.get(suppliers_url(personas)).json() if r["id"] == link_id)
    assert row["status"] == "accepted"
    assert row["supplier"]["id"] == supplier_id
    assert row["latest"] is None  # nothing submitted yet

    started = supplier.post(
        "/api/v1/assessments/", {"enterprise": supplier_id, "framework": "report-fw"}, format="json"
    )
    assert started.status_code == 201, started.content
    assessment_id = started.json()["id"]
    for key, value in LEVEL1.items():
        saved = supplier.put(
            f"/api/v1/assessments/{assessment_id}/answers/{key}/",
            {"value": value, "base_revision": 0},
            format="json",
        )
        assert saved.status_code == 200, saved.content
    submitted = supplier.post(
        f"/api/v1/assessments/{assessment_id}/submit/", {"pledge": True}, format="json"
    )
    assert submitted.status_code == 200, submitted.content

    row = next(r for r in anchor.get(suppliers_url(personas)).json() if r["id"] == link_id)
    assert row["latest"]["framework"] == "report-fw"
    assert row["latest"]["level"] == "L1"
    assert row["latest"]["total"] == 3.0
    assert row["latest"]["submitted_at"]
