"""Redis down: pages still serve, the user is told the job is queued, nothing is lost.

The broker is made unreachable for real: every enqueue tries to connect to a Redis port
where nothing listens and gets kombu's own connection error. Once the broker is back,
the periodic sweep settles what the outage left behind.
"""

from __future__ import annotations

import kombu
import pytest
from django.test import Client, TestCase
from django.urls import reverse

from assessments.models import Assessment
from assessments.services.assessments import answer_save
from reports.models import Certificate, GeneratedFile
from reports.tasks import sweep_unsettled
from tests.conftest import Personas

pytestmark = pytest.mark.django_db

DEAD_BROKER = "redis://127.0.0.1:1/0"  # port 1: nothing listens


@pytest.fixture
def broker_down(monkeypatch):
    from celery.canvas import Signature

    attempts: list[str] = []

    def unreachable(self, *args, **kwargs):
        attempts.append(self.task)
        with kombu.Connection(DEAD_BROKER, connect_timeout=1) as connection:
            connection.ensure_connection(max_retries=1)  # raises OperationalError
        raise AssertionError("a broker on port 1 answered")

    monkeypatch.setattr(Signature, "apply_async", unreachable)
    return attempts


def test_a_submission_and_a_pdf_request_survive_a_broker_outage(
    personas: Personas, draft: Assessment, broker_down: list[str]
) -> None:
    for key, value in (("q_net", "full"), ("q_mes", False)):
        answer_save(
            assessment=draft, user=personas.editor, question_key=key, value=value, base_revision=0
        )
    client = Client()
    client.force_login(personas.editor)

    with TestCase.captureOnCommitCallbacks(execute=True):
        response = client.post(reverse("assessment-submit", args=[draft.pk]), {"pledge": "on"})
    assert response.status_code == 302  # the submission itself went through
    draft.refresh_from_db()
    assert draft.status == Assessment.Status.SUBMITTED
    assert broker_down == ["reports.assessment_settled"]
    assert not Certificate.objects.filter(assessment=draft).exists()

    # Pages still serve, and the report PDF is shown as queued rather than failing.
    assert client.get(reverse("assessment-result", args=[draft.pk])).status_code == 200
    with TestCase.captureOnCommitCallbacks(execute=True):
        pending = client.get(reverse("report-pdf", args=[draft.pk]))
    assert pending.status_code == 202
    assert "正在生成" in pending.content.decode()
    assert GeneratedFile.objects.get(object_id=draft.pk).state == GeneratedFile.State.QUEUED

    # The broker is back: the periodic sweep issues the certificate the outage held up.
    sweep_unsettled.apply()
    assert Certificate.objects.filter(assessment=draft).count() == 1
