"""Jobs run end to end through a real Celery worker over Redis, not eagerly: what the web
process asks for, the worker makes, and the web process then reads from the database and
the media storage.

Each test triggers its job through the same service a view calls (enqueue on commit
included) and waits for the worker (tests/integration/conftest.py).
"""

from __future__ import annotations

import io
import os
import signal

import pytest
from pypdf import PdfReader

from assessments.models import Assessment
from assessments.services.assessments import answer_save, assessment_submit
from reports.models import Certificate, GeneratedFile
from reports.services import certificates
from reports.services.files import generated_file_request
from tests.conftest import Personas

pytestmark = [pytest.mark.integration, pytest.mark.django_db(transaction=True)]


def submitted(personas: Personas, draft: Assessment) -> Assessment:
    """A self-assessed level 1: final at once, so its certificate follows on commit."""
    for key, value in (("q_net", "full"), ("q_mes", False)):
        answer_save(
            assessment=draft, user=personas.editor, question_key=key, value=value, base_revision=0
        )
    return assessment_submit(assessment=draft, user=personas.editor, pledge=True)


def finished(kind: str, object_id: int) -> GeneratedFile | None:
    row = GeneratedFile.objects.filter(kind=kind, object_id=object_id).first()
    if row is not None and row.state == GeneratedFile.State.FAILED:
        pytest.fail(f"the worker failed to make {kind}: {row.error}")
    return row if row is not None and row.state == GeneratedFile.State.DONE else None


def pdf_text(row: GeneratedFile) -> str:
    assert row.file.storage.exists(row.file.name)
    with row.file.open("rb") as handle:
        data = handle.read()
    assert data.startswith(b"%PDF-")
    return "".join(page.extract_text() for page in PdfReader(io.BytesIO(data)).pages)


def files_named(row: GeneratedFile) -> list[str]:
    folder = os.path.dirname(row.file.storage.path(row.file.name))
    return sorted(n for n in os.listdir(folder) if n.startswith(f"{row.kind}-{row.object_id}"))


def test_a_submission_gets_its_certificate_and_pdf_from_a_real_worker(
    celery_worker, reference_loaded, personas: Personas, draft: Assessment
) -> None:
    submitted(personas, draft)  # commits; the settle task goes to Redis

    certificate = celery_worker.wait_for(
        lambda: Certificate.objects.filter(assessment=draft).first()
    )
    assert isinstance(certificate, Certificate)
    # The worker signed with the key the web process verifies with.
    assert certificates.certificate_verify(certificate).signature_valid

    row = celery_worker.wait_for(lambda: finished("certificate_pdf", certificate.pk))
    assert isinstance(row, GeneratedFile)
    assert (row.progress, row.error, row.attempts) == (100, "", 1)
    assert certificate.serial in pdf_text(row).replace("\n", "")
    assert files_named(row) == [f"certificate_pdf-{certificate.pk}.pdf"]
    assert Certificate.objects.filter(assessment=draft).count() == 1


def test_a_report_pdf_requested_through_the_service_is_made_by_the_worker(
    celery_worker, reference_loaded, personas: Personas, draft: Assessment
) -> None:
    submitted(personas, draft)
    requested = generated_file_request(
        kind=GeneratedFile.Kind.REPORT_PDF, object_id=draft.pk, user=personas.editor
    )
    assert requested.state == GeneratedFile.State.QUEUED  # nothing ran in this process

    row = celery_worker.wait_for(lambda: finished("report_pdf", draft.pk))
    assert isinstance(row, GeneratedFile)
    assert row.pk == requested.pk and row.progress == 100
    assert personas.enterprise.name in pdf_text(row).replace("\n", "")


def test_a_worker_killed_mid_render_leaves_the_job_to_run_again_into_one_file(
    celery_worker, reference_loaded, personas: Personas, draft: Assessment
) -> None:
    """acks_late + reject_on_worker_lost: the message comes back when the process running
    it dies, and the rerun overwrites the same name."""
    submitted(personas, draft)
    certificate = celery_worker.wait_for(
        lambda: Certificate.objects.filter(assessment=draft).first()
    )
    celery_worker.wait_for(lambda: finished("certificate_pdf", certificate.pk))

    generated_file_request(
        kind=GeneratedFile.Kind.REPORT_PDF, object_id=draft.pk, user=personas.editor
    )
    running = celery_worker.wait_for(
        lambda: GeneratedFile.objects.filter(
            kind="report_pdf", object_id=draft.pk, state__in=["running", "done"]
        ).first(),
        interval=0.005,
    )
    if running.state != "running":
        pytest.fail("the render finished before it could be interrupted; nothing was tested")
    for pid in celery_worker.pool_children():
        os.kill(pid, signal.SIGKILL)

    row = celery_worker.wait_for(lambda: finished("report_pdf", draft.pk))
    assert isinstance(row, GeneratedFile)
    assert row.attempts == 2  # the killed run and the redelivered one
    assert files_named(row) == [f"report_pdf-{draft.pk}.pdf"]
    assert personas.enterprise.name in pdf_text(row).replace("\n", "")
    assert Certificate.objects.filter(assessment=draft).count() == 1
    assert GeneratedFile.objects.filter(kind="report_pdf", object_id=draft.pk).count() == 1


def test_an_officers_export_is_written_by_the_worker_with_its_progress(
    celery_worker, reference_loaded, personas: Personas, draft: Assessment
) -> None:
    """An export requested as the page requests it (enqueued on commit) is claimed, run
    and written by the worker; the web process then reads state, progress and file."""
    from django.db import transaction

    from reports.models import ExportJob
    from reports.services.exports import export_job_request

    submitted(personas, draft)
    with transaction.atomic():
        job = export_job_request(
            user=personas.officer, kind="bureau.enterprises", format="csv", filters={}
        )
    assert job.state == ExportJob.State.QUEUED  # nothing ran in this process

    def done() -> ExportJob | None:
        row = ExportJob.objects.get(pk=job.pk)
        if row.state == ExportJob.State.FAILED:
            pytest.fail(f"the worker failed the export: {row.error}")
        return row if row.state == ExportJob.State.DONE else None

    row = celery_worker.wait_for(done)
    assert isinstance(row, ExportJob)
    assert row.progress == 100 and row.rows_done == row.rows_total >= 1
    with row.file.open("rb") as handle:
        text = handle.read().decode("utf-8-sig")
    assert personas.enterprise.name in text
    assert personas.outsider_enterprise.name not in text  # Nanjing is outside Suzhou's scope
