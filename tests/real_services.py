"""Real services for the tests that need them: a Celery worker subprocess, and a Redis
server or a PostgreSQL cluster of the test's own, which it may stop and restart without
disturbing anyone else on the machine.

What is missing is skipped with the reason, except under CI (`CI` set and not "false"
or "0"), where it fails: a CI machine lacking a service must not pass silently.
"""

from __future__ import annotations

import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any, NoReturn
from urllib.parse import quote

import kombu.pools
import pytest

ROOT = Path(__file__).resolve().parents[1]
START_TIMEOUT = 90.0


def unavailable(reason: str) -> NoReturn:
    """Skip the test for want of `reason`; under CI, fail instead."""
    if os.environ.get("CI", "").strip().lower() not in ("", "0", "false"):
        pytest.fail(f"cannot run under CI: {reason}", pytrace=False)
    pytest.skip(reason)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def wait_until(
    condition: Callable[[], object],
    *,
    what: str,
    timeout: float = START_TIMEOUT,
    interval: float = 0.1,
    alive: Callable[[], bool] = lambda: True,
    log: Callable[[], str] = lambda: "",
) -> object:
    """Poll `condition` until it returns something truthy; fail, showing `log()`, when
    `alive()` turns false or `timeout` seconds pass."""
    deadline = time.monotonic() + timeout
    while True:
        result = condition()
        if result:
            return result
        if not alive():
            pytest.fail(f"{what}: the process exited\n{log()}")
        if time.monotonic() > deadline:
            pytest.fail(f"{what}: nothing within {timeout:.0f} s\n{log()}")
        time.sleep(interval)


def stop_process(process: subprocess.Popen[bytes], *, timeout: float = 30) -> None:
    """SIGTERM (a graceful stop), then SIGKILL if it does not end within `timeout`."""
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        try:
            process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            process.kill()
            process.wait(timeout=10)


# --- Redis ------------------------------------------------------------------------------


@dataclass
class RedisServer:
    """A `redis-server` on a port of its own, keeping nothing on disk: a restart starts
    empty, as a Redis without persistence does in production."""

    binary: str
    directory: Path
    port: int = field(default_factory=free_port)
    process: subprocess.Popen[bytes] | None = None

    @property
    def url(self) -> str:
        return f"redis://127.0.0.1:{self.port}/0"

    @property
    def log_path(self) -> Path:
        return self.directory / "redis.log"

    def client(self) -> Any:
        import redis

        return redis.Redis(host="127.0.0.1", port=self.port, socket_connect_timeout=2)

    def _answers(self) -> bool:
        import redis

        try:
            return bool(self.client().ping())
        except redis.ConnectionError:
            return False

    def start(self) -> None:
        """Start (again, on the same port) and wait until it answers PING."""
        command = [self.binary, "--bind", "127.0.0.1", "--port", str(self.port)]
        command += ["--save", "", "--appendonly", "no", "--dir", str(self.directory)]
        with self.log_path.open("ab") as log:
            self.process = subprocess.Popen(command, stdout=log, stderr=subprocess.STDOUT)
        process = self.process
        wait_until(
            self._answers,
            what=f"redis-server on port {self.port}",
            alive=lambda: process.poll() is None,
            log=lambda: self.log_path.read_text(errors="replace")[-3000:],
        )

    def stop(self) -> None:
        """Stop it as an operator does: SIGTERM, then wait for it to exit."""
        if self.process is not None:
            stop_process(self.process)


@contextmanager
def private_redis() -> Iterator[RedisServer]:
    """A running private Redis, stopped and removed afterwards."""
    binary = shutil.which("redis-server")
    if binary is None:
        unavailable("redis-server is not installed (apt-get install redis-server)")
    server = RedisServer(binary=binary, directory=Path(tempfile.mkdtemp(prefix="gradient-redis-")))
    try:
        server.start()
        yield server
    finally:
        server.stop()
        shutil.rmtree(server.directory, ignore_errors=True)


# --- PostgreSQL -------------------------------------------------------------------------


def _postgres_bindir() -> Path | None:
    """Debian keeps the server binaries off PATH, one directory per major version."""
    found = sorted(
        Path("/usr/lib/postgresql").glob("*/bin/initdb"),
        key=lambda p: int(p.parts[-3]) if p.parts[-3].isdigit() else 0,
    )
    if found:
        return found[-1].parent
    initdb = shutil.which("initdb")
    return Path(initdb).parent if initdb else None


