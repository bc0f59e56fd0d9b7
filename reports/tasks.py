"""Celery tasks: adapters that take ids, load, and call a service.

Every task is idempotent, because with acks_late (config/settings/base.py) a message is
delivered again when a worker dies mid-task, and a retry runs it again too:

- assessment_settled: certificate_issue returns the existing certificate (one per
  assessment: a OneToOne constraint and a row lock), and generated_file_request keeps
  one GeneratedFile row per (kind, object) (a unique constraint);
- render_generated_file: the file has one fixed name, overwritten on a rerun, and a
  finished file is left alone;
- sweep_unsettled: settles only what has no certificate yet;
- requeue_stale_files: queues again only files left queued or running for too long.

Transient failures (the database or the broker unreachable for a moment) are retried
with exponential backoff and jitter; anything else fails at once and is shown (the
GeneratedFile row's error) or logged.
"""

from __future__ import annotations

import logging
from typing import Any

import kombu.exceptions
import redis.exceptions
from celery import shared_task
from django.db import InterfaceError, OperationalError

from reports.models import GeneratedFile
from reports.services import exports, files, reminders, settle
from reports.services.renderers import RENDERERS

logger = logging.getLogger(__name__)

TRANSIENT: tuple[type[BaseException], ...] = (
    OperationalError,  # PostgreSQL restarting, failing over, out of connections
    InterfaceError,  # a connection closed under us
    kombu.exceptions.OperationalError,  # the broker, when a task enqueues another
    redis.exceptions.ConnectionError,
    redis.exceptions.TimeoutError,
    ConnectionError,
    TimeoutError,
)

# Retries after about 2, 4, 8, 16... seconds (jittered), at most 5 minutes apart: well
# inside the broker's visibility timeout, so a retry never overlaps a redelivery.
RETRYING: dict[str, Any] = {
    "acks_late": True,
    "reject_on_worker_lost": True,
    "autoretry_for": TRANSIENT,
    "retry_backoff": 2,
    "retry_backoff_max": 300,
    "retry_jitter": True,
}


@shared_task(
    name="reports.assessment_settled",
    max_retries=8,
    soft_time_limit=60,
    time_limit=90,
    **RETRYING,
)
def assessment_settled(assessment_id: int) -> int | None:
    certificate = settle.assessment_settle(assessment_id=assessment_id)
    return certificate.pk if certificate else None


@shared_task(
    name="reports.render_generated_file",
    max_retries=5,
    soft_time_limit=120,
    time_limit=180,
    **RETRYING,
)
def render_generated_file(file_id: int) -> None:
    row = GeneratedFile.objects.filter(pk=file_id).only("kind").first()
    if row is None:  # deleted since it was queued: nothing to make
        return
    files.generated_file_render(file_id=file_id, render=RENDERERS[GeneratedFile.Kind(row.kind)])


@shared_task(
    name="reports.sweep_unsettled",
    max_retries=3,
    soft_time_limit=300,
    time_limit=360,
    **RETRYING,
)
def sweep_unsettled() -> int:
    """Periodic: settle what a lost task or a broker outage left behind."""
    pending = settle.unsettled_assessments()
    for assessment_id in pending:
        settle.assessment_settle(assessment_id=assessment_id)
    return len(pending)


@shared_task(name="reports.build_analytics_snapshots", acks_late=True, autoretry_for=TRANSIENT)
def build_analytics_snapshots() -> int:
    """Periodic: the current quarter's analytics snapshot of every bureau scope and
    framework. Idempotent: a rerun rewrites the same rows."""
    from reports.analytics.snapshots import analytics_snapshots_build_all

    return analytics_snapshots_build_all()


@shared_task(name="reports.check_analytics_tables", acks_late=True, autoretry_for=TRANSIENT)
def check_analytics_tables() -> int:
    """Periodic (nightly): compare what the dashboards read ahead (the settled cells and
    the chain standings) with the rows they are worked out from; when a write bypassed
    them (a bulk load, a raw update), log how many drifted and rebuild. Returns the
    number of cells and standings that had drifted."""
    from assessments.services.cells import cells_drift, cells_rebuild
    from reports.analytics.standings import standings_drift, standings_rebuild

    drifted = 0
    for name, drift, rebuild in (
        ("settled cells", cells_drift, cells_rebuild),
        ("chain standings", standings_drift, standings_rebuild),
    ):
        found = drift()
        if found:
            logger.warning(
                "%s: %d drifted from their rows (first: %s); rebuilding",
                name,
                len(found),
                found[0],
            )
            rebuild()
            drifted += len(found)
    return drifted


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


@shared_task(
    name="reports.requeue_stale_files",
    max_retries=3,
    soft_time_limit=60,
    time_limit=90,
    **RETRYING,
)
def requeue_stale_files() -> int:
    """Periodic: render again what a lost message left queued or running."""
    return files.generated_files_requeue_stale()
