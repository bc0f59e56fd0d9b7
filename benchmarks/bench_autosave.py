"""Load test: concurrent people filling questionnaires by autosave, against `make serve`.

    python benchmarks/bench_autosave.py [--users 50]     # starts the topology itself
    make serve &                                         # or drive one already running
    python benchmarks/bench_autosave.py --url http://127.0.0.1:8000 [--users 50]
    python benchmarks/bench_autosave.py --cleanup        # remove the load-test people

Without ``--url`` (what ``make bench`` runs) it starts the production topology the way
``make serve`` does, with bin/serve itself: gunicorn with config/gunicorn.py
(WEB_CONCURRENCY processes of GRADIENT_WEB_THREADS threads, 4 x 4 unless set) and
``--workers`` Celery workers (2), config.settings.production, on 127.0.0.1 and a free
port, against the benchmark database (DATABASE_URL, else gradient_bench) and the Redis
of ``--broker-url`` (queue ``gradient-bench`` unless GRADIENT_CELERY_QUEUE is set, so
that it never takes another site's tasks). Two differences from ``make serve``, both
so that the server does only what is measured: no beat (its sweeps would certify and
snapshot the synthetic province meanwhile), and no access log (``--access-log`` turns
it on). It stops them all afterwards and deletes the load-test people and firms, which
would otherwise count in the province's dashboards (``--keep`` leaves them).

With ``--url`` it drives that server; DATABASE_URL must then name the server's
database (default: the one ``make serve`` uses), and the people are kept for the next
run (``--cleanup`` removes them).

The script talks HTTP to the server like the browser and third parties do (async httpx,
one keep-alive connection per simulated person) and uses Django only for what a load
generator cannot do over HTTP: creating its people beforehand and reading the database
afterwards.

Setup (idempotent): ``--users`` people ``loadtest-NNN``, each the administrator of an
enterprise named ``【负载测试】…`` (USCC tag ``LT``), registered through
``enterprise_register`` on first use and reused afterwards; drafts left by an earlier run
are deleted. ``--cleanup`` deletes all of it.

Then, all people at once, each over its own connection:

1. sign in: ``POST /api/v1/auth/token/`` (username, password) and start a draft of
   smart-factory-gradient: ``POST /api/v1/assessments/``;
2. for ``--rounds`` rounds:
   - baseline: ``GET /api/v1/me/``, an endpoint that only authenticates (token lookup
     and the person's memberships), ``--baseline-requests`` times per person;
   - autosave: the person's next ``1/rounds`` of the questionnaire, question by question,
     each answered ``--overwrites`` times in a row by ``PUT
     /api/v1/assessments/<id>/answers/<key>/`` with ``{value, base_revision}``, the
     revision the previous response returned (static/js/questionnaire.js's protocol);
   no think time: every person sends its next request when the last one is answered,
   so the throughput is the server's capacity (client and server share the machine);
3. paced autosave: ``--paced-saves`` more saves per person, one every ``--pace`` seconds
   (jittered by +-20 %), as people answering questions do; a person clicking through
   a questionnaire saves far less often than once a second. At saturation the latency
   is mostly queueing (50 people waiting on 2 cores); at a person's pace it is what a
   person waits for.
4. verification: every answer's value in the database is the last value the server
   acknowledged for it (``lost`` counts those that are not), and there is one
   AnswerRevision row per acknowledged write.

Prints requests/s (median over rounds), p50/p95/p99 latency and errors per phase, and
the targets (issue 8): zero errors, zero lost answers, autosave p95 < 100 ms at a
person's pace (the saturated p95 printed beside it), autosave throughput at saturation
at least half the baseline's. Exits 1 when an answer was lost or a request failed.
"""

from __future__ import annotations

import argparse
import asyncio
import contextlib
import os
import random
import re
import signal
import socket
import subprocess
import sys
import tempfile
import time
from collections import Counter
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import _common
from _common import Check, Summary, fmt_ratio, fmt_seconds, median, percentile

