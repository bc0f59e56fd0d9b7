"""Export jobs: request one, run it (in the `reports.run_export` task), retry, sweep.

A job is claimed by a conditional UPDATE (queued -> running, or a running job whose
worker stopped beating), so a task delivered twice runs the export once. The run
writes the rows batch by batch to a temporary file, beats (progress, rows done) after
every batch with one UPDATE that only matches while the claim is still its own, and
stores the file under a name fixed by the job, so a rerun overwrites the one file.
"""

from __future__ import annotations

import logging
import tempfile
from dataclasses import dataclass
from datetime import timedelta
from functools import partial
from pathlib import Path
from typing import Any

from celery.exceptions import SoftTimeLimitExceeded
from django.conf import settings
from django.core.files import File
from django.db import DatabaseError, InterfaceError, OperationalError, transaction
from django.db.models import F, Q
from django.utils import timezone, translation
from django.utils.translation import gettext as _

from enterprises.audit import audit_record
from enterprises.errors import Conflict, DomainError, ValidationFailed
from enterprises.models import AuditAction
from reports.exports import clean_filters, get_kind
from reports.exports.writers import writer_for
from reports.models import ExportJob

logger = logging.getLogger(__name__)

RUN_TASK = "reports.run_export"
BATCH_SIZE = 2000
# A running job whose last beat is older than this lost its worker (a batch takes
# seconds; the limit leaves room for a slow database).
HEARTBEAT_STALE = timedelta(minutes=5)
# A queued job older than this was probably never delivered (broker down at enqueue).
QUEUED_STALE = timedelta(minutes=10)
MAX_IN_FLIGHT = 5

TRANSIENT_ERRORS = (OperationalError, InterfaceError, ConnectionError, TimeoutError)


class TransientExportError(Exception):
    """A transient failure (database gone away): retry with the same claim."""

    def __init__(self, attempt: int) -> None:
        super().__init__(attempt)
        self.attempt = attempt


class _Superseded(Exception):
    """Another run claimed the job (or it was deleted): stop writing."""


def retention_days() -> int:
    return int(getattr(settings, "GRADIENT_EXPORT_RETENTION_DAYS", 7))


def file_name(job: ExportJob) -> str:
    """The job's one storage name: a rerun overwrites it."""
    return f"exports/export-{job.pk}.{job.format}"


def download_name(job: ExportJob) -> str:
    """The name a download is saved under (ASCII): kind, date and job id."""
    kind = get_kind(job.kind)
    stem = kind.file_stem() if kind else "export"
    day = timezone.localtime(job.created_at).strftime("%Y%m%d")
    return f"gradient-{stem}-{day}-{job.pk}.{job.format}"


def _enqueue(job_id: int) -> None:
    from config.celery import app

    try:
        app.signature(RUN_TASK, args=(job_id,)).apply_async()
    except Exception:  # the job stays queued; the sweep re-enqueues it
        logger.exception("Could not enqueue %s(%s)", RUN_TASK, job_id)


@transaction.atomic
def export_job_request(
    *, user: Any, kind: str, format: str, filters: dict[str, Any] | None = None
) -> ExportJob:
    """Record an export request and enqueue it once the transaction commits.

    Raises ValidationFailed naming `kind`, `format` or `filters.<name>`; the kind's
    Forbidden when the user may not request it; Conflict when the user already has
    MAX_IN_FLIGHT exports queued or running.
    """
    export_kind = get_kind(kind)
    if export_kind is None:
        raise ValidationFailed(
            _("Unknown export kind."), errors={"kind": [_("Unknown export kind.")]}
        )
    export_kind.authorise(user)
    if format not in export_kind.formats:
        raise ValidationFailed(
            _("Unknown file format."),
            errors={"format": [_("Choose one of: %s.") % ", ".join(export_kind.formats)]},
        )
    clean = clean_filters(export_kind, user, filters)
    if ExportJob.objects.filter(requested_by=user).in_flight().count() >= MAX_IN_FLIGHT:
        raise Conflict(
            _("You already have %(count)d exports in progress; wait for one to finish.")
            % {"count": MAX_IN_FLIGHT}
        )
    job = ExportJob.objects.create(
        requested_by=user,
        kind=export_kind.code,
        format=format,
        params=clean,
        scope_description=export_kind.describe(user, clean),
        language=translation.get_language() or settings.LANGUAGE_CODE,
    )
    audit_record(
        action=AuditAction.EXPORT_REQUESTED,
        actor=user,
        target=job,
        details={
            "kind": job.kind,
            "format": job.format,
            "filters": job.params,
            "scope": job.scope_description,
        },
    )
    transaction.on_commit(partial(_enqueue, job.pk))
    return job


