"""A real Celery worker for the tests marked `integration`.

The `celery_worker` fixture starts `celery worker` as a subprocess against the broker of
CELERY_BROKER_URL and the very test database pytest-django created (the worker is given
a DATABASE_URL naming it), and yields a handle to it. Tests using it must be
transactional (`@pytest.mark.django_db(transaction=True)`): the worker sees only
committed rows. The worker consumes a queue of its own, and the test process sends there,
so a `make serve` worker or another suite on the same Redis never takes these tasks.

To add a job to the integration tests: request `celery_worker`, trigger the job through
its service exactly as a view would (on-commit enqueue included), then
`celery_worker.wait_for(lambda: <condition on the database>)`.

Skipped, with the reason, unless DATABASE_URL names PostgreSQL and CELERY_BROKER_URL is
set (CI sets both).
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any
from urllib.parse import quote

import pytest

ROOT = Path(__file__).resolve().parents[2]
READY_TIMEOUT = 90.0


@dataclass
class CeleryWorker:
    """A running `celery worker` subprocess and what a test needs to drive it."""

    process: subprocess.Popen[bytes]
    queue: str
    log_path: Path

    def log(self, tail: int = 4000) -> str:
        return self.log_path.read_text("utf-8", errors="replace")[-tail:]

    def pool_children(self) -> list[int]:
        """Pids of the prefork pool processes that run the tasks (Linux /proc)."""
        path = Path(f"/proc/{self.process.pid}/task/{self.process.pid}/children")
        return [int(pid) for pid in path.read_text().split()]

    def wait_for(
        self, condition: Callable[[], object], *, timeout: float = 120.0, interval: float = 0.1
    ) -> object:
        """Poll `condition` until it returns something truthy; fail with the worker's log
        when the worker died or `timeout` seconds passed."""
        deadline = time.monotonic() + timeout
        while True:
            result = condition()
            if result:
                return result
            if self.process.poll() is not None:
                pytest.fail(f"the worker exited with {self.process.returncode}:\n{self.log()}")
            if time.monotonic() > deadline:
                pytest.fail(f"nothing happened within {timeout:.0f} s; worker log:\n{self.log()}")
            time.sleep(interval)


def _test_database_url() -> str:
    from django.db import connection

    s = connection.settings_dict
    credentials = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        credentials += ":" + quote(s["PASSWORD"], safe="")
    host = s["HOST"] or "127.0.0.1"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgresql://{credentials}@{host}{port}/{quote(s['NAME'], safe='')}"


def _signing_key_pem() -> str:
    """The key the test process signs with, so that both processes sign alike."""
    from cryptography.hazmat.primitives import serialization

    from reports import signing

    return (
        signing.private_key()
        .private_bytes(
            serialization.Encoding.PEM,
            serialization.PrivateFormat.PKCS8,
            serialization.NoEncryption(),
        )
        .decode()
    )


def _send_to(app: object, queue: str | None) -> None:
    """Point the test process's Celery app at `queue` (None: back to the default).

    The app caches its queues and router on first use; they are dropped so that the
    next send reads the new default queue.
    """
    from django.conf import settings

    conf = app.conf  # type: ignore[attr-defined]
    conf.task_default_queue = queue or settings.CELERY_TASK_DEFAULT_QUEUE
    conf.task_always_eager = settings.CELERY_TASK_ALWAYS_EAGER if queue is None else False
    amqp = app.amqp  # type: ignore[attr-defined]
    for cached in ("queues", "default_queue", "router"):
        amqp.__dict__.pop(cached, None)


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup: None, django_db_blocker: Any) -> Iterator[CeleryWorker]:
    """The worker, started once per session (it takes a few seconds) on first use."""
    from django.conf import settings
    from django.db import connection

    if not settings.GRADIENT_BROKER_CONFIGURED:
        pytest.skip("needs CELERY_BROKER_URL (a Redis broker) to start a real Celery worker")
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL naming PostgreSQL: the worker shares the test database")

    from config.celery import app

    with django_db_blocker.unblock():
        database_url = _test_database_url()
        key_pem = _signing_key_pem()
    queue = f"gradient-test-{uuid.uuid4().hex[:12]}"
    log_path = Path(tempfile.gettempdir()) / f"{queue}.log"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": database_url,
        "CELERY_BROKER_URL": settings.CELERY_BROKER_URL,
        "GRADIENT_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "GRADIENT_CERTIFICATE_SIGNING_KEY": key_pem,
        "GRADIENT_SITE_URL": settings.GRADIENT_SITE_URL,
        # What the worker enqueues itself (the PDF after a certificate) stays ours too.
        "GRADIENT_CELERY_QUEUE": queue,
        "PYTHONUNBUFFERED": "1",
    }
    if settings.CELERY_RESULT_BACKEND:
        environment["CELERY_RESULT_BACKEND"] = settings.CELERY_RESULT_BACKEND
    command = [
        sys.executable,
        "-m",
        "celery",
        "--app",
        "config",
        "worker",
        "--hostname",
        f"{queue}@%h",
        "--queues",
        queue,
        "--pool",
        "prefork",
        "--concurrency",
        "1",
        "--loglevel",
        "INFO",
        "--without-gossip",
        "--without-mingle",
    ]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
    worker = CeleryWorker(process=process, queue=queue, log_path=log_path)
    try:
        deadline = time.monotonic() + READY_TIMEOUT
        while " ready." not in worker.log():
            if process.poll() is not None or time.monotonic() > deadline:
                pytest.fail(f"the Celery worker did not start:\n{worker.log()}")
            time.sleep(0.2)
        yield worker
    finally:
        if process.poll() is None:
            process.send_signal(signal.SIGTERM)  # warm shutdown
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait(timeout=10)
        # Tasks sent but never consumed would otherwise stay in Redis.
        try:
            with app.connection_for_write() as conn:
                conn.default_channel.queue_delete(queue)
        except Exception:  # noqa: S110 - cleanup only; the broker may be gone
            pass
        log_path.unlink(missing_ok=True)


@pytest.fixture
def celery_worker(celery_worker_process: CeleryWorker) -> Iterator[CeleryWorker]:
    """The running worker; for this test, tasks go to it instead of running eagerly."""
    from config.celery import app

    _send_to(app, celery_worker_process.queue)
    try:
        yield celery_worker_process
    finally:
        _send_to(app, None)