FRAMEWORK = "smart-factory-gradient"
USERNAME_PREFIX = "loadtest-"
NAME_PREFIX = "【负载测试】智造样本企业"
USCC_TAG = "LT"
PASSWORD = "pw-Gradient-Autosave-2026"
SERVE_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/gradient"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/0"
BENCH_QUEUE = "gradient-bench"
HOST = "127.0.0.1"
P95_TARGET = 0.100
THROUGHPUT_TARGET = 0.5
BASELINE = "baseline GET /me/"
AUTOSAVE = "autosave PUT answer"
PACED = "autosave at a person's pace"


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--url", default=None, help="A running server (default: start the topology here)."
    )
    parser.add_argument("--users", type=int, default=50, help="Concurrent simulated people.")
    parser.add_argument("--rounds", type=int, default=3, help="Baseline+autosave rounds.")
    parser.add_argument("--overwrites", type=int, default=3, help="Saves per question.")
    parser.add_argument(
        "--questions", type=int, default=0, help="Questions per person (default: all)."
    )
    parser.add_argument(
        "--baseline-requests", type=int, default=60, help="GET /me/ per person and round."
    )
    parser.add_argument(
        "--pace", type=float, default=1.0, help="Seconds between a person's paced saves."
    )
    parser.add_argument(
        "--paced-saves", type=int, default=20, help="Paced saves per person (0: none)."
    )
    parser.add_argument("--timeout", type=float, default=30.0, help="Per request, seconds.")
    parser.add_argument(
        "--sign-in-concurrency", type=int, default=4, help="People signing in at once."
    )
    parser.add_argument("--seed", type=int, default=2026)
    parser.add_argument("--cleanup", action="store_true", help="Delete the load-test data.")
    topology = parser.add_argument_group("the topology started without --url")
    topology.add_argument(
        "--broker-url",
        default=os.environ.get("CELERY_BROKER_URL") or DEFAULT_BROKER_URL,
        help="Redis for the Celery workers (default: CELERY_BROKER_URL, else %(default)s).",
    )
    topology.add_argument("--workers", type=int, default=2, help="Celery worker processes.")
    topology.add_argument("--access-log", action="store_true", help="Keep gunicorn's access log.")
    topology.add_argument(
        "--keep", action="store_true", help="Leave the load-test people for the next run."
    )
    _common.add_summary_argument(parser)
    return parser.parse_args(argv)


# --- the people -----------------------------------------------------------------------


@dataclass
class SimUser:
    """One person autosaving their own draft, and what the server acknowledged."""

    username: str
    enterprise_id: int
    rng: random.Random
    token: str = ""
    assessment_id: int = 0
    revisions: dict[str, int] = field(default_factory=dict)
    acknowledged: dict[str, Any] = field(default_factory=dict)
    # Values sent whose outcome is unknown (transport error, 5xx) since the last ack.
    unknown: dict[str, list[Any]] = field(default_factory=dict)
    writes: int = 0
    plan: list[tuple[str, Any]] = field(default_factory=list)
    paced_plan: list[tuple[str, Any]] = field(default_factory=list)

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.token}", "Accept": "application/json"}


def load_test_people(count: int, seed: int) -> list[SimUser]:
    """The first ``count`` load-test people, registered through the service when missing;
    drafts of earlier runs deleted, so that each person can start afresh."""
    from stdnum.cn import uscc

    from assessments.models import Assessment
    from enterprises.models import Membership
    from enterprises.services import enterprise_register

    people = []
    for number in range(count):
        username = f"{USERNAME_PREFIX}{number:03d}"
        membership = (
            Membership.objects.filter(user__username=username).select_related("enterprise").first()
        )
        if membership is None:
            body = f"91320505{USCC_TAG}{number:07d}"
            _user, enterprise, _token = enterprise_register(
                username=username,
                password=PASSWORD,
                email=f"{username}@loadtest.invalid",
                name=f"{NAME_PREFIX}{number:03d}",
                uscc=body + uscc.calc_check_digit(body),
                region_code="320505",
                industry_code="C34",
                employees=120,
                revenue_10k_yuan=Decimal(5000),
            )
        else:
            enterprise = membership.enterprise
        people.append(SimUser(username, enterprise.pk, random.Random(seed * 1000 + number)))
    Assessment.objects.filter(
        enterprise_id__in=[p.enterprise_id for p in people], status=Assessment.Status.DRAFT
    ).delete()
    return people


def delete_load_test_data() -> tuple[int, int]:
    """Remove every load-test person and enterprise (and their drafts)."""
    from django.db import transaction

    from assessments.models import Assessment
    from enterprises.models import Enterprise, User

    with transaction.atomic():
        enterprises = Enterprise.objects.filter(name__startswith=NAME_PREFIX)
        people = User.objects.filter(username__startswith=USERNAME_PREFIX)
        counts = people.count(), enterprises.count()
        Assessment.objects.filter(enterprise__in=enterprises).delete()
        people.delete()
        enterprises.delete()
    return counts


def remove_rows() -> int:
    """Delete the load-test people and firms; return how many were deleted."""
    return sum(delete_load_test_data())


