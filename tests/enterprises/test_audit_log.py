"""The audit log: each sensitive action writes exactly one event, in the action's own
transaction, and an action that fails or rolls back writes none."""

from __future__ import annotations

import pytest
from django.db import connections, transaction
from django.test import Client

from assessments.models import Assessment
from assessments.services.assessments import answer_save, assessment_submit
from enterprises import services
from enterprises.audit import audit_record
from enterprises.models import AuditAction, AuditEvent, Membership, Role, SupplierLink
from enterprises.services_supply import supplier_link_accept
from reports.models import Certificate
from tests.conftest import PASSWORD, Personas, api_as

pytestmark = pytest.mark.django_db


def only_event(action: str) -> AuditEvent:
    events = list(AuditEvent.objects.filter(action=action))
    assert len(events) == 1, events
    return events[0]


def assert_no_events(*actions: str) -> None:
    assert not AuditEvent.objects.filter(action__in=actions).exists()


# ---- sign-in -----------------------------------------------------------------------------


def test_a_sign_in_on_the_page_writes_one_event_with_the_address(personas: Personas) -> None:
    response = Client().post(
        "/login/", {"username": "ent-admin", "password": PASSWORD}, REMOTE_ADDR="10.1.2.3"
    )
    assert response.status_code == 302
    event = only_event(AuditAction.SIGN_IN_SUCCEEDED)
    assert event.actor == personas.admin
    assert event.actor_username == "ent-admin"
    assert event.actor_ip == "10.1.2.3"
    assert event.details == {"via": "web"}
    assert_no_events(AuditAction.SIGN_IN_FAILED)


def test_a_failed_sign_in_writes_one_event_naming_what_was_typed(personas: Personas) -> None:
    response = Client().post("/login/", {"username": "ent-admin", "password": "wrong"})
    assert response.status_code == 200
    event = only_event(AuditAction.SIGN_IN_FAILED)
    assert event.actor is None
    assert event.actor_username == "ent-admin"
    assert event.actor_ip == "127.0.0.1"
    assert event.details == {"via": "web", "locked_out": False}
    assert_no_events(AuditAction.SIGN_IN_SUCCEEDED)


def test_obtaining_an_api_token_is_audited_as_a_sign_in(personas: Personas, api) -> None:
    ok = api.post("/api/v1/auth/token/", {"username": "ent-viewer", "password": PASSWORD})
    assert ok.status_code == 200
    event = only_event(AuditAction.SIGN_IN_SUCCEEDED)
    assert (event.actor, event.details) == (personas.viewer, {"via": "api"})
    bad = api.post("/api/v1/auth/token/", {"username": "ent-viewer", "password": "nope"})
    assert bad.status_code == 400
    failed = only_event(AuditAction.SIGN_IN_FAILED)
    assert failed.actor_username == "ent-viewer"
    assert failed.details["via"] == "api"


# ---- roles -------------------------------------------------------------------------------


def test_a_role_change_writes_one_event_with_before_and_after(personas: Personas) -> None:
    membership = Membership.objects.get(user=personas.viewer)
    response = api_as(personas.admin).patch(
        f"/api/v1/enterprises/{personas.enterprise.pk}/members/{membership.pk}/",
        {"role": "editor"},
        format="json",
    )
    assert response.status_code == 200
    event = only_event(AuditAction.MEMBERSHIP_ROLE_CHANGED)
    assert event.actor == personas.admin
    assert event.enterprise == personas.enterprise
    assert (event.target_type, event.target_id) == ("membership", str(membership.pk))
    assert event.details == {"username": "ent-viewer", "from": "viewer", "to": "editor"}


def test_giving_a_member_the_role_they_have_writes_nothing(personas: Personas) -> None:
    membership = Membership.objects.get(user=personas.viewer)
    services.membership_change_role(membership=membership, role=Role.VIEWER, actor=personas.admin)
    assert_no_events(AuditAction.MEMBERSHIP_ROLE_CHANGED)


