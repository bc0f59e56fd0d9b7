"""Certificates: issued exactly once, signed, superseded, revoked, verified in public."""

from __future__ import annotations

import io
import threading
from datetime import timedelta

import pytest
from django.db import connection, connections
from django.utils import timezone
from pypdf import PdfReader

from assessments.models import Assessment
from assessments.services.assessments import answer_save, assessment_review, assessment_submit
from reports import signing
from reports.models import Certificate, GeneratedFile
from reports.services import certificates as services
from tests.conftest import Personas, api_as

pytestmark = pytest.mark.django_db


def submit(personas: Personas, draft: Assessment, *, mes: bool) -> Assessment:
    answer_save(
        assessment=draft, user=personas.editor, question_key="q_net", value="full", base_revision=0
    )
    answer_save(
        assessment=draft, user=personas.editor, question_key="q_mes", value=mes, base_revision=0
    )
    return assessment_submit(assessment=draft, user=personas.editor, pledge=True)


@pytest.fixture
def issued(personas: Personas, draft, django_capture_on_commit_callbacks) -> Certificate:
    """A self-assessed L1 submission: the certificate and its PDF follow on commit."""
    with django_capture_on_commit_callbacks(execute=True):
        submit(personas, draft, mes=False)
    return Certificate.objects.get(assessment=draft)


def test_a_self_assessed_level_gets_a_certificate_and_its_pdf(
    issued: Certificate, personas
) -> None:
    assert issued.level_code == "L1"
    assert issued.level_name == "一级"
    assert issued.enterprise_name == personas.enterprise.name
    assert issued.serial.startswith(f"TF-{timezone.localtime().year}-320505-")
    assert issued.expires_at - issued.issued_at == timedelta(days=730)
    assert services.certificate_verify(issued).signature_valid
    pdf = GeneratedFile.objects.get(kind="certificate_pdf", object_id=issued.pk)
    assert pdf.state == "done" and pdf.progress == 100
    text = "".join(page.extract_text() for page in PdfReader(pdf.file.open("rb")).pages)
    for expected in (issued.enterprise_name, issued.serial, "一级"):
        assert expected in text.replace("\n", ""), expected


def test_a_level_awaiting_review_gets_no_certificate_until_confirmed(
    personas: Personas, draft, django_capture_on_commit_callbacks
) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        pending = submit(personas, draft, mes=True)
    assert pending.status == "pending_review"
    assert not Certificate.objects.exists()
    with django_capture_on_commit_callbacks(execute=True):
        assessment_review(
            assessment=pending, reviewer=personas.assessor, decision="confirm", comment=""
        )
    assert Certificate.objects.get(assessment=pending).level_code == "L2"


def test_issuing_twice_returns_the_same_certificate(issued: Certificate) -> None:
    again = services.certificate_issue(assessment_id=issued.assessment_id)
    assert again.pk == issued.pk
    assert Certificate.objects.count() == 1


@pytest.mark.parametrize(
    ("field", "value"),
    [
        ("serial", "TF-2026-320505-999999"),
        ("enterprise_name", "冒名顶替有限公司"),
        ("level_code", "L2"),
        ("level_name", "二级"),
        ("framework_version", "9"),
        ("framework_title", "别的框架"),
        ("issued_at", timezone.now() - timedelta(days=400)),
        ("expires_at", timezone.now() + timedelta(days=4000)),
    ],
)
def test_any_altered_field_breaks_the_signature(issued: Certificate, field: str, value) -> None:
    setattr(issued, field, value)
    assert services.certificate_verify(issued).signature_valid is False


def test_a_new_certificate_supersedes_the_previous_one(
    personas: Personas, issued: Certificate, django_capture_on_commit_callbacks
) -> None:
    from assessments.services.assessments import assessment_start

    second = assessment_start(
        enterprise=personas.enterprise, framework_code="test-fw", user=personas.editor
    )
    with django_capture_on_commit_callbacks(execute=True):
        submit(personas, second, mes=False)
    newer = Certificate.objects.get(assessment=second)
    issued.refresh_from_db()
    assert issued.status == "superseded"
    assert newer.status == "valid"
    assert newer.serial != issued.serial
    body = api_as(None).get(f"/api/v1/verify/{issued.serial}/").json()
    assert body["status"] == "superseded"
    assert body["signature_valid"] is True


