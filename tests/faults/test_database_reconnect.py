"""PostgreSQL restarted: the next request succeeds, and finds what was written before.

A PostgreSQL cluster of the test's own (tests/real_services.py), migrated, serves a real
gunicorn (config/gunicorn.py) with one process of one thread, so that every request
reuses the one connection it keeps open, as production keeps them DJANGO_CONN_MAX_AGE
seconds. The cluster is restarted as an operator does (`pg_ctl restart -m fast` ends
every connection). The next request succeeds because Django checks a kept connection
before reusing it (CONN_HEALTH_CHECKS, config/settings/base.py); without the check the
same sequence fails that request, which is what the check is for.

The server runs the development settings with DEBUG off: the database settings are the
production ones (both come from config/settings/base.py), and production's own need
collectstatic's manifest (a minute's work) to render even an error page.
"""

from __future__ import annotations

import os
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path

import httpx
import pytest

from tests.real_services import (
    ROOT,
    PostgresCluster,
    free_port,
    private_postgres,
    stop_process,
    wait_until,
)

DATABASE = "gradient"
USERNAME, PASSWORD = "fault-tester", "pw-Gradient-2026"


def _environment(cluster: PostgresCluster, settings_module: str) -> dict[str, str]:
    environment = {
        name: value
        for name, value in os.environ.items()
        if not name.startswith(("CELERY_", "DJANGO_", "GRADIENT_"))
    }
    return {
        **environment,
        "DJANGO_SETTINGS_MODULE": settings_module,
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": cluster.url(DATABASE),
        "DJANGO_CONN_MAX_AGE": "60",  # production's default
        "PYTHONUNBUFFERED": "1",
    }


def _manage(cluster: PostgresCluster, *arguments: str, **extra: str) -> None:
    done = subprocess.run(
        [sys.executable, "manage.py", *arguments],
        cwd=ROOT,
        env={**_environment(cluster, "config.settings.local"), **extra},
        capture_output=True,
        check=False,
    )
    assert done.returncode == 0, (done.stdout + done.stderr).decode(errors="replace")[-3000:]


@pytest.fixture(scope="module")
def cluster() -> Iterator[PostgresCluster]:
    """A private cluster with the project's database migrated and one user in it."""
    with private_postgres() as cluster:
        cluster.execute(f"CREATE DATABASE {DATABASE}")
        _manage(cluster, "migrate", "--noinput", "-v", "0")
        _manage(
            cluster,
            "createsuperuser",
            "--noinput",
            "--username",
            USERNAME,
            "--email",
            "fault-tester@example.com",
            DJANGO_SUPERUSER_PASSWORD=PASSWORD,
        )
        yield cluster


@contextmanager
def serving(cluster: PostgresCluster, settings_module: str) -> Iterator[httpx.Client]:
    """gunicorn over the cluster, one process of one thread; yields a client for it."""
    port = free_port()
    environment = {
        **_environment(cluster, settings_module),
        "GRADIENT_WEB_BIND": f"127.0.0.1:{port}",
        "WEB_CONCURRENCY": "1",
        "GRADIENT_WEB_THREADS": "1",
    }
    log_path = Path(tempfile.mkstemp(prefix="gradient-web-", suffix=".log")[1])
    command = [sys.executable, "-m", "gunicorn", "--config", "python:config.gunicorn"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
        )

    def log_tail() -> str:
        return log_path.read_text(errors="replace")[-4000:]

    def answers() -> bool:
        try:
            return httpx.get(f"http://127.0.0.1:{port}/healthz", timeout=5).status_code == 200
        except httpx.TransportError:
            return False

    try:
        wait_until(answers, what="gunicorn", alive=lambda: process.poll() is None, log=log_tail)
        with httpx.Client(base_url=f"http://127.0.0.1:{port}", timeout=30) as client:
            yield client
    finally:
        stop_process(process)
        log_path.unlink(missing_ok=True)


def server_connections(cluster: PostgresCluster) -> list[int]:
    rows = cluster.execute(
        "SELECT pid FROM pg_stat_activity WHERE datname = %s AND backend_type = 'client backend'",
        (DATABASE,),
    )
    return [pid for (pid,) in rows]


def sign_in(web: httpx.Client) -> dict[str, str]:
    """Obtain an API token: a write (the token, the sign-in in the audit log)."""
    response = web.post("/api/v1/auth/token/", json={"username": USERNAME, "password": PASSWORD})
    assert response.status_code == 200, response.text
    return {"Authorization": f"Token {response.json()['token']}"}


def test_the_request_after_postgresql_restarted_succeeds_and_reads_what_was_written_before(
    cluster: PostgresCluster,
) -> None:
    with serving(cluster, "config.settings.local") as web:
        token = sign_in(web)
        kept = server_connections(cluster)
        assert len(kept) == 1  # kept open for the next request

        cluster.restart()
        assert server_connections(cluster) == []  # the restart ended it

        me = web.get("/api/v1/me/", headers=token)
        assert me.status_code == 200, me.text
        assert me.json()["username"] == USERNAME  # by the token written before the restart
        assert server_connections(cluster) not in ([], kept)  # a new connection


def test_without_the_health_check_the_first_request_after_a_restart_fails(
    cluster: PostgresCluster,
) -> None:
    with serving(cluster, "tests.faults.settings_without_health_checks") as web:
        token = sign_in(web)
        cluster.restart()

        assert web.get("/api/v1/me/", headers=token).status_code == 500
        # Django drops a connection that raised, so the one after gets a new one.
        assert web.get("/api/v1/me/", headers=token).status_code == 200
