"""The Celery tasks survive what production does to them: redelivery after a killed
worker, retries after a transient database error, lost messages. Run eagerly here; the
integration tests run the same through a real worker."""

from __future__ import annotations

import io
import os
from datetime import timedelta

import kombu.exceptions
import pytest
from django.db import OperationalError
from django.utils import timezone
from pypdf import PdfReader

from assessments.models import Assessment
from assessments.services.assessments import answer_save, assessment_submit
from reports import tasks
from reports.models import Certificate, GeneratedFile
from reports.services import renderers
from tests.conftest import Personas

pytestmark = pytest.mark.django_db


@pytest.fixture
def settled(personas: Personas, draft: Assessment, django_capture_on_commit_callbacks):
    """A self-assessed level 1, settled: its certificate and the certificate's PDF."""
    with django_capture_on_commit_callbacks(execute=True):
        for key, value in (("q_net", "full"), ("q_mes", False)):
            answer_save(
                assessment=draft,
                user=personas.editor,
                question_key=key,
                value=value,
                base_revision=0,
            )
        assessment_submit(assessment=draft, user=personas.editor, pledge=True)
    certificate = Certificate.objects.get(assessment=draft)
    return certificate, GeneratedFile.objects.get(kind="certificate_pdf", object_id=certificate.pk)


def names_in_folder(row: GeneratedFile) -> list[str]:
    folder = os.path.dirname(row.file.storage.path(row.file.name))
    return sorted(n for n in os.listdir(folder) if n.startswith(f"{row.kind}-{row.object_id}"))


@pytest.mark.parametrize(
    "task",
    [
        tasks.assessment_settled,
        tasks.render_generated_file,
        tasks.sweep_unsettled,
        tasks.requeue_stale_files,
    ],
    ids=lambda t: t.name,
)
def test_every_task_acknowledges_late_retries_transient_errors_and_has_time_limits(task) -> None:
    assert task.acks_late and task.reject_on_worker_lost
    for transient in (OperationalError, kombu.exceptions.OperationalError):
        assert issubclass(transient, task.autoretry_for)
    assert not issubclass(ValueError, task.autoretry_for)  # a bug is not retried
    assert task.retry_backoff and task.retry_jitter and task.max_retries
    assert 0 < task.soft_time_limit < task.time_limit


def test_settling_twice_leaves_one_certificate_and_one_pdf(
    settled, django_capture_on_commit_callbacks
) -> None:
    certificate, row = settled
    with django_capture_on_commit_callbacks(execute=True):
        again = tasks.assessment_settled(certificate.assessment_id)
    assert again == certificate.pk
    assert Certificate.objects.filter(assessment_id=certificate.assessment_id).count() == 1
    assert GeneratedFile.objects.filter(kind="certificate_pdf").count() == 1
    assert names_in_folder(row) == [f"certificate_pdf-{certificate.pk}.pdf"]


def test_a_rerun_after_a_kill_mid_render_replaces_the_half_written_file(settled) -> None:
    certificate, row = settled
    # What a worker killed while writing leaves: the row running, a torn file in place.
    with open(row.file.storage.path(row.file.name), "wb") as torn:
        torn.write(b"%PDF-1.7 torn")
    GeneratedFile.objects.filter(pk=row.pk).update(state="running", progress=80)

    tasks.render_generated_file(row.pk)  # the redelivered message

    row.refresh_from_db()
    assert (row.state, row.progress, row.error) == ("done", 100, "")
    assert names_in_folder(row) == [f"certificate_pdf-{certificate.pk}.pdf"]
    with row.file.open("rb") as handle:
        assert PdfReader(io.BytesIO(handle.read())).pages


def test_a_transient_database_error_is_retried_until_the_file_is_made(
    settled, monkeypatch: pytest.MonkeyPatch
) -> None:
    _certificate, row = settled
    GeneratedFile.objects.filter(pk=row.pk).update(state="queued", progress=0)
    real = renderers.RENDERERS[GeneratedFile.Kind.CERTIFICATE_PDF]
    calls: list[int] = []

    def flaky(generated: GeneratedFile) -> bytes:
        calls.append(generated.pk)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        return real(generated)

    monkeypatch.setitem(tasks.RENDERERS, GeneratedFile.Kind.CERTIFICATE_PDF, flaky)
    # As a worker runs it (errors caught by Celery, not raised here); eager retries run
    # at once instead of after the backoff.
    result = tasks.render_generated_file.apply(args=(row.pk,), throw=False)

    row.refresh_from_db()
    assert result.successful()
    assert len(calls) == 2
    assert row.state == "done" and row.error == ""


def test_a_render_that_fails_for_good_is_not_retried_and_says_why(
    settled, monkeypatch: pytest.MonkeyPatch
) -> None:
    _certificate, row = settled
    GeneratedFile.objects.filter(pk=row.pk).update(state="queued", progress=0)
    calls: list[int] = []

    def broken(generated: GeneratedFile) -> bytes:
        calls.append(generated.pk)
        raise ValueError("template error")

    monkeypatch.setitem(tasks.RENDERERS, GeneratedFile.Kind.CERTIFICATE_PDF, broken)
    result = tasks.render_generated_file.apply(args=(row.pk,), throw=False)
    row.refresh_from_db()
    assert result.failed() and isinstance(result.result, ValueError)
    assert len(calls) == 1
    assert row.state == "failed" and "ValueError" in row.error


def test_a_file_deleted_before_its_task_ran_is_skipped(settled) -> None:
    _certificate, row = settled
    GeneratedFile.objects.filter(pk=row.pk).delete()
    assert tasks.render_generated_file(row.pk) is None


def test_files_left_queued_by_a_lost_message_are_queued_again(
    settled, django_capture_on_commit_callbacks
) -> None:
    _certificate, lost = settled
    long_ago = timezone.now() - timedelta(hours=1)
    GeneratedFile.objects.filter(pk=lost.pk).update(state="queued", progress=0, updated_at=long_ago)
    fresh = GeneratedFile.objects.create(kind="report_pdf", object_id=lost.object_id)

    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.requeue_stale_files() == 1

    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert lost.state == "done" and lost.updated_at > long_ago
    assert fresh.state == "queued"  # recently asked for: its own message is on its way
    with django_capture_on_commit_callbacks(execute=True):
        assert tasks.requeue_stale_files() == 0
