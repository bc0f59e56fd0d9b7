"""A real Celery worker for the tests marked `integration`.

The `celery_worker` fixture starts `celery worker` as a subprocess against the broker of
CELERY_BROKER_URL and the very test database pytest-django created (the worker is given
a DATABASE_URL naming it), and yields a handle to it (tests/real_services.py). Tests
using it must be transactional (`@pytest.mark.django_db(transaction=True)`): the worker
sees only committed rows. The worker consumes a queue of its own, and the test process
sends there, so a `make serve` worker or another suite on the same Redis never takes
these tasks.

To add a job to the integration tests: request `celery_worker`, trigger the job through
its service exactly as a view would (on-commit enqueue included), then
`celery_worker.wait_for(lambda: <condition on the database>)`.

Skipped, with the reason, unless DATABASE_URL names PostgreSQL and CELERY_BROKER_URL is
set (CI sets both).
"""

from __future__ import annotations

from collections.abc import Iterator

import pytest

from tests.real_services import CeleryWorker, celery_sending_to, celery_worker_running


@pytest.fixture(scope="session")
def celery_worker_process(django_db_setup: None) -> Iterator[CeleryWorker]:
    """The worker, started once per session (it takes a few seconds) on first use."""
    from django.conf import settings
    from django.db import connection

    if not settings.GRADIENT_BROKER_CONFIGURED:
        pytest.skip("needs CELERY_BROKER_URL (a Redis broker) to start a real Celery worker")
    if connection.vendor != "postgresql":
        pytest.skip("needs DATABASE_URL naming PostgreSQL: the worker shares the test database")

    with celery_worker_running(
        broker_url=settings.CELERY_BROKER_URL, result_backend=settings.CELERY_RESULT_BACKEND
    ) as worker:
        yield worker


@pytest.fixture
def celery_worker(celery_worker_process: CeleryWorker) -> Iterator[CeleryWorker]:
    """The running worker; for this test, tasks go to it instead of running eagerly."""
    with celery_sending_to(celery_worker_process.queue):
        yield celery_worker_process