def test_a_refused_role_change_writes_nothing(personas: Personas) -> None:
    membership = Membership.objects.get(user=personas.admin)
    response = api_as(personas.admin).patch(
        f"/api/v1/enterprises/{personas.enterprise.pk}/members/{membership.pk}/",
        {"role": "viewer"},
        format="json",
    )
    assert response.status_code == 409  # the last administrator
    assert_no_events(AuditAction.MEMBERSHIP_ROLE_CHANGED)


def test_adding_and_removing_a_member_each_write_one_event(personas: Personas) -> None:
    client = Client()
    client.force_login(personas.admin)
    url = f"/enterprises/{personas.enterprise.pk}/members/"
    client.post(
        url + "add/",
        {
            "username": "new-hire",
            "role": "editor",
            "email": "new@example.com",
            "password": "a-Strong-pass-2026",
        },
    )
    added = only_event(AuditAction.MEMBERSHIP_ADDED)
    assert added.actor == personas.admin
    assert added.details == {"username": "new-hire", "role": "editor", "account_created": True}
    membership = Membership.objects.get(user__username="new-hire")
    client.post(f"{url}{membership.pk}/remove/")
    removed = only_event(AuditAction.MEMBERSHIP_REMOVED)
    assert removed.enterprise == personas.enterprise
    assert removed.details == {"username": "new-hire", "role": "editor"}
    assert not Membership.objects.filter(user__username="new-hire").exists()


# ---- review decisions and revocations -----------------------------------------------------


def pending_review(personas: Personas, draft: Assessment) -> Assessment:
    """The test framework's L2 needs a review: submit with both answers at their best."""
    for key, value in (("q_net", "full"), ("q_mes", True)):
        answer_save(
            assessment=draft, user=personas.editor, question_key=key, value=value, base_revision=0
        )
    submitted = assessment_submit(assessment=draft, user=personas.editor, pledge=True)
    assert submitted.status == Assessment.Status.PENDING_REVIEW
    return submitted


@pytest.mark.parametrize("decision", ["confirm", "return"])
def test_a_review_decision_writes_one_event(personas: Personas, draft, decision: str) -> None:
    assessment = pending_review(personas, draft)
    response = api_as(personas.assessor).post(
        f"/api/v1/assessments/{assessment.pk}/review/",
        {"decision": decision, "comment": "现场核查"},
        format="json",
    )
    assert response.status_code == 200, response.content
    event = only_event(AuditAction.ASSESSMENT_REVIEWED)
    assert event.actor == personas.assessor
    assert event.enterprise == personas.enterprise
    assert (event.target_type, event.target_id) == ("assessment", str(assessment.pk))
    assert event.details["decision"] == decision
    assert event.details["comment"] == "现场核查"


def test_a_refused_review_writes_nothing(personas: Personas, draft) -> None:
    assessment = pending_review(personas, draft)
    response = api_as(personas.assessor).post(
        f"/api/v1/assessments/{assessment.pk}/review/",
        {"decision": "return", "comment": ""},
        format="json",
    )
    assert response.status_code == 400
    assert_no_events(AuditAction.ASSESSMENT_REVIEWED)


@pytest.fixture
def certificate(personas: Personas, draft, django_capture_on_commit_callbacks) -> Certificate:
    for key, value in (("q_net", "full"), ("q_mes", False)):  # L1: self-assessed
        answer_save(
            assessment=draft, user=personas.editor, question_key=key, value=value, base_revision=0
        )
    with django_capture_on_commit_callbacks(execute=True):
        assessment_submit(assessment=draft, user=personas.editor, pledge=True)
    return Certificate.objects.get(assessment=draft)


def test_a_revocation_writes_one_event_and_a_second_attempt_none(
    personas: Personas, certificate: Certificate
) -> None:
    url = f"/api/v1/certificates/{certificate.serial}/revoke/"
    first = api_as(personas.officer).post(url, {"reason": "虚假材料"}, format="json")
    assert first.status_code == 200, first.content
    event = only_event(AuditAction.CERTIFICATE_REVOKED)
    assert event.actor == personas.officer
    assert event.enterprise == personas.enterprise
    assert event.details == {"serial": certificate.serial, "level": "L1", "reason": "虚假材料"}
    second = api_as(personas.officer).post(url, {"reason": "再次"}, format="json")
    assert second.status_code == 409
    assert AuditEvent.objects.filter(action=AuditAction.CERTIFICATE_REVOKED).count() == 1