@transaction.atomic
def export_job_retry(*, job: ExportJob) -> ExportJob:
    """Queue a failed (or expired) job again. Conflict for any other state."""
    updated = ExportJob.objects.filter(
        pk=job.pk, state__in=(ExportJob.State.FAILED, ExportJob.State.EXPIRED)
    ).update(state=ExportJob.State.QUEUED, progress=0, rows_done=0, error="", finished_at=None)
    if not updated:
        raise Conflict(_("Only a failed or expired export can be run again."))
    transaction.on_commit(partial(_enqueue, job.pk))
    job.refresh_from_db()
    return job


def _claim(job_id: int, retry_of: int | None) -> ExportJob | None:
    now = timezone.now()
    claimable = Q(state=ExportJob.State.QUEUED) | Q(
        state=ExportJob.State.RUNNING, heartbeat_at__lt=now - HEARTBEAT_STALE
    )
    if retry_of is not None:  # our own earlier attempt, cut short by a transient error
        claimable |= Q(state=ExportJob.State.RUNNING, attempts=retry_of)
    claimed = ExportJob.objects.filter(claimable, pk=job_id).update(
        state=ExportJob.State.RUNNING,
        attempts=F("attempts") + 1,
        progress=0,
        rows_done=0,
        rows_total=None,
        error="",
        started_at=now,
        heartbeat_at=now,
        finished_at=None,
    )
    return ExportJob.objects.get(pk=job_id) if claimed else None


@dataclass
class _Run:
    job: ExportJob

    def beat(self, **fields: Any) -> None:
        """Update the job if the claim is still ours, else stop the run."""
        updated = ExportJob.objects.filter(
            pk=self.job.pk, attempts=self.job.attempts, state=ExportJob.State.RUNNING
        ).update(heartbeat_at=timezone.now(), **fields)
        if not updated:
            raise _Superseded


def _fail(job_id: int, attempt: int | None, message: str) -> None:
    query = ExportJob.objects.filter(pk=job_id).exclude(state=ExportJob.State.DONE)
    if attempt is not None:
        query = query.filter(attempts=attempt)
    query.update(state=ExportJob.State.FAILED, error=message, finished_at=timezone.now())


def export_job_run(
    *, job_id: int, retry_of: int | None = None, batch_size: int = BATCH_SIZE
) -> str:
    """Claim and run one export; return the job's state afterwards.

    Idempotent: a job that is done, failed, or running elsewhere is left alone.
    A domain error (the requester lost their scope), a time-out or a bug fails the
    job with its message; a transient database error raises TransientExportError for
    the task to retry with the same claim.
    """
    job = _claim(job_id, retry_of)
    if job is None:
        state = ExportJob.objects.filter(pk=job_id).values_list("state", flat=True).first()
        return state or "missing"
    run = _Run(job)
    try:
        with translation.override(job.language):
            _write(run, batch_size)
    except _Superseded:
        return "superseded"
    except TRANSIENT_ERRORS as exc:
        raise TransientExportError(job.attempts) from exc
    except DomainError as exc:
        _fail(job.pk, job.attempts, str(exc.message))
    except SoftTimeLimitExceeded:
        with translation.override(job.language):
            _fail(job.pk, job.attempts, _("The export took longer than allowed."))
    except DatabaseError:
        logger.exception("Export %s failed", job.pk)
        with translation.override(job.language):
            _fail(job.pk, job.attempts, _("The export failed because of a database error."))
    except Exception as exc:
        logger.exception("Export %s failed", job.pk)
        with translation.override(job.language):
            _fail(
                job.pk,
                job.attempts,
                _("The export failed because of an internal error (%(error)s).")
                % {"error": exc.__class__.__name__},
            )
    return ExportJob.objects.filter(pk=job.pk).values_list("state", flat=True).first() or ""


