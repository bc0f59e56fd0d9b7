"""Platform staff read and filter the audit log on /audit/ and GET /api/v1/audit-events/;
nobody else can."""

from __future__ import annotations

from datetime import datetime, timedelta

import pytest
from django.db import connection, transaction
from django.test import Client
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enterprises.audit import audit_record
from enterprises.models import AuditAction, AuditEvent
from tests.conftest import Personas, api_as
from tests.factories import EnterpriseFactory, UserFactory

pytestmark = pytest.mark.django_db

READ = {
    "admin": 403,
    "editor": 403,
    "viewer": 403,
    "outsider": 403,
    "anchor": 403,
    "officer": 403,
    "other_officer": 403,
    "assessor": 403,
    "platform_admin": 200,
}


def record(action: str, *, actor=None, enterprise=None, when: datetime | None = None, **details):
    with transaction.atomic():
        event = audit_record(action=action, actor=actor, enterprise=enterprise, details=details)
    if when is not None:
        AuditEvent.objects.filter(pk=event.pk).update(created_at=when)
    return event


@pytest.fixture
def events(personas: Personas) -> dict[str, AuditEvent]:
    day = timezone.make_aware(datetime(2026, 3, 10, 9, 30))
    return {
        "role": record(
            AuditAction.MEMBERSHIP_ROLE_CHANGED,
            actor=personas.admin,
            enterprise=personas.enterprise,
            when=day,
            username="ent-viewer",
            **{"from": "viewer", "to": "editor"},
        ),
        "revoke": record(
            AuditAction.CERTIFICATE_REVOKED,
            actor=personas.officer,
            enterprise=personas.outsider_enterprise,
            when=day + timedelta(days=2),
            serial="TF-2026-320115-000001",
            reason="虚假材料",
        ),
        "consent": record(
            AuditAction.SUPPLIER_LINK_ACCEPTED,
            actor=personas.admin,
            enterprise=personas.enterprise,
            when=day + timedelta(days=5),
            anchor="无锡链主集团",
        ),
    }


@pytest.mark.parametrize(("persona", "expected"), READ.items())
def test_only_platform_staff_read_the_audit_page(
    personas: Personas, events, persona: str, expected: int
) -> None:
    client = Client()
    client.force_login(personas.all()[persona])
    response = client.get("/audit/")
    assert response.status_code == expected
    if expected == 200:
        assert "审计日志" in response.content.decode()
        assert response.context["page"].paginator.count == AuditEvent.objects.count()


@pytest.mark.parametrize(("persona", "expected"), READ.items())
def test_only_platform_staff_read_the_audit_api(
    personas: Personas, events, persona: str, expected: int
) -> None:
    response = api_as(personas.all()[persona]).get("/api/v1/audit-events/")
    assert response.status_code == expected
    if expected == 200:
        assert response.json()["count"] == 3


def test_signed_out_visitors_are_sent_to_sign_in_or_told_401(db, api) -> None:
    page = Client().get("/audit/")
    assert page.status_code == 302 and page["Location"].startswith("/login/")
    assert api.get("/api/v1/audit-events/").status_code == 401


def test_the_staff_link_shows_only_to_staff(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.platform_admin)
    assert 'href="/audit/"' in client.get("/dashboard/").content.decode()
    client.force_login(personas.officer)
    assert 'href="/audit/"' not in client.get("/dashboard/").content.decode()


def ids(response) -> list[int]:
    return [row["id"] for row in response.json()["results"]]


