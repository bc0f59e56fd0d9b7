"""Celery tasks: adapters that take ids, load, and call a service. All idempotent."""

from __future__ import annotations

from celery import shared_task
from django.db import OperationalError

from reports.models import GeneratedFile
from reports.services import files, reminders, settle
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