def export_job_give_up(*, job_id: int) -> None:
    """After the last retry: fail the job so that its requester can try again."""
    job = ExportJob.objects.filter(pk=job_id).only("language").first()
    if job is None:
        return
    with translation.override(job.language):
        _fail(job_id, None, _("The database could not be reached; try again later."))


def _write(run: _Run, batch_size: int) -> None:
    job = run.job
    kind = get_kind(job.kind)
    if kind is None:
        raise ValidationFailed(_("This kind of export is no longer offered."))
    requester = job.requested_by
    kind.authorise(requester)  # the requester may have lost the right since asking
    source = kind.source(requester, dict(job.params))
    total = source.count()
    run.beat(rows_total=total, progress=1 if total else 0)
    with tempfile.TemporaryDirectory(prefix="gradient-export-") as tmp:
        path = Path(tmp) / f"export.{job.format}"
        writer = writer_for(job.format, path, sheet_title=str(kind.label))
        done = 0
        try:
            if writer.max_rows is not None and total > writer.max_rows:
                raise ValidationFailed(
                    _(
                        "%(count)d rows do not fit in one Excel sheet (at most %(max)d); "
                        "narrow the filters or choose CSV."
                    )
                    % {"count": total, "max": writer.max_rows}
                )
            writer.write_header(source.headers())
            for batch in source.batches(batch_size):
                writer.write_rows(batch)
                done += len(batch)
                # Rows may have been added since the count: never claim more than 99%.
                progress = min(99, 1 + 98 * done // total) if total else 99
                run.beat(rows_done=done, progress=progress)
        finally:
            writer.close()
        run.beat(progress=99)
        with path.open("rb") as handle:
            name = job.file.storage.save(file_name(job), File(handle, name=file_name(job)))
        size = path.stat().st_size
    run.beat(
        state=ExportJob.State.DONE,
        progress=100,
        rows_done=done,
        rows_total=done,
        file=name,
        file_size=size,
        finished_at=timezone.now(),
    )


def export_jobs_sweep(*, now: Any = None) -> dict[str, int]:
    """Periodic: enqueue again what a lost message or a dead worker left behind, and
    delete the files of exports older than the retention period (the rows stay, as a
    record of who exported what, marked expired)."""
    now = now or timezone.now()
    lost = list(
        ExportJob.objects.filter(
            Q(state=ExportJob.State.QUEUED, created_at__lt=now - QUEUED_STALE)
            | Q(state=ExportJob.State.RUNNING, heartbeat_at__lt=now - HEARTBEAT_STALE)
        ).values_list("pk", flat=True)[:500]
    )
    for job_id in lost:
        _enqueue(job_id)
    expired = 0
    old = ExportJob.objects.filter(
        state=ExportJob.State.DONE, finished_at__lt=now - timedelta(days=retention_days())
    )
    for job in old.only("pk", "file")[:500]:
        if job.file:
            job.file.storage.delete(job.file.name)
        expired += ExportJob.objects.filter(pk=job.pk, state=ExportJob.State.DONE).update(
            state=ExportJob.State.EXPIRED, file=""
        )
    return {"requeued": len(lost), "expired": expired}