def test_public_verification_shows_only_what_may_be_known(issued: Certificate, client) -> None:
    body = api_as(None).get(f"/api/v1/verify/{issued.serial}/").json()
    assert set(body) >= {
        "serial",
        "enterprise_name",
        "level",
        "framework",
        "issued_at",
        "expires_at",
        "status",
        "signature_valid",
    }
    text = str(body)
    assert issued.enterprise.uscc not in text
    assert "total" not in body and "score" not in text
    assert body["status"] == "valid" and body["signature_valid"] is True
    page = client.get(f"/verify/{issued.serial}/")
    assert page.status_code == 200
    html = page.content.decode()
    assert issued.enterprise_name in html and issued.serial in html
    assert issued.enterprise.uscc not in html
    assert signing.fingerprint() in html


def test_unknown_serials_are_404(client, db) -> None:
    assert api_as(None).get("/api/v1/verify/NOPE-1/").status_code == 404
    assert client.get("/verify/NOPE-1/").status_code == 404


def test_an_expired_certificate_says_so(issued: Certificate) -> None:
    Certificate.objects.filter(pk=issued.pk).update(expires_at=timezone.now() - timedelta(days=1))
    issued.refresh_from_db()
    verdict = services.certificate_verify(issued)
    assert verdict.status == "expired"
    assert verdict.signature_valid is False  # the stored dates were changed behind its back


# The enterprise's members read the certificate, so refusing them is a 403 (DESIGN.md: a
# role too low); those who cannot even read it get 404.
REVOKE = {
    "admin": 403,
    "editor": 403,
    "viewer": 403,
    "outsider": 404,
    "anchor": 404,
    "officer": 200,
    "other_officer": 404,
    "assessor": 404,
    "platform_admin": 200,
}


@pytest.mark.parametrize(("persona", "expected"), REVOKE.items())
def test_who_may_revoke(
    personas: Personas, issued: Certificate, persona: str, expected: int
) -> None:
    response = api_as(personas.all()[persona]).post(
        f"/api/v1/certificates/{issued.serial}/revoke/", {"reason": "证据造假"}, format="json"
    )
    assert response.status_code == expected
    issued.refresh_from_db()
    assert issued.status == ("revoked" if expected == 200 else "valid")


def test_a_member_who_reads_the_certificate_is_refused_its_revocation_with_a_403(
    personas: Personas, issued: Certificate
) -> None:
    url = f"/api/v1/certificates/{issued.serial}/revoke/"
    readable = api_as(personas.admin).get(
        f"/api/v1/assessments/{issued.assessment_id}/certificate/"
    )
    assert readable.status_code == 200
    refused = api_as(personas.admin).post(url, {"reason": "自行撤销"}, format="json")
    assert refused.status_code == 403
    assert refused.json()["detail"]
    hidden = api_as(personas.outsider).post(url, {"reason": "x"}, format="json")
    assert hidden.status_code == 404  # no hint to those who cannot read it
    issued.refresh_from_db()
    assert issued.status == Certificate.Status.VALID


def test_revocation_needs_a_reason_and_shows_on_verify(
    personas: Personas, issued: Certificate, client
) -> None:
    url = f"/api/v1/certificates/{issued.serial}/revoke/"
    assert api_as(personas.officer).post(url, {"reason": ""}, format="json").status_code == 400
    assert api_as(None).post(url, {"reason": "x"}, format="json").status_code == 401
    api_as(personas.officer).post(url, {"reason": "现场核查不符"}, format="json")
    body = api_as(None).get(f"/api/v1/verify/{issued.serial}/").json()
    assert body["status"] == "revoked"
    assert "现场核查不符" in client.get(f"/verify/{issued.serial}/").content.decode()
    assert api_as(personas.officer).post(url, {"reason": "again"}, format="json").status_code == 409