def make_plans(people: list[SimUser], questions: list[Any], overwrites: int, paced: int) -> None:
    """Each person's saves in order: every question, ``overwrites`` values in a row; then
    ``paced`` more, changing answers from the first question on."""
    from assessments.synthetic import random_value

    for person in people:
        person.plan = [
            (question.key, random_value(question, person.rng))
            for question in questions
            for _ in range(overwrites)
        ]
        person.paced_plan = [
            (question.key, random_value(question, person.rng))
            for question in (questions * (paced // max(len(questions), 1) + 1))[:paced]
        ]


# --- requests -------------------------------------------------------------------------


@dataclass
class Outcome:
    latency: float
    status: int  # 0 for a transport error or a timeout


Step = Callable[[], Awaitable[int]]


async def timed(step: Step) -> Outcome:
    start = time.perf_counter()
    try:
        status = await step()
    except Exception as exc:  # transport errors count as failed requests
        import httpx

        if not isinstance(exc, httpx.HTTPError):
            raise
        status = 0
        TRANSPORT_ERRORS[f"{exc.__class__.__name__}: {exc}"[:120]] += 1
    return Outcome(time.perf_counter() - start, status)


# What failed without an HTTP status, to print with the results.
TRANSPORT_ERRORS: Counter[str] = Counter()


async def sign_in(client: Any, person: SimUser) -> int:
    response = await client.post(
        "/api/v1/auth/token/", json={"username": person.username, "password": PASSWORD}
    )
    if response.status_code == 200:
        person.token = response.json()["token"]
    return response.status_code


async def start_draft(client: Any, person: SimUser) -> int:
    response = await client.post(
        "/api/v1/assessments/",
        json={"enterprise": person.enterprise_id, "framework": FRAMEWORK},
        headers=person.headers,
    )
    if response.status_code == 201:
        person.assessment_id = response.json()["id"]
    return response.status_code


async def get_me(client: Any, person: SimUser) -> int:
    response = await client.get("/api/v1/me/", headers=person.headers)
    return response.status_code


async def autosave(client: Any, person: SimUser, key: str, value: Any) -> int:
    """One save as questionnaire.js sends it; tracks what the server acknowledged."""
    base = person.revisions.get(key, 0)
    person.unknown.setdefault(key, []).append(value)
    response = await client.put(
        f"/api/v1/assessments/{person.assessment_id}/answers/{key}/",
        json={"value": value, "base_revision": base},
        headers=person.headers,
    )
    status = response.status_code
    if status == 200:
        person.revisions[key] = response.json()["revision"]
        person.acknowledged[key] = value
        person.unknown.pop(key, None)
        person.writes += 1
    elif status == 409:
        # Someone else saved it (never here: one person per draft): take theirs.
        current = response.json().get("current", {})
        person.unknown[key].pop()
        if "revision" in current:
            person.revisions[key] = current["revision"]
            person.acknowledged[key] = current.get("value")
    elif status < 500:
        person.unknown[key].pop()  # rejected without a write
    return status


def pacer(pace: float) -> Callable[[SimUser], Awaitable[None]]:
    """Waits (untimed) before each of a person's paced saves: each starts ``pace``
    seconds (+-20 %) after the one before, or at once when that one took longer; the
    first after a random offset, so that people do not click in step."""
    due: dict[str, float] = {}

    async def wait(person: SimUser) -> None:
        now = time.perf_counter()
        if person.username not in due:
            due[person.username] = now + person.rng.uniform(0, pace)
        await asyncio.sleep(max(0.0, due[person.username] - now))
        due[person.username] = max(due[person.username], time.perf_counter()) + (
            pace * person.rng.uniform(0.8, 1.2)
        )

    return wait


async def run_phase(
    people: list[SimUser],
    steps: Callable[[SimUser], list[Step]],
    before: Callable[[SimUser], Awaitable[None]] | None = None,
) -> tuple[float, list[Outcome]]:
    """Every person runs its steps one after another, all people at once, awaiting
    ``before`` (untimed) ahead of each. Returns the wall time from the common start to
    the last response, and every outcome."""

    async def person_runs(person: SimUser) -> list[Outcome]:
        outcomes = []
        for step in steps(person):
            if before is not None:
                await before(person)
            outcomes.append(await timed(step))
        return outcomes

    start = time.perf_counter()
    results = await asyncio.gather(*(person_runs(person) for person in people))
    return time.perf_counter() - start, [o for outcomes in results for o in outcomes]


def describe(outcomes: list[Outcome]) -> dict[str, Any]:
    latencies = [o.latency for o in outcomes]
    statuses = Counter(o.status for o in outcomes)
    return {
        "requests": len(outcomes),
        "ok": sum(n for status, n in statuses.items() if 200 <= status < 300),
        "errors": sum(n for status, n in statuses.items() if not 200 <= status < 300),
        "statuses": dict(sorted(statuses.items())),
        "p50": percentile(latencies, 50) if latencies else 0.0,
        "p95": percentile(latencies, 95) if latencies else 0.0,
        "p99": percentile(latencies, 99) if latencies else 0.0,
    }


# --- verification ---------------------------------------------------------------------


def count_lost(people: list[SimUser]) -> dict[str, int]:
    """After the load: answers whose stored value is not the last one acknowledged (nor
    a later one whose response never came), and the revision rows kept."""
    from assessments.models import Answer, AnswerRevision

    ids = [p.assessment_id for p in people if p.assessment_id]
    stored = {
        (assessment_id, key): value
        for assessment_id, key, value in Answer.objects.filter(assessment_id__in=ids).values_list(
            "assessment_id", "question_key", "value"
        )
    }
    lost = checked = unknown = 0
    for person in people:
        unknown += sum(len(values) for values in person.unknown.values())
        for key, value in person.acknowledged.items():
            checked += 1
            found = stored.get((person.assessment_id, key), object())
            if found != value and found not in person.unknown.get(key, []):
                lost += 1
    return {
        "lost": lost,
        "checked": checked,
        "unknown": unknown,
        "revisions": AnswerRevision.objects.filter(assessment_id__in=ids).count(),
        "writes": sum(p.writes for p in people),
    }


# --- the server's CPU -----------------------------------------------------------------


class ServerCPU:
    """CPU seconds the server spends, read from /proc: the processes holding the
    listening socket of ``port`` (gunicorn's master and workers, or runserver) and the
    PostgreSQL backends of the database. Divided by the requests of a phase, it is the
    cost of one request whatever else the machine runs, and ``cores / cost`` is the rate
    the machine could serve with nothing else running. Linux, loopback servers only;
    ``available`` is False elsewhere."""

    def __init__(self, port: int) -> None:
        self.ticks = os.sysconf("SC_CLK_TCK") if hasattr(os, "sysconf") else 100
        self.web = self._listening_pids(port)
        self.available = bool(self.web)

    @staticmethod
    def _listening_pids(port: int) -> list[int]:
        try:
            lines = open("/proc/net/tcp").read().splitlines()[1:]  # noqa: SIM115
        except OSError:
            return []
        inodes = {
            f"socket:[{fields[9]}]"
            for fields in (line.split() for line in lines)
            if fields[3] == "0A" and int(fields[1].rsplit(":", 1)[1], 16) == port
        }
        pids = []
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                if any(
                    os.readlink(f"/proc/{pid}/fd/{fd}") in inodes
                    for fd in os.listdir(f"/proc/{pid}/fd")
                ):
                    pids.append(int(pid))
            except OSError:
                continue
        return pids

    def _cpu(self, pid: int) -> float:
        try:
            fields = open(f"/proc/{pid}/stat").read().rsplit(")", 1)[1].split()  # noqa: SIM115
        except OSError:
            return 0.0
        return (int(fields[11]) + int(fields[12])) / self.ticks  # utime + stime

    @staticmethod
    def _database_pids() -> list[int]:
        from django.db import connection

        if connection.vendor != "postgresql":
            return []
        with connection.cursor() as cursor:
            cursor.execute(
                "SELECT pid FROM pg_stat_activity "
                "WHERE datname = current_database() AND pid <> pg_backend_pid()"
            )
            pids = [row[0] for row in cursor.fetchall()]
        connection.close()
        return pids

    def sample(self) -> dict[int, float]:
        return {pid: self._cpu(pid) for pid in [*self.web, *self._database_pids()]}

    @staticmethod
    def spent(before: dict[int, float], after: dict[int, float]) -> float:
        """CPU seconds between two samples; a process born meanwhile counts whole."""
        return sum(cpu - before.get(pid, 0.0) for pid, cpu in after.items())


# --- the topology (without --url) ----------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


class Topology:
    """`make serve`'s processes (bin/serve: gunicorn and Celery workers, no beat) on a
    free port against the benchmark database, their output in a log file."""

    def __init__(self, args: argparse.Namespace) -> None:
        self.args = args
        self.port = free_port()
        self.url = f"http://{HOST}:{self.port}"
        self.log_path = Path(tempfile.gettempdir()) / f"gradient-bench-serve-{self.port}.log"
        self.process: subprocess.Popen[bytes] | None = None
        self.pids: set[int] = set()

    def environment(self) -> dict[str, str]:
        return {
            **os.environ,
            "DATABASE_URL": _common.bench_environment()["DATABASE_URL"],
            "CELERY_BROKER_URL": self.args.broker_url,
            "GRADIENT_CELERY_QUEUE": os.environ.get("GRADIENT_CELERY_QUEUE", BENCH_QUEUE),
            "PORT": str(self.port),
            "GRADIENT_WEB_BIND": f"{HOST}:{self.port}",
            "GRADIENT_SERVE_WORKERS": str(self.args.workers),
            "GRADIENT_WEB_ACCESS_LOG": "1" if self.args.access_log else "0",
            "DJANGO_DEBUG": "0",
            "PYTHONUNBUFFERED": "1",
        }

    def start(self) -> None:
        _common.ensure_redis(self.args.broker_url)
        with self.log_path.open("wb") as log:
            # Its own session, so that a stray process can be found and stopped by id.
            self.process = subprocess.Popen(  # noqa: S603 - our own script
                [str(_common.ROOT / "bin" / "serve"), "web", "worker"],
                cwd=_common.ROOT,
                env=self.environment(),
                stdout=log,
                stderr=subprocess.STDOUT,
                start_new_session=True,
            )
        self.wait_until_ready()
        self.pids = self.descendants()

    def log(self) -> str:
        return self.log_path.read_text("utf-8", errors="replace")

    def wait_until_ready(self, timeout: float = 180.0) -> None:
        """/healthz answers 200 (database and broker reachable) and every Celery worker
        has said it is ready; bin/serve migrates and collects static files first."""
        import httpx

        assert self.process is not None
        deadline = time.monotonic() + timeout
        healthy = False
        while time.monotonic() < deadline:
            if self.process.poll() is not None:
                raise SystemExit(
                    f"bin/serve exited with {self.process.returncode}:\n{self.log()[-3000:]}"
                )
            if not healthy:
                with contextlib.suppress(httpx.HTTPError):
                    healthy = httpx.get(f"{self.url}/healthz", timeout=2).status_code == 200
            ready = len(re.findall(r"^\S+ worker\.\d+\s+\|.* ready\.$", self.log(), re.M))
            if healthy and ready >= self.args.workers:
                return
            time.sleep(0.5)
        self.stop()
        raise SystemExit(f"the topology was not ready within {timeout:.0f} s; log {self.log_path}")

    @staticmethod
    def processes() -> dict[int, tuple[int, int]]:
        """Every process on the machine: pid -> (parent, session), from /proc."""
        found = {}
        for pid in filter(str.isdigit, os.listdir("/proc")):
            try:
                stat = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
            except OSError:
                continue
            found[int(pid)] = (int(stat[1]), int(stat[3]))
        return found

    def descendants(self) -> set[int]:
        """Every process under bin/serve (honcho, gunicorn, Celery)."""
        assert self.process is not None
        children: dict[int, list[int]] = {}
        for pid, (parent, _session) in self.processes().items():
            children.setdefault(parent, []).append(pid)
        found, todo = set(), [self.process.pid]
        while todo:
            pid = todo.pop()
            found.add(pid)
            todo += children.get(pid, [])
        return found

    def describe(self) -> str:
        processes = self.descendants() if self.process else set()
        names = Counter()
        for pid in processes:
            try:
                argv = Path(f"/proc/{pid}/cmdline").read_bytes().split(b"\0")
            except OSError:
                continue
            program = Path(argv[0].decode(errors="replace")).name
            if program in ("sh", "bash", "dash"):
                continue  # honcho runs each Procfile line through a shell
            text = b" ".join(argv).decode(errors="replace")
            if "gunicorn" in text:
                names["gunicorn"] += 1
            elif "celery" in text:
                names["celery"] += 1
        web = names["gunicorn"]
        threads = os.environ.get("GRADIENT_WEB_THREADS", "4")
        return (
            f"make serve topology, production settings: gunicorn {web - 1} x {threads} threads, "
            f"{self.args.workers} Celery workers ({names['celery']} processes), no beat"
        )

    def stop(self) -> None:
        """Stop honcho, which stops its processes; then any of them still running.

        honcho starts each process in a session of its own; a process left behind is
        found by those sessions (recorded at start), so nothing else is ever signalled.
        """
        if self.process is None:
            return
        sessions = {session for pid, (_p, session) in self.processes().items() if pid in self.pids}
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGTERM)
            try:
                self.process.wait(timeout=40)
            except subprocess.TimeoutExpired:
                self.process.kill()
                self.process.wait(timeout=10)

        def left() -> list[int]:
            return [pid for pid, (_p, session) in self.processes().items() if session in sessions]

        deadline = time.monotonic() + 15  # a Celery pool process may still be finishing
        while left() and time.monotonic() < deadline:
            time.sleep(0.5)
        for pid in left():
            try:
                name = Path(f"/proc/{pid}/cmdline").read_bytes().replace(b"\0", b" ")
                os.kill(pid, signal.SIGKILL)
            except OSError:
                continue
            print(f"killed pid {pid}, left behind: {name.decode(errors='replace')[:100]}")
        self.process = None


# --- main -----------------------------------------------------------------------------


async def drive(args: argparse.Namespace, people: list[SimUser]) -> dict[str, Any]:
    import httpx

    limits = httpx.Limits(max_connections=len(people), max_keepalive_connections=len(people))
    timeout = httpx.Timeout(args.timeout)
    async with httpx.AsyncClient(base_url=args.url, limits=limits, timeout=timeout) as client:
        # Signing in checks a PBKDF2 password hash (about half a second of CPU by design):
        # people arrive a few at a time, not all in the same instant.
        arrivals = asyncio.Semaphore(args.sign_in_concurrency)

        async def arrive(person: SimUser) -> int:
            async with arrivals:
                return await sign_in(client, person)

        wall, signed = await run_phase(people, lambda p: [lambda: arrive(p)])
        if any(o.status != 200 for o in signed):
            raise SystemExit(f"sign-in failed: {Counter(o.status for o in signed)}")
        _wall, started = await run_phase(people, lambda p: [lambda: start_draft(client, p)])
        if any(o.status != 201 for o in started):
            raise SystemExit(f"starting the drafts failed: {Counter(o.status for o in started)}")
        print(f"{len(people)} people signed in and started their drafts in {wall:.2f} s")

        # Warm-up, untimed: connections, each worker's compiled framework and caches.
        await run_phase(people, lambda p: [lambda: get_me(client, p)] * 3)

        per_round = -(-len(people[0].plan) // args.rounds)
        meter = ServerCPU(httpx.URL(args.url).port or 80)
        cpu: dict[str, list[float]] = {BASELINE: [], AUTOSAVE: []}
        client_cpu: dict[str, list[float]] = {BASELINE: [], AUTOSAVE: []}
        web_cpu: dict[str, list[float]] = {BASELINE: [], AUTOSAVE: []}
        rates: dict[str, list[float]] = {BASELINE: [], AUTOSAVE: []}
        outcomes: dict[str, list[Outcome]] = {BASELINE: [], AUTOSAVE: []}

        def baseline_steps(p: SimUser) -> list[Step]:
            return [lambda: get_me(client, p)] * args.baseline_requests

        for number in range(args.rounds):

            def autosave_steps(p: SimUser, number: int = number) -> list[Step]:
                chunk = p.plan[number * per_round : (number + 1) * per_round]
                return [
                    (lambda key=key, value=value: autosave(client, p, key, value))
                    for key, value in chunk
                ]

            for name, steps in ((BASELINE, baseline_steps), (AUTOSAVE, autosave_steps)):
                # Django's ORM is synchronous: sample from a thread.
                before = await asyncio.to_thread(meter.sample) if meter.available else {}
                client_before = time.process_time()
                wall, found = await run_phase(people, steps)
                client_cpu[name].append((time.process_time() - client_before) / len(found))
                if meter.available:
                    after = await asyncio.to_thread(meter.sample)
                    cpu[name].append(meter.spent(before, after) / len(found))
                    web = {pid: after[pid] for pid in meter.web if pid in after}
                    web_cpu[name].append(meter.spent(before, web) / len(found))
                ok = sum(1 for o in found if 200 <= o.status < 300)
                rates[name].append(ok / wall)
                outcomes[name].extend(found)
                print(
                    f"  round {number + 1}/{args.rounds} {name}: {len(found)} requests in "
                    f"{wall:.2f} s, {ok / wall:.1f} ok/s",
                    flush=True,
                )
        if args.paced_saves:
            wall, paced = await run_phase(
                people,
                lambda p: [
                    (lambda key=key, value=value: autosave(client, p, key, value))
                    for key, value in p.paced_plan
                ],
                before=pacer(args.pace),
            )
            outcomes[PACED] = paced
            rates[PACED] = [sum(1 for o in paced if 200 <= o.status < 300) / wall]
            print(f"  {PACED}: {len(paced)} requests in {wall:.2f} s", flush=True)
    return {
        "rates": {name: median(values) for name, values in rates.items()},
        "stats": {name: describe(found) for name, found in outcomes.items()},
        "cpu": {name: median(values) for name, values in cpu.items() if values},
        "client_cpu": {name: median(values) for name, values in client_cpu.items()},
        "web_cpu": {name: median(values) for name, values in web_cpu.items() if values},
        "sign_in": describe(signed),
        "start": describe(started),
    }


def report(
    args: argparse.Namespace,
    people: list[SimUser],
    measured: dict[str, Any],
    check: dict,
    server: str,
) -> list[Summary]:
    rates, stats = measured["rates"], measured["stats"]
    print()
    rows = []
    for name, described, rate in (
        ("sign in POST /auth/token/", measured["sign_in"], None),
        ("start POST /assessments/", measured["start"], None),
        (BASELINE, stats[BASELINE], rates[BASELINE]),
        (AUTOSAVE, stats[AUTOSAVE], rates[AUTOSAVE]),
        *([(PACED, stats[PACED], rates[PACED])] if PACED in stats else []),
    ):
        rows.append(
            [
                name,
                "-" if rate is None else f"{rate:.1f}",
                fmt_seconds(described["p50"]),
                fmt_seconds(described["p95"]),
                fmt_seconds(described["p99"]),
                described["ok"],
                described["errors"],
                " ".join(f"{s}:{n}" for s, n in described["statuses"].items()),
                "-" if rate is None else fmt_ratio(rate / rates[BASELINE]),
            ]
        )
    _common.print_table(
        ["phase", "req/s (median)", "p50", "p95", "p99", "ok", "errors", "statuses", "ratio"],
        rows,
    )
    ratio = rates[AUTOSAVE] / rates[BASELINE]
    saturated_p95 = stats[AUTOSAVE]["p95"]
    paced = PACED in stats
    p95 = stats[PACED]["p95"] if paced else saturated_p95
    p95_label = f"at one save per {args.pace:g} s per person" if paced else "at saturation"
    errors = sum(s["errors"] for s in (*stats.values(), measured["sign_in"], measured["start"]))
    print()
    print(
        f"{len(people)} people, {len(people[0].plan)} saves each ({args.overwrites} per "
        f"question), {args.baseline_requests} GET /me/ each per round, {args.rounds} rounds; "
        f"then {args.paced_saves} saves each at one per {args.pace:g} s"
    )
    for error, count in TRANSPORT_ERRORS.most_common():
        print(f"transport error x{count}: {error}")
    verdicts = [
        ("errors == 0", errors == 0, str(errors)),
        ("lost answers == 0", check["lost"] == 0, str(check["lost"])),
        (
            f"autosave p95 {p95_label} < {fmt_seconds(P95_TARGET)}",
            p95 < P95_TARGET,
            f"{fmt_seconds(p95)} (at saturation: {fmt_seconds(saturated_p95)})",
        ),
        (
            f"autosave/baseline throughput >= {THROUGHPUT_TARGET:.2f}",
            ratio >= THROUGHPUT_TARGET,
            f"{ratio:.2f}",
        ),
    ]
    for target, met, figure in verdicts:
        print(f"target {target}: {figure} ({'met' if met else 'NOT met'})")
    cpu = measured["cpu"]
    if cpu:
        cores = os.cpu_count() or 1
        print(
            "server CPU per request (web processes + PostgreSQL backends, median of rounds; "
            "independent of what else the machine runs):"
        )
        for name, seconds in cpu.items():
            client = measured["client_cpu"][name]
            web = measured["web_cpu"][name]
            print(
                f"  {name}: {fmt_seconds(seconds)} (web {fmt_seconds(web)}, PostgreSQL "
                f"{fmt_seconds(seconds - web)}), i.e. at most {cores / seconds:.0f} req/s on "
                f"{cores} idle cores; this client spent {fmt_seconds(client)} per request"
            )
        if len(cpu) == 2:
            print(f"  autosave/baseline by CPU cost: {cpu[BASELINE] / cpu[AUTOSAVE]:.2f}")
    print(
        f"verification: lost={check['lost']} of {check['checked']} answers acknowledged "
        f"({check['unknown']} writes of unknown outcome); {check['revisions']} revision rows "
        f"for {check['writes']} acknowledged writes"
    )
    cpu_reason = ""
    if len(cpu) == 2:
        # Why the ratio is what it is, whatever else the machine ran meanwhile.
        cpu_reason = (
            f"server CPU per request {fmt_seconds(cpu[AUTOSAVE])} autosave vs "
            f"{fmt_seconds(cpu[BASELINE])} baseline ({cpu[BASELINE] / cpu[AUTOSAVE]:.2f}x by "
            "CPU); "
        )
    requests = sum(
        described["requests"]
        for described in (*stats.values(), measured["sign_in"], measured["start"])
    )
    saturated = stats[AUTOSAVE]
    baseline = stats[BASELINE]
    latency = stats[PACED] if paced else saturated
    return [
        Summary.checked(
            [Check("autosave/baseline", ratio, THROUGHPUT_TARGET, sign=">=", unit=fmt_ratio)],
            benchmark=f"load test: autosave throughput, {len(people)} users",
            figure=f"{rates[AUTOSAVE]:.1f} req/s (p50 {fmt_seconds(saturated['p50'])}, "
            f"p95 {fmt_seconds(saturated['p95'])}, p99 {fmt_seconds(saturated['p99'])})",
            baseline=f"{rates[BASELINE]:.1f} req/s GET /api/v1/me/, which only authenticates "
            f"(p95 {fmt_seconds(baseline['p95'])})",
            ratio=fmt_ratio(ratio),
            target=f">= {THROUGHPUT_TARGET:.2f}x the baseline",
            note=f"{cpu_reason}at saturation (no think time), median of {args.rounds} rounds; "
            f"{server}",
        ),
        Summary.checked(
            [Check("p95", p95, P95_TARGET, unit=fmt_seconds)],
            benchmark=f"load test: autosave p95 {p95_label}, {len(people)} users",
            figure=f"p95 {fmt_seconds(p95)} (p50 {fmt_seconds(latency['p50'])}, "
            f"p99 {fmt_seconds(latency['p99'])})",
            baseline=f"p95 at saturation {fmt_seconds(saturated_p95)}",
            ratio="-",
            target=f"< {fmt_seconds(P95_TARGET)}",
            note=f"{args.paced_saves} saves each, one every {args.pace:g} s (+-20 %)"
            if paced
            else "no paced phase (--paced-saves 0): the saturated p95",
        ),
        Summary.checked(
            [
                Check("errors", errors, 0, sign="<="),
                Check("lost answers", check["lost"], 0, sign="<="),
            ],
            benchmark="load test: errors and lost answers",
            figure=f"{errors} errors of {requests:,} requests; {check['lost']} lost of "
            f"{check['checked']:,} answers",
            baseline="-",
            ratio="-",
            target="0 errors, 0 lost answers",
            note=f"every answer's stored value checked against the last acknowledged; "
            f"{check['unknown']} writes of unknown outcome; {check['revisions']:,} revision "
            f"rows for {check['writes']:,} acknowledged writes; {_common.database_vendor()}",
        ),
    ]


def run(args: argparse.Namespace, server: str) -> tuple[list[Summary], bool]:
    """Set up, drive the server at ``args.url``, verify and print; also return whether
    nothing failed and nothing was lost. Django must be set up on the server's database
    (see main); ``server`` describes it."""
    from django.db import connections

    from assessments.models import FrameworkVersion
    from assessments.selectors import compiled_framework

    version = FrameworkVersion.objects.latest_published(FRAMEWORK)
    if version is None:
        raise SystemExit(f"{FRAMEWORK} is not installed; migrate the database")
    questions = list(compiled_framework(version).iter_questions())
    if args.questions:
        questions = questions[: args.questions]

    started = time.perf_counter()
    people = load_test_people(args.users, args.seed)
    make_plans(people, questions, args.overwrites, args.paced_saves)
    print(f"server: {server}; database: {_common.database_label()}")
    print(f"machine: {_common.machine_note()} (client and server share it)")
    print(f"{len(people)} load-test people ready in {fmt_seconds(time.perf_counter() - started)}")
    connections.close_all()  # hold no connection of the server's database during the run

    measured = asyncio.run(drive(args, people))
    check = count_lost(people)
    errors = sum(
        s["errors"] for s in (*measured["stats"].values(), measured["sign_in"], measured["start"])
    )
    return report(args, people, measured, check, server), errors == 0 and check["lost"] == 0


def main(argv: list[str] | None = None) -> None:
    import logging

    args = parse_args(argv)
    # httpx logs every request at INFO, and Django's configuration prints INFO.
    logging.getLogger("httpx").setLevel(logging.WARNING)
    logging.getLogger("httpcore").setLevel(logging.WARNING)
    if args.url:
        # The running server's database, not the benchmarks' own default.
        os.environ.setdefault("DATABASE_URL", SERVE_DATABASE_URL)
    _common.setup_django(migrate=args.url is None)
    if args.cleanup:
        users, firms = delete_load_test_data()
        print(f"deleted {users} load-test people and {firms} load-test enterprises")
        return
    topology = None
    try:
        if args.url is None:
            topology = Topology(args)
            topology.start()
            args.url = topology.url
            server = topology.describe()
            print(f"{server}: {topology.url}, log {topology.log_path}")
        else:
            server = f"the server at {args.url}"
        summaries, sound = run(args, server)
    finally:
        if topology is not None:
            topology.stop()
            print("the topology is stopped")
            if not args.keep:
                print(f"removed the load-test people and firms ({remove_rows()} rows)")
    _common.print_summary(summaries)
    _common.write_summary(args.summary_json, summaries)
    if not sound:
        sys.exit(1)


if __name__ == "__main__":
    main()