@dataclass
class PostgresCluster:
    """A PostgreSQL cluster of its own (trust authentication, listening on 127.0.0.1 at a
    port of its own), run by the `postgres` OS user when we are root."""

    bindir: Path
    directory: Path
    port: int = field(default_factory=free_port)

    def url(self, database: str = "postgres") -> str:
        return f"postgresql://postgres@127.0.0.1:{self.port}/{database}"

    def _as_owner(self) -> list[str]:
        # initdb and postgres refuse to run as root.
        return ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _pg_ctl(self, *arguments: str) -> None:
        options = f"-p {self.port} -k {self.directory} -c listen_addresses=127.0.0.1"
        command = [str(self.bindir / "pg_ctl"), "-D", str(self.directory / "data"), "-w"]
        command += ["-l", str(self.directory / "server.log"), "-o", options, *arguments]
        self._run(command)

    def _run(self, command: list[str]) -> None:
        done = subprocess.run(self._as_owner() + command, capture_output=True, check=False)
        if done.returncode != 0:
            log = self.directory / "server.log"
            server_log = log.read_text(errors="replace")[-3000:] if log.exists() else ""
            output = (done.stdout + done.stderr).decode(errors="replace")
            pytest.fail(f"{' '.join(command)} failed:\n{output}\n{server_log}")

    def initdb(self) -> None:
        if os.geteuid() == 0:
            shutil.chown(self.directory, "postgres", "postgres")
        initdb = [str(self.bindir / "initdb"), "-D", str(self.directory / "data")]
        # UTF-8 whatever the caller's locale: the data is Chinese.
        self._run([*initdb, "-A", "trust", "-U", "postgres", "-E", "UTF8", "--no-locale"])

    def start(self) -> None:
        self._pg_ctl("start")

    def restart(self) -> None:
        """Restart as an operator does (`-m fast`): every client connection is ended."""
        self._pg_ctl("-m", "fast", "restart")

    def stop(self) -> None:
        self._pg_ctl("-m", "fast", "stop")

    def execute(
        self, sql: str, params: tuple[Any, ...] = (), *, database: str = "postgres"
    ) -> list[tuple[Any, ...]]:
        import psycopg

        with psycopg.connect(self.url(database), autocommit=True, connect_timeout=5) as conn:
            cursor = conn.execute(sql, params)  # type: ignore[call-overload]
            return cursor.fetchall() if cursor.description else []


@contextmanager
def private_postgres() -> Iterator[PostgresCluster]:
    """A running private cluster, stopped and removed afterwards."""
    bindir = _postgres_bindir()
    if bindir is None:
        unavailable(
            "the PostgreSQL server (initdb, pg_ctl) is not installed (apt-get install postgresql)"
        )
    if os.geteuid() == 0 and shutil.which("runuser") is None:
        unavailable("runuser is missing: as root, the cluster must run as the postgres user")
    cluster = PostgresCluster(
        bindir=bindir, directory=Path(tempfile.mkdtemp(prefix="gradient-pg-"))
    )
    try:
        cluster.initdb()
        cluster.start()
        yield cluster
    finally:
        try:
            if (cluster.directory / "data" / "postmaster.pid").exists():
                cluster.stop()
        finally:
            shutil.rmtree(cluster.directory, ignore_errors=True)


# --- Celery -----------------------------------------------------------------------------


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
    ) -> Any:
        """Poll `condition` until it returns something truthy; fail with the worker's log
        when the worker died or `timeout` seconds passed."""
        return wait_until(
            condition,
            what="waiting on the Celery worker",
            timeout=timeout,
            interval=interval,
            alive=lambda: self.process.poll() is None,
            log=self.log,
        )


def current_database_url() -> str:
    """The URL of the database the test process uses (pytest-django's test database)."""
    from django.db import connection

    s = connection.settings_dict
    credentials = quote(s["USER"] or "", safe="")
    if s.get("PASSWORD"):
        credentials += ":" + quote(s["PASSWORD"], safe="")
    host = s["HOST"] or "127.0.0.1"
    port = f":{s['PORT']}" if s.get("PORT") else ""
    return f"postgresql://{credentials}@{host}{port}/{quote(s['NAME'], safe='')}"


def signing_key_pem() -> str:
    """The key the test process signs with, so that a subprocess signs alike."""
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