CERTIFICATE_READ = {
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


@pytest.mark.parametrize(("persona", "expected"), CERTIFICATE_READ.items())
def test_who_may_read_the_assessments_certificate(
    personas: Personas, issued: Certificate, persona: str, expected: int
) -> None:
    response = api_as(personas.all()[persona]).get(
        f"/api/v1/assessments/{issued.assessment_id}/certificate/"
    )
    assert response.status_code == expected
    if expected == 200:
        body = response.json()
        assert body["serial"] == issued.serial
        assert body["status"] == "valid"
        assert body["pdf_url"] == f"/certificates/{issued.serial}/pdf/"


def test_no_certificate_is_404_until_issued(personas: Personas, draft) -> None:
    response = api_as(personas.admin).get(f"/api/v1/assessments/{draft.pk}/certificate/")
    assert response.status_code == 404


def test_the_pdf_downloads_for_members_and_not_for_others(
    personas: Personas, issued: Certificate, client
) -> None:
    client.force_login(personas.viewer)
    response = client.get(f"/certificates/{issued.serial}/pdf/")
    assert response.status_code == 200
    assert response["Content-Type"] == "application/pdf"
    data = b"".join(response.streaming_content)
    assert PdfReader(io.BytesIO(data)).pages
    client.force_login(personas.outsider)
    assert client.get(f"/certificates/{issued.serial}/pdf/").status_code == 404


def test_a_failed_pdf_shows_why_and_can_be_retried(
    personas: Personas, issued: Certificate, client, django_capture_on_commit_callbacks
) -> None:
    GeneratedFile.objects.filter(object_id=issued.pk).update(state="failed", error="boom")
    client.force_login(personas.admin)
    page = client.get(f"/certificates/{issued.serial}/pdf/")
    assert page.status_code == 202
    assert "boom" in page.content.decode()
    with django_capture_on_commit_callbacks(execute=True):
        retry = client.post(f"/certificates/{issued.serial}/pdf/retry/")
    assert retry.status_code == 302
    assert GeneratedFile.objects.get(object_id=issued.pk).state == "done"


def test_rendering_twice_leaves_one_file(issued: Certificate) -> None:
    from reports.tasks import render_generated_file

    row = GeneratedFile.objects.get(kind="certificate_pdf", object_id=issued.pk)
    GeneratedFile.objects.filter(pk=row.pk).update(state="queued")
    render_generated_file(row.pk)
    GeneratedFile.objects.filter(pk=row.pk).update(state="queued")
    render_generated_file(row.pk)
    row.refresh_from_db()
    folder = row.file.storage.path(row.file.name).rsplit("/", 1)[0]
    import os

    mine = [n for n in os.listdir(folder) if n.startswith(f"certificate_pdf-{issued.pk}")]
    assert mine == [f"certificate_pdf-{issued.pk}.pdf"]
    assert GeneratedFile.objects.filter(kind="certificate_pdf", object_id=issued.pk).count() == 1


def test_the_sweep_settles_what_a_lost_task_left_behind(personas: Personas, draft) -> None:
    submit(personas, draft, mes=False)  # on-commit callbacks never run here: the task is "lost"
    assert not Certificate.objects.exists()
    from reports.tasks import sweep_unsettled

    assert sweep_unsettled() == 1
    assert Certificate.objects.filter(assessment=draft).exists()
    assert sweep_unsettled() == 0


@pytest.fixture
def personas_tx(reference_loaded: None, request: pytest.FixtureRequest):
    personas = request.getfixturevalue("personas")
    draft = request.getfixturevalue("draft")
    submit(personas, draft, mes=False)
    return personas, draft


@pytest.mark.django_db(transaction=True)
@pytest.mark.skipif(connection.vendor == "sqlite", reason="row locks need PostgreSQL")
def test_two_concurrent_issuers_make_exactly_one_certificate(personas_tx) -> None:
    _personas, draft = personas_tx
    results: list[int | None] = []

    def issue() -> None:
        try:
            certificate = services.certificate_issue(assessment_id=draft.pk)
            results.append(certificate.pk if certificate else None)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=issue) for _ in range(4)]
    for t in threads:
        t.start()
    for t in threads:
        t.join(timeout=60)
    assert len(results) == 4
    assert len(set(results)) == 1
    assert Certificate.objects.filter(assessment=draft).count() == 1