def test_the_api_filters_by_action_actor_enterprise_and_dates(
    personas: Personas, events: dict[str, AuditEvent]
) -> None:
    client = api_as(personas.platform_admin)
    url = "/api/v1/audit-events/"
    assert ids(client.get(url, {"action": "certificate.revoked"})) == [events["revoke"].pk]
    assert ids(client.get(url, {"actor": "ENT-ADMIN"})) == [
        events["consent"].pk,
        events["role"].pk,
    ]
    assert ids(client.get(url, {"enterprise": personas.outsider_enterprise.pk})) == [
        events["revoke"].pk
    ]
    # Local dates, both ends included: 10 March to 12 March holds the first two.
    assert ids(client.get(url, {"since": "2026-03-10", "until": "2026-03-12"})) == [
        events["revoke"].pk,
        events["role"].pk,
    ]
    assert ids(client.get(url, {"since": "2026-03-11"})) == [
        events["consent"].pk,
        events["revoke"].pk,
    ]
    combined = client.get(url, {"actor": "ent-admin", "until": "2026-03-14"})
    assert ids(combined) == [events["role"].pk]
    body = combined.json()["results"][0]
    assert body["action"] == "membership.role_changed"
    assert body["actor"] == {"id": personas.admin.pk, "username": "ent-admin"}
    assert body["enterprise"] == {"id": personas.enterprise.pk, "name": personas.enterprise.name}
    assert body["details"] == {"username": "ent-viewer", "from": "viewer", "to": "editor"}


def test_bad_filters_are_a_400_naming_the_field(personas: Personas) -> None:
    client = api_as(personas.platform_admin)
    bad = client.get("/api/v1/audit-events/", {"action": "nope", "since": "yesterday"})
    assert bad.status_code == 400
    assert {"action", "since"} <= set(bad.json()["errors"])
    backwards = client.get("/api/v1/audit-events/", {"since": "2026-03-12", "until": "2026-03-10"})
    assert backwards.status_code == 400
    assert list(backwards.json()["errors"]) == ["until"]


def test_the_page_filters_keeps_filters_across_pages_and_explains_empty_results(
    personas: Personas, events: dict[str, AuditEvent]
) -> None:
    client = Client()
    client.force_login(personas.platform_admin)
    revoked = client.get("/audit/", {"action": "certificate.revoked"})
    rows = list(revoked.context["page"])
    assert rows == [events["revoke"]]
    html = revoked.content.decode()
    assert "证书被撤销" in html and "虚假材料" in html and "TF-2026-320115-000001" in html
    enterprise = client.get("/audit/", {"enterprise": personas.enterprise.pk})
    assert enterprise.context["filtered_enterprise"] == personas.enterprise
    nothing = client.get("/audit/", {"actor": "nobody"})
    assert "没有符合这些筛选条件的事件" in nothing.content.decode()
    invalid = client.get("/audit/", {"since": "not-a-date"})
    assert invalid.status_code == 200
    assert invalid.context["form"].errors["since"]
    # 60 more events: the second page's link carries the filter.
    for _ in range(60):
        record(AuditAction.SIGN_IN_FAILED, enterprise=None)
    paged = client.get("/audit/", {"action": "sign_in.failed"})
    assert paged.context["page"].paginator.num_pages == 2
    assert "?action=sign_in.failed&amp;page=2" in paged.content.decode()


def test_an_empty_log_says_so(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.platform_admin)
    AuditEvent.objects.all().delete()  # the sign-in above is an event too
    assert "尚无任何记录" in client.get("/audit/").content.decode()


def grow(count: int) -> None:
    """`count` events, each by its own person about its own enterprise."""
    for _ in range(count):
        record(
            AuditAction.MEMBERSHIP_ADDED,
            actor=UserFactory(),
            enterprise=EnterpriseFactory(),
            username="x",
            role="viewer",
        )


def test_the_page_and_the_api_do_a_constant_number_of_queries(personas: Personas) -> None:
    page_client = Client()
    page_client.force_login(personas.platform_admin)
    api_client = api_as(personas.platform_admin)
    counts = []
    for size in (3, 30):
        grow(size)
        with CaptureQueriesContext(connection) as page_queries:
            assert page_client.get("/audit/").status_code == 200
        with CaptureQueriesContext(connection) as api_queries:
            assert api_client.get("/api/v1/audit-events/").status_code == 200
        counts.append((len(page_queries), len(api_queries)))
    assert counts[0] == counts[1], counts