# ---- consent -----------------------------------------------------------------------------


def test_each_consent_decision_writes_one_event(personas: Personas) -> None:
    link = SupplierLink.objects.get(anchor=personas.anchor_enterprise)
    client = api_as(personas.admin)
    steps = [
        ("accept", AuditAction.SUPPLIER_LINK_ACCEPTED, "invited", "accepted"),
        ("revoke", AuditAction.SUPPLIER_LINK_REVOKED, "accepted", "revoked"),
    ]
    for verb, action, before, after in steps:
        response = client.post(f"/api/v1/supplier-links/{link.pk}/{verb}/")
        assert response.status_code == 200, response.content
        event = only_event(action)
        assert event.actor == personas.admin
        assert event.enterprise == personas.enterprise  # the supplier, whose consent it is
        assert event.details == {
            "anchor_id": personas.anchor_enterprise.pk,
            "anchor": personas.anchor_enterprise.name,
            "from": before,
            "to": after,
        }


def test_declining_on_the_page_writes_one_event(personas: Personas) -> None:
    link = SupplierLink.objects.get(anchor=personas.anchor_enterprise)
    client = Client()
    client.force_login(personas.admin)
    client.post(f"/supplier-requests/{link.pk}/decline/")
    event = only_event(AuditAction.SUPPLIER_LINK_DECLINED)
    assert event.actor == personas.admin
    assert event.actor_ip == "127.0.0.1"


def test_a_consent_decision_from_the_wrong_state_writes_nothing(personas: Personas) -> None:
    link = SupplierLink.objects.get(anchor=personas.anchor_enterprise)
    response = api_as(personas.admin).post(f"/api/v1/supplier-links/{link.pk}/revoke/")
    assert response.status_code == 409
    assert_no_events(AuditAction.SUPPLIER_LINK_REVOKED)


# ---- transactions ------------------------------------------------------------------------


def test_an_action_rolled_back_after_the_fact_takes_its_event_with_it(
    personas: Personas,
) -> None:
    link = SupplierLink.objects.get(anchor=personas.anchor_enterprise)

    class Abort(Exception):
        pass

    with pytest.raises(Abort), transaction.atomic():
        supplier_link_accept(link=link, actor=personas.admin)
        assert AuditEvent.objects.filter(action=AuditAction.SUPPLIER_LINK_ACCEPTED).exists()
        raise Abort
    link.refresh_from_db()
    assert link.status == SupplierLink.Status.INVITED
    assert_no_events(AuditAction.SUPPLIER_LINK_ACCEPTED)


def test_recording_outside_a_transaction_is_refused(monkeypatch) -> None:
    # The test itself runs in a transaction; pretend, for the guard, that there is none.
    monkeypatch.setattr(connections["default"], "in_atomic_block", False)
    with pytest.raises(RuntimeError, match="transaction"):
        audit_record(action=AuditAction.EXPORT_REQUESTED, actor=None)
    monkeypatch.undo()
    assert not AuditEvent.objects.exists()


def test_an_export_request_can_be_recorded_for_its_enterprise(personas: Personas) -> None:
    with transaction.atomic():
        event = audit_record(
            action="export.requested",
            actor=personas.officer,
            target_type="exportjob",
            target_id=7,
            details={"kind": "cluster_xlsx"},
        )
    assert (event.action, event.target_id, event.actor_ip) == ("export.requested", "7", None)
    assert event.actor_username == "officer-sz"


def test_the_actor_defaults_to_whoever_is_signed_in_on_the_request(personas: Personas) -> None:
    from django.test import RequestFactory

    from enterprises.audit import request_context

    request = RequestFactory().post("/", REMOTE_ADDR="192.0.2.7")
    request.user = personas.anchor
    with request_context(request), transaction.atomic():
        event = audit_record(action=AuditAction.EXPORT_REQUESTED)
    assert (event.actor, event.actor_ip) == (personas.anchor, "192.0.2.7")
