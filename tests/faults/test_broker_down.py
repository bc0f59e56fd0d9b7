"""Redis down: pages still serve, the user is told the job is queued, nothing is lost.

A Redis of the test's own is the broker and result backend (production's default: the
result backend is the broker's Redis). It is proven to take messages, then really
stopped; the enterprise submits and asks for its report PDF through the web stack while
nothing listens. Redis comes back empty (without persistence, as it would after a
restart), and beat's two sweeps, run by a real Celery worker, issue the certificate
exactly once and make both PDFs: what the outage held up lived in PostgreSQL.
"""

from __future__ import annotations

from collections.abc import Iterator
from datetime import timedelta

import pytest
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from assessments.models import Assessment
from assessments.services.assessments import answer_save
from reports.models import Certificate, GeneratedFile
from reports.services.files import STALE_AFTER
from tests.conftest import Personas
from tests.real_services import (
    RedisServer,
    celery_sending_to,
    celery_worker_running,
    private_redis,
)

pytestmark = [
    pytest.mark.integration,
    pytest.mark.django_db(transaction=True),
    pytest.mark.skipif(
        connection.vendor != "postgresql",
        reason="needs PostgreSQL: the Celery worker shares the test database; CI runs it",
    ),
]

QUEUE = "celery"  # the broker is ours alone: the default queue


@pytest.fixture
def redis_server() -> Iterator[RedisServer]:
    with private_redis() as server:
        yield server


def done(kind: str, object_id: int) -> GeneratedFile | None:
    row = GeneratedFile.objects.filter(kind=kind, object_id=object_id).first()
    if row is not None and row.state == GeneratedFile.State.FAILED:
        pytest.fail(f"the worker failed to make {kind}: {row.error}")
    return row if row is not None and row.state == GeneratedFile.State.DONE else None


def test_a_submission_and_a_pdf_request_survive_redis_stopped_and_are_settled_once_it_is_back(
    redis_server: RedisServer,
    reference_loaded: None,
    personas: Personas,
    draft: Assessment,
    settings,
) -> None:
    settings.GRADIENT_BROKER_CONFIGURED = True  # /healthz checks the broker
    for key, value in (("q_net", "full"), ("q_mes", False)):
        answer_save(
            assessment=draft, user=personas.editor, question_key=key, value=value, base_revision=0
        )
    client = Client()
    client.force_login(personas.editor)

    with celery_sending_to(QUEUE, broker_url=redis_server.url) as app:
        # The broker works: an enqueue lands in this Redis.
        app.signature("reports.sweep_unsettled").apply_async()
        assert redis_server.client().llen(QUEUE) == 1

        redis_server.stop()

        response = client.post(reverse("assessment-submit", args=[draft.pk]), {"pledge": "on"})
        assert response.status_code == 302  # the submission went through
        draft.refresh_from_db()
        assert draft.status == Assessment.Status.SUBMITTED
        assert not Certificate.objects.filter(assessment=draft).exists()  # its task was lost

        # Pages still serve; health says what is wrong; the PDF is shown as being made.
        assert client.get(reverse("assessment-result", args=[draft.pk])).status_code == 200
        health = client.get(reverse("healthz"))
        assert health.status_code == 503
        assert health.json()["checks"]["database"] == "ok"
        assert health.json()["checks"]["broker"].startswith("error")
        pending = client.get(reverse("report-pdf", args=[draft.pk]))
        assert pending.status_code == 202
        assert "正在生成" in pending.content.decode()
        report = GeneratedFile.objects.get(kind=GeneratedFile.Kind.REPORT_PDF, object_id=draft.pk)
        assert report.state == GeneratedFile.State.QUEUED

        redis_server.start()  # on the same port, empty: what it held is gone
        assert redis_server.client().llen(QUEUE) == 0
        assert client.get(reverse("healthz")).status_code == 200

        # Beat's sweeps, after their intervals: the report's message was lost longer
        # ago than a render may take, and the assessment has no certificate.
        GeneratedFile.objects.filter(pk=report.pk).update(
            updated_at=timezone.now() - STALE_AFTER - timedelta(minutes=1)
        )
        with celery_worker_running(
            broker_url=redis_server.url, result_backend=redis_server.url, queue=QUEUE
        ) as worker:
            app.signature("reports.sweep_unsettled").apply_async()
            app.signature("reports.requeue_stale_files").apply_async()

            certificate = worker.wait_for(
                lambda: Certificate.objects.filter(assessment=draft).first()
            )
            worker.wait_for(lambda: done(GeneratedFile.Kind.CERTIFICATE_PDF, certificate.pk))
            worker.wait_for(lambda: done(GeneratedFile.Kind.REPORT_PDF, draft.pk))

    assert Certificate.objects.filter(assessment=draft).count() == 1
    assert GeneratedFile.objects.filter(object_id=draft.pk, kind="report_pdf").count() == 1
    assert (
        certificate.serial
        in client.get(reverse("assessment-result", args=[draft.pk])).content.decode()
    )
    pdf = client.get(reverse("report-pdf", args=[draft.pk]))
    assert pdf.status_code == 200
    assert pdf["Content-Type"] == "application/pdf"
    assert b"".join(pdf.streaming_content).startswith(b"%PDF-")
