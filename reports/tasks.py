"""Celery tasks: adapters that take ids, load, and call a service. All idempotent."""

from __future__ import annotations

from typing import Any

from celery import shared_task
from django.db import OperationalError

from reports.models import GeneratedFile
from reports.services import exports, files, reminders, settle
from reports.services.renderers import RENDERERS

TRANSIENT = (OperationalError, ConnectionError, TimeoutError)


@shared_task(
    name="reports.assessment_settled",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=6,
)
def assessment_settled(assessment_id: int) -> int | None:
    certificate = settle.assessment_settle(assessment_id=assessment_id)
    return certificate.pk if certificate else None


@shared_task(
    name="reports.render_generated_file",
    acks_late=True,
    autoretry_for=TRANSIENT,
    retry_backoff=True,
    max_retries=4,
    soft_time_limit=120,
    time_limit=180,
)
def render_generated_file(file_id: int) -> None:
    row = GeneratedFile.objects.get(pk=file_id)
    files.generated_file_render(file_id=file_id, render=RENDERERS[GeneratedFile.Kind(row.kind)])


@shared_task(name="reports.sweep_unsettled", acks_late=True)
def sweep_unsettled() -> int:
    """Periodic: settle what a lost task or a broker outage left behind."""
    pending = settle.unsettled_assessments()
    for assessment_id in pending:
        settle.assessment_settle(assessment_id=assessment_id)
    return len(pending)


@shared_task(name="reports.supply_reminders", acks_late=True)
def supply_reminders() -> int:
    """Periodic (daily): claim this week's supplier reminders; their sending follows."""
    return len(reminders.supplier_reminders_claim())


@shared_task(name="reports.send_supplier_reminder", acks_late=True)
def send_supplier_reminder(reminder_id: int) -> bool:
    return reminders.supplier_reminder_send(reminder_id=reminder_id)


@shared_task(name="reports.supply_reminders_retry", acks_late=True)
def supply_reminders_retry() -> int:
    """Periodic (hourly): resend this week's failed reminders and those whose task was lost."""
    return reminders.supplier_reminders_retry()


@shared_task(
    bind=True,
    name="reports.run_export",
    acks_late=True,
    max_retries=5,
    soft_time_limit=1800,
    time_limit=1860,
)
def run_export(self: Any, job_id: int, retry_of: int | None = None) -> str:
    """Run one export job. Idempotent: the service claims the job with a conditional
    UPDATE, so a second delivery finds it running or done and returns. A transient
    database error retries with backoff, carrying the claim so the retry may resume it."""
    try:
        return exports.export_job_run(job_id=job_id, retry_of=retry_of)
    except (exports.TransientExportError, *TRANSIENT) as exc:
        claim = exc.attempt if isinstance(exc, exports.TransientExportError) else retry_of
        if self.request.retries >= self.max_retries:
            exports.export_job_give_up(job_id=job_id)
            raise
        countdown = min(300, 2 ** (self.request.retries + 1))
        raise self.retry(exc=exc, countdown=countdown, args=(job_id, claim), kwargs={}) from exc


@shared_task(name="reports.sweep_exports", acks_late=True)
def sweep_exports() -> dict[str, int]:
    """Periodic: re-enqueue lost export jobs and expire old export files."""
    return exports.export_jobs_sweep()