@contextmanager
def celery_worker_running(
    *, broker_url: str, result_backend: str | None, queue: str | None = None
) -> Iterator[CeleryWorker]:
    """`celery worker` consuming `queue` (by default one of its own, so that no other
    worker on a shared broker takes its tasks) at `broker_url`, over the test database
    (PostgreSQL: tests using it must be transactional, as the worker sees only committed
    rows). What the worker enqueues itself goes to the same queue."""
    from django.conf import settings

    queue = queue or f"gradient-test-{uuid.uuid4().hex[:12]}"
    log_path = Path(tempfile.gettempdir()) / f"{queue}.log"
    environment = {
        **os.environ,
        "DJANGO_SETTINGS_MODULE": "config.settings.local",
        "DJANGO_DEBUG": "0",
        "DATABASE_URL": current_database_url(),
        "CELERY_BROKER_URL": broker_url,
        "GRADIENT_MEDIA_ROOT": str(settings.MEDIA_ROOT),
        "GRADIENT_CERTIFICATE_SIGNING_KEY": signing_key_pem(),
        "GRADIENT_SITE_URL": settings.GRADIENT_SITE_URL,
        "GRADIENT_CELERY_QUEUE": queue,
        "PYTHONUNBUFFERED": "1",
    }
    environment.pop("CELERY_RESULT_BACKEND", None)
    if result_backend:
        environment["CELERY_RESULT_BACKEND"] = result_backend
    command = [sys.executable, "-m", "celery", "--app", "config", "worker"]
    command += ["--hostname", f"{queue}@%h", "--queues", queue, "--pool", "prefork"]
    command += ["--concurrency", "1", "--loglevel", "INFO", "--without-gossip", "--without-mingle"]
    with log_path.open("wb") as log:
        process = subprocess.Popen(
            command, cwd=ROOT, env=environment, stdout=log, stderr=subprocess.STDOUT
        )
    worker = CeleryWorker(process=process, queue=queue, log_path=log_path)
    try:
        wait_until(
            lambda: " ready." in worker.log(),
            what="the Celery worker did not start",
            alive=lambda: process.poll() is None,
            log=worker.log,
        )
        yield worker
    finally:
        stop_process(process)  # warm shutdown
        _delete_queue(broker_url, queue)
        log_path.unlink(missing_ok=True)


def _delete_queue(broker_url: str, queue: str) -> None:
    """Tasks sent but never consumed would otherwise stay in the broker."""
    import kombu

    try:
        with kombu.Connection(
            broker_url, connect_timeout=2, transport_options={"max_retries": 1}
        ) as connection:
            connection.default_channel.queue_delete(queue)
    except Exception:  # noqa: S110 - cleanup only; the broker may be gone
        pass


# Celery reads these from the environment before its configuration, so a test points
# the app elsewhere through them.
BROKER_VARIABLES = ("CELERY_BROKER_URL", "CELERY_RESULT_BACKEND")


@contextmanager
def celery_sending_to(queue: str, *, broker_url: str | None = None) -> Iterator[Any]:
    """Make the test process's Celery app send to `queue` instead of running tasks
    eagerly, on `broker_url` when given (with the result backend there too, production's
    default); restore the configured app afterwards. Yields the app."""
    from django.conf import settings

    from config.celery import app

    def point(queue: str | None, eager: bool, environment: dict[str, str | None]) -> None:
        conf = app.conf
        conf.task_default_queue = queue or settings.CELERY_TASK_DEFAULT_QUEUE
        conf.task_always_eager = eager
        # The app caches its queues and router on first use; dropped, the next send
        # reads the new default queue.
        for cached in ("queues", "default_queue", "router"):
            app.amqp.__dict__.pop(cached, None)
        if all(os.environ.get(name) == value for name, value in environment.items()):
            return
        for name, value in environment.items():
            if value is None:
                os.environ.pop(name, None)
            else:
                os.environ[name] = value
        # Pooled connections and the (per-thread) result backend still name the old
        # broker: drop them so that the next send connects anew. The pools live in
        # kombu's registry, keyed by broker: closing one there would leave a closed pool
        # for the next user of that broker ("Acquire on closed pool"), so the registry
        # is cleared too.
        kombu.pools.reset()
        app._pool = None
        app.amqp._producer_pool = None
        app._backend_cache = None
        app._local.__dict__.pop("backend", None)

    configured = {name: os.environ.get(name) for name in BROKER_VARIABLES}
    point(queue, False, dict.fromkeys(BROKER_VARIABLES, broker_url) if broker_url else configured)
    try:
        yield app
    finally:
        point(None, settings.CELERY_TASK_ALWAYS_EAGER, configured)
