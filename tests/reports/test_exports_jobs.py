"""Export jobs end to end (Celery eager): claimed once, progress per batch, failures
recorded and retried, reruns rewrite one file, lost jobs swept up, old files expired."""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from django.db import OperationalError, connection
from django.test import TestCase
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from enterprises.errors import Conflict
from enterprises.models import BureauScope
from reports import tasks
from reports.exports import writers
from reports.exports.kinds import bureau
from reports.models import ExportJob
from reports.services import exports
from tests.reports.export_helpers import World, read_rows, run_export, world

pytestmark = pytest.mark.django_db
__all__ = ["world"]

KIND = "bureau.assessments"


def queued_job(world: World, fmt: str = "csv") -> ExportJob:
    """A job recorded but not yet run (its enqueue is dropped)."""
    return exports.export_job_request(
        user=world.personas.officer, kind=KIND, format=fmt, filters={"framework": "report-fw"}
    )


def count_writes(monkeypatch: pytest.MonkeyPatch) -> list[str]:
    """Record every writer the service opens."""
    opened: list[str] = []
    real = exports.writer_for

    def spy(fmt: str, path: Path, **kwargs: Any) -> writers.ExportWriter:
        opened.append(fmt)
        return real(fmt, path, **kwargs)

    monkeypatch.setattr(exports, "writer_for", spy)
    return opened


def export_files(job: ExportJob) -> list[Path]:
    return sorted(Path(job.file.path).parent.glob(f"export-{job.pk}*"))


def test_a_job_runs_once_even_if_the_task_runs_twice(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = count_writes(monkeypatch)
    job = run_export(world.personas.officer, KIND, framework="report-fw")
    assert job.state == ExportJob.State.DONE
    assert tasks.run_export.apply(args=(job.pk,)).get() == ExportJob.State.DONE
    tasks.run_export(job.pk)
    job.refresh_from_db()
    assert opened == ["csv"]
    assert job.attempts == 1
    assert export_files(job) == [Path(job.file.path)]


def test_a_second_delivery_leaves_a_job_running_elsewhere_alone(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    opened = count_writes(monkeypatch)
    job = queued_job(world)
    ExportJob.objects.filter(pk=job.pk).update(
        state=ExportJob.State.RUNNING, attempts=1, heartbeat_at=timezone.now()
    )
    assert tasks.run_export(job.pk) == ExportJob.State.RUNNING
    assert opened == []


def test_a_job_whose_worker_died_is_claimed_again_and_rewrites_its_one_file(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    first = run_export(world.personas.officer, KIND, framework="report-fw")
    name = first.file.name
    # The worker died while rewriting it: running, silent for longer than allowed.
    ExportJob.objects.filter(pk=first.pk).update(
        state=ExportJob.State.RUNNING,
        heartbeat_at=timezone.now() - exports.HEARTBEAT_STALE - timedelta(seconds=1),
    )
    assert tasks.run_export(first.pk) == ExportJob.State.DONE
    first.refresh_from_db()
    assert first.attempts == 2
    assert first.file.name == name
    assert export_files(first) == [Path(first.file.path)]


def test_progress_is_written_once_per_batch_and_reaches_100(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = queued_job(world)
    seen: list[tuple[int, int]] = []
    real_beat = exports._Run.beat

    def beat(self: exports._Run, **fields: Any) -> None:
        real_beat(self, **fields)
        row = ExportJob.objects.get(pk=self.job.pk)
        seen.append((row.progress, row.rows_done))

    monkeypatch.setattr(exports._Run, "beat", beat)
    assert exports.export_job_run(job_id=job.pk, batch_size=1) == ExportJob.State.DONE
    job.refresh_from_db()
    rows = job.rows_total
    assert rows == 3
    # One beat with the count, one per batch (one row each), one before saving, one done.
    assert [done for _progress, done in seen] == [0, 1, 2, 3, 3, 3]
    progress = [p for p, _done in seen]
    assert progress == sorted(progress) and progress[-1] == 100 and progress[-2] == 99
    assert job.started_at is not None and job.finished_at is not None
    assert job.file_size == Path(job.file.path).stat().st_size


def test_queries_per_batch_are_bounded_over_a_whole_run(world: World) -> None:
    def queries(batch_size: int) -> int:
        job = queued_job(world)
        with CaptureQueriesContext(connection) as ctx:
            exports.export_job_run(job_id=job.pk, batch_size=batch_size)
        return len(ctx.captured_queries)

    one_batch = queries(100)
    three_batches = queries(1)
    # Each extra batch: the page, the clusters of its enterprises and one progress UPDATE.
    assert three_batches - one_batch == 2 * 3


def test_a_failure_records_the_error_and_a_retry_runs_the_export(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    def broken(self: Any, size: int) -> Any:
        raise RuntimeError("disk on fire")
        yield  # pragma: no cover

    with monkeypatch.context() as patch:
        patch.setattr(bureau.AssessmentRows, "batches", broken)
        job = run_export(world.personas.officer, KIND, framework="report-fw")
    assert job.state == ExportJob.State.FAILED
    assert "RuntimeError" in job.error
    assert job.finished_at is not None and not job.file
    with TestCase.captureOnCommitCallbacks(execute=True):
        exports.export_job_retry(job=job)
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE, job.error
    assert job.error == "" and job.attempts == 2
    assert len(read_rows(job)) == 1 + 3


def test_an_officer_who_lost_the_scope_gets_a_failed_job_not_a_file(world: World) -> None:
    job = queued_job(world)
    BureauScope.objects.filter(user=world.personas.officer).delete()
    exports.export_job_run(job_id=job.pk)
    job.refresh_from_db()
    assert job.state == ExportJob.State.FAILED
    assert job.error == "只有主管部门工作人员可以申请此导出。"
    assert not job.file


def test_too_many_rows_for_one_sheet_fail_with_advice(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    monkeypatch.setattr(writers.XlsxWriter, "max_rows", 2)
    job = run_export(world.personas.officer, KIND, "xlsx", framework="report-fw")
    assert job.state == ExportJob.State.FAILED
    assert "CSV" in job.error


def test_a_transient_database_error_is_retried_with_the_same_claim(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = queued_job(world)
    calls: list[int] = []
    real_write = exports._write

    def flaky(run: exports._Run, batch_size: int) -> None:
        calls.append(run.job.attempts)
        if len(calls) == 1:
            raise OperationalError("server closed the connection unexpectedly")
        real_write(run, batch_size)

    monkeypatch.setattr(exports, "_write", flaky)
    with pytest.raises(exports.TransientExportError) as raised:
        exports.export_job_run(job_id=job.pk)
    assert raised.value.attempt == 1
    job.refresh_from_db()
    assert job.state == ExportJob.State.RUNNING  # heartbeat fresh: nobody else may take it
    assert exports.export_job_run(job_id=job.pk) == ExportJob.State.RUNNING
    assert exports.export_job_run(job_id=job.pk, retry_of=1) == ExportJob.State.DONE
    assert calls == [1, 2]


def test_the_task_retries_a_transient_error_and_finishes(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = queued_job(world)
    real_write = exports._write
    failures = [OperationalError("the database system is starting up")]

    def flaky(run: exports._Run, batch_size: int) -> None:
        if failures:
            raise failures.pop()
        real_write(run, batch_size)

    monkeypatch.setattr(exports, "_write", flaky)
    tasks.run_export.apply(args=(job.pk,), throw=False)  # eager: run the retry in place
    job.refresh_from_db()
    assert job.state == ExportJob.State.DONE
    assert job.attempts == 2


def test_a_run_that_lost_its_claim_stops_writing(
    world: World, monkeypatch: pytest.MonkeyPatch
) -> None:
    job = queued_job(world)
    real_batches = bureau.AssessmentRows.batches

    def taken_over(self: Any, size: int) -> Any:
        for index, batch in enumerate(real_batches(self, size)):
            if index == 1:  # another worker claims the job meanwhile
                ExportJob.objects.filter(pk=job.pk).update(attempts=99)
            yield batch

    monkeypatch.setattr(bureau.AssessmentRows, "batches", taken_over)
    assert exports.export_job_run(job_id=job.pk, batch_size=1) == "superseded"
    job.refresh_from_db()
    assert job.state == ExportJob.State.RUNNING and job.attempts == 99
    assert not job.file


def test_only_a_failed_or_expired_job_can_be_retried(world: World) -> None:
    job = run_export(world.personas.officer, KIND, framework="report-fw")
    with pytest.raises(Conflict):
        exports.export_job_retry(job=job)


def test_a_requester_has_at_most_a_few_exports_in_flight(world: World) -> None:
    for _ in range(exports.MAX_IN_FLIGHT):
        queued_job(world)
    with pytest.raises(Conflict):
        queued_job(world)


def test_the_sweep_requeues_lost_jobs_and_expires_old_files(world: World) -> None:
    old = run_export(world.personas.officer, KIND, framework="report-fw")
    path = Path(old.file.path)
    ExportJob.objects.filter(pk=old.pk).update(finished_at=timezone.now() - timedelta(days=8))
    lost = queued_job(world)  # its message never reached a worker
    ExportJob.objects.filter(pk=lost.pk).update(
        created_at=timezone.now() - exports.QUEUED_STALE - timedelta(minutes=1)
    )
    fresh = queued_job(world)
    assert tasks.sweep_exports() == {"requeued": 1, "expired": 1}
    old.refresh_from_db()
    lost.refresh_from_db()
    fresh.refresh_from_db()
    assert old.state == ExportJob.State.EXPIRED and not old.file and not path.exists()
    assert lost.state == ExportJob.State.DONE
    assert fresh.state == ExportJob.State.QUEUED


def test_every_export_request_is_in_the_audit_log(world: World) -> None:
    from enterprises.models import AuditEvent

    job = run_export(world.personas.officer, KIND, framework="report-fw", industry="C38")
    event = AuditEvent.objects.get(action="export.requested")
    assert event.actor == world.personas.officer
    assert (event.target_type, event.target_id) == ("exportjob", str(job.pk))
    assert event.details["kind"] == KIND and event.details["format"] == "csv"
    assert event.details["filters"] == {"framework": "report-fw", "industry": "C38"}
    assert event.details["scope"].startswith("地区：苏州市")
