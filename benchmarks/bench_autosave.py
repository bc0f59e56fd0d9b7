"""Drive the answer autosave endpoint of a real server and check that no answer is lost.

    python benchmarks/bench_autosave.py [--users 8] [--requests 60] [--rounds 3]
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/gradient_bench \\
        python benchmarks/bench_autosave.py

Starts ``manage.py runserver --noreload`` on 127.0.0.1 and a free port (DEBUG off)
against the benchmark database, registers ``--users`` people through the services
(each with their own enterprise and a draft on smart-factory-gradient, token auth),
then with one thread and one keep-alive connection per user, for ``--rounds`` rounds:

- baseline: ``GET /api/v1/me/`` (token auth and four small queries: any API call);
- autosave: ``PUT /api/v1/assessments/<pk>/answers/<key>/`` with ``{value,
  base_revision}``, each user walking the questionnaire in order and now and then going
  back to change an earlier answer, tracking the revision the server returns.

Each phase sends ``--requests`` requests per user (bounded by ``--max-seconds``).
Prints requests/s (median over rounds), p50/p95/p99 latency over all requests and error
counts, the ratio autosave/baseline throughput, then reads the database and counts the
answers whose stored value is not the last one the server acknowledged (``lost``).
The server is always stopped at the end.

The client acknowledges every response segment at once (TCP_QUICKACK, Linux): runserver
writes headers and body separately without TCP_NODELAY, and with delayed ACKs every
response would wait ~40 ms, which would measure TCP, not Django (``--no-quickack`` shows
it).

Targets: autosave throughput at least half the baseline's; autosave p95 < 100 ms.
The client runs on the same machine and shares its cores with the server.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import random
import socket
import subprocess
import sys
import tempfile
import threading
import time
from collections import Counter
from collections.abc import Callable
from concurrent.futures import ThreadPoolExecutor
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any

import _common
from _common import Summary, fmt_ratio, fmt_seconds, median, percentile

FRAMEWORK = "smart-factory-gradient"
NAME_PREFIX = "基准自动保存企业"
USCC_TAG = "BA"
PASSWORD = "pw-Gradient-2026"
HOST = "127.0.0.1"
P95_TARGET = 0.100
THROUGHPUT_TARGET = 0.5
QUICKACK = hasattr(socket, "TCP_QUICKACK")  # Linux; see call()


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--users", type=int, default=8, help="Concurrent simulated users.")
    parser.add_argument("--requests", type=int, default=60, help="Per user, phase and round.")
    parser.add_argument("--rounds", type=int, default=3, help="Baseline+autosave rounds.")
    parser.add_argument("--max-seconds", type=float, default=60.0, help="Cap per phase.")
    parser.add_argument("--revisit", type=float, default=0.25, help="Share of re-answers.")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--no-quickack",
        action="store_true",
        help="Leave delayed ACKs on (shows runserver's ~40 ms Nagle stall per response).",
    )
    _common.add_summary_argument(parser)
    return parser.parse_args()


# --- simulated users -----------------------------------------------------------------


@dataclass
class SimUser:
    """One person autosaving their own draft; what the server acknowledged so far."""

    username: str
    token: str
    assessment_id: int
    rng: random.Random
    cursor: int = -1
    revisions: dict[str, int] = field(default_factory=dict)
    acknowledged: dict[str, Any] = field(default_factory=dict)
    # Values sent whose outcome is unknown (transport error, 5xx) since the last ack.
    unknown: dict[str, list[Any]] = field(default_factory=dict)
    writes: int = 0

    @property
    def headers(self) -> dict[str, str]:
        return {"Authorization": f"Token {self.token}", "Accept": "application/json"}


@dataclass
class Outcome:
    latency: float
    status: int  # 0 for a transport error


def create_users(count: int, seed: int) -> list[SimUser]:
    """Register ``count`` people with an enterprise each and start their drafts.

    Uses the services, as the registration API and the start endpoint do.
    """
    from stdnum.cn import uscc

    from assessments.services.assessments import assessment_start
    from enterprises.models import Enterprise
    from enterprises.services import enterprise_register

    first = Enterprise.objects.filter(name__startswith=NAME_PREFIX).count()
    users = []
    for offset in range(count):
        serial = first + offset
        body = f"91320505{USCC_TAG}{serial:07d}"
        username = f"bench-autosave-{serial}"
        user, enterprise, token = enterprise_register(
            username=username,
            password=PASSWORD,
            email=f"{username}@example.com",
            name=f"{NAME_PREFIX}{serial:07d}",
            uscc=body + uscc.calc_check_digit(body),
            region_code="320505",
            industry_code="C34",
            employees=120,
            revenue_10k_yuan=Decimal(5000),
        )
        draft = assessment_start(enterprise=enterprise, framework_code=FRAMEWORK, user=user)
        users.append(SimUser(username, token, draft.pk, random.Random(seed * 1000 + offset)))
    return users


# --- the server ----------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind((HOST, 0))
        return int(probe.getsockname()[1])


def start_server(port: int, log_path: Path) -> subprocess.Popen[bytes]:
    env = {**os.environ, **_common.bench_environment(), "PYTHONUNBUFFERED": "1"}
    command = [sys.executable, "manage.py", "runserver", f"{HOST}:{port}", "--noreload"]
    command.append("--skip-checks")
    with log_path.open("wb") as log:
        return subprocess.Popen(  # noqa: S603 - fixed command, our own manage.py
            command, cwd=_common.ROOT, env=env, stdout=log, stderr=subprocess.STDOUT
        )


def wait_until_serving(server: subprocess.Popen[bytes], port: int, log_path: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if server.poll() is not None:
            tail = log_path.read_text("utf-8", errors="replace")[-2000:]
            raise SystemExit(f"the server exited with {server.returncode}:\n{tail}")
        try:
            conn = http.client.HTTPConnection(HOST, port, timeout=2)
            conn.request("GET", "/api/v1/me/")
            conn.getresponse().read()
            conn.close()
            return
        except OSError:
            time.sleep(0.2)
    raise SystemExit("the server did not answer within 60 s")


def stop_server(server: subprocess.Popen[bytes]) -> None:
    if server.poll() is None:
        server.terminate()
        try:
            server.wait(timeout=10)
        except subprocess.TimeoutExpired:
            server.kill()
            server.wait(timeout=10)


# --- requests ------------------------------------------------------------------------

Request = Callable[[http.client.HTTPConnection, SimUser], int]


def call(
    conn: http.client.HTTPConnection,
    method: str,
    path: str,
    headers: dict[str, str],
    body: bytes | None = None,
) -> tuple[int, bytes]:
    conn.request(method, path, body=body, headers=headers)
    if QUICKACK and conn.sock is not None:
        # runserver sends the headers and the body in two writes and does not set
        # TCP_NODELAY, so Nagle holds the body until the headers are acknowledged,
        # and Linux delays that ACK by up to 40 ms: every response would take >= 40 ms
        # whatever the view does. Acknowledging at once measures the application.
        conn.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_QUICKACK, 1)
    response = conn.getresponse()
    return response.status, response.read()


def get_me(conn: http.client.HTTPConnection, user: SimUser) -> int:
    return call(conn, "GET", "/api/v1/me/", user.headers)[0]


def make_autosave(keys: list[str], questions: dict[str, Any], revisit: float) -> Request:
    from assessments.synthetic import random_value

    def autosave(conn: http.client.HTTPConnection, user: SimUser) -> int:
        rng = user.rng
        if user.revisions and rng.random() < revisit:
            key = rng.choice(list(user.revisions))
        else:
            user.cursor = (user.cursor + 1) % len(keys)
            key = keys[user.cursor]
        value = random_value(questions[key], rng)
        base = user.revisions.get(key, 0)
        body = json.dumps({"value": value, "base_revision": base}).encode()
        headers = {**user.headers, "Content-Type": "application/json"}
        path = f"/api/v1/assessments/{user.assessment_id}/answers/{key}/"
        user.unknown.setdefault(key, []).append(value)
        status, payload = call(conn, "PUT", path, headers, body)
        if status == 200:
            user.revisions[key] = json.loads(payload)["revision"]
            user.acknowledged[key] = value
            user.unknown.pop(key, None)
            user.writes += 1
        elif status == 409:
            # Someone else wrote it (never in this benchmark): take the server's state.
            current = json.loads(payload).get("current", {})
            user.unknown[key].pop()
            if "revision" in current:
                user.revisions[key] = current["revision"]
                user.acknowledged[key] = current.get("value")
        elif status < 500:
            user.unknown[key].pop()  # rejected without a write
        return status

    return autosave


def run_phase(
    port: int, users: list[SimUser], request: Request, count: int, max_seconds: float
) -> tuple[float, list[Outcome]]:
    """Every user sends ``count`` requests on its own keep-alive connection.

    Returns the wall time from the common start to the last response, and every outcome.
    """
    barrier = threading.Barrier(len(users) + 1)
    perf_counter = time.perf_counter

    def worker(user: SimUser) -> list[Outcome]:
        conn = http.client.HTTPConnection(HOST, port, timeout=30)
        outcomes: list[Outcome] = []
        barrier.wait()
        stop_at = perf_counter() + max_seconds
        for _ in range(count):
            if perf_counter() > stop_at:
                break
            start = perf_counter()
            try:
                status = request(conn, user)
            except (OSError, http.client.HTTPException):
                status = 0
                conn.close()  # reconnects on the next request
            outcomes.append(Outcome(perf_counter() - start, status))
        conn.close()
        return outcomes

    with ThreadPoolExecutor(max_workers=len(users)) as pool:
        futures = [pool.submit(worker, user) for user in users]
        barrier.wait()
        start = perf_counter()
        results = [future.result() for future in futures]
        wall = perf_counter() - start
    return wall, [outcome for outcomes in results for outcome in outcomes]


# --- verification --------------------------------------------------------------------


def count_lost(users: list[SimUser]) -> tuple[int, int, int, int]:
    """(lost, unknown outcomes, answers checked, revision rows) after the load.

    An answer is lost when the database does not hold the last value the server
    acknowledged for it (nor a later value whose response never arrived).
    """
    from assessments.models import Answer, AnswerRevision

    by_user = {user.assessment_id: user for user in users}
    stored: dict[tuple[int, str], Any] = {
        (assessment_id, key): value
        for assessment_id, key, value in Answer.objects.filter(
            assessment_id__in=list(by_user)
        ).values_list("assessment_id", "question_key", "value")
    }
    lost = unknown = checked = 0
    for user in users:
        unknown += sum(len(values) for values in user.unknown.values())
        for key, value in user.acknowledged.items():
            checked += 1
            found = stored.get((user.assessment_id, key), object())
            if found != value and found not in user.unknown.get(key, []):
                lost += 1
    revisions = AnswerRevision.objects.filter(assessment_id__in=list(by_user)).count()
    return lost, unknown, checked, revisions


# --- main ----------------------------------------------------------------------------


def describe(outcomes: list[Outcome]) -> dict[str, Any]:
    latencies = [o.latency for o in outcomes]
    statuses = Counter(o.status for o in outcomes)
    return {
        "ok": sum(n for status, n in statuses.items() if 200 <= status < 300),
        "errors": sum(n for status, n in statuses.items() if not 200 <= status < 300),
        "statuses": dict(sorted(statuses.items())),
        "p50": percentile(latencies, 50) if latencies else 0.0,
        "p95": percentile(latencies, 95) if latencies else 0.0,
        "p99": percentile(latencies, 99) if latencies else 0.0,
    }


def main() -> None:
    global QUICKACK
    args = parse_args()
    QUICKACK = QUICKACK and not args.no_quickack
    database = _common.setup_django()

    from django.db import connections

    from assessments.models import FrameworkVersion
    from assessments.selectors import compiled_framework

    version = FrameworkVersion.objects.latest_published(FRAMEWORK)
    if version is None:
        raise SystemExit(f"{FRAMEWORK} is not installed; migrate the database")
    fw = compiled_framework(version)
    keys = [question.key for question in fw.iter_questions()]

    started = time.perf_counter()
    users = create_users(args.users, args.seed)
    print(f"database: {database} ({_common.database_vendor()})")
    print(f"machine: {_common.machine_note()} (client and server share it)")
    print(
        f"registered {len(users)} users with their drafts in "
        f"{fmt_seconds(time.perf_counter() - started)}"
    )
    connections.close_all()

    port = free_port()
    log_path = Path(tempfile.gettempdir()) / f"gradient-bench-runserver-{port}.log"
    server = start_server(port, log_path)
    autosave = make_autosave(keys, dict(fw.questions), args.revisit)
    phases: dict[str, tuple[Request, list[float], list[Outcome]]] = {
        "baseline GET /me/": (get_me, [], []),
        "autosave PUT answer": (autosave, [], []),
    }
    try:
        wait_until_serving(server, port, log_path)
        print(f"server: runserver --noreload on {HOST}:{port} (log {log_path})")
        print(f"client: keep-alive, TCP_QUICKACK {'on' if QUICKACK else 'off'}")
        # Warm-up, untimed: connections, the server's compiled framework, caches.
        run_phase(port, users, get_me, 3, args.max_seconds)
        run_phase(port, users, autosave, 3, args.max_seconds)
        for round_number in range(args.rounds):
            for name, (request, phase_rates, outcomes) in phases.items():
                wall, found = run_phase(port, users, request, args.requests, args.max_seconds)
                ok = sum(1 for o in found if 200 <= o.status < 300)
                phase_rates.append(ok / wall)
                outcomes.extend(found)
                print(
                    f"  round {round_number + 1}/{args.rounds} {name}: {len(found)} requests "
                    f"in {wall:.2f} s, {ok / wall:.1f} ok/s",
                    flush=True,
                )
    finally:
        stop_server(server)
        print(f"server stopped (exit code {server.returncode})")

    lost, unknown, checked, revisions = count_lost(users)
    acknowledged_writes = sum(user.writes for user in users)

    stats = {name: describe(outcomes) for name, (_r, _rates, outcomes) in phases.items()}
    rates = {name: median(phase_rates) for name, (_r, phase_rates, _o) in phases.items()}
    base_name, save_name = list(phases)
    print()
    _common.print_table(
        ["phase", "req/s (median)", "p50", "p95", "p99", "ok", "errors", "statuses", "ratio"],
        [
            [
                name,
                f"{rates[name]:.1f}",
                fmt_seconds(stats[name]["p50"]),
                fmt_seconds(stats[name]["p95"]),
                fmt_seconds(stats[name]["p99"]),
                stats[name]["ok"],
                stats[name]["errors"],
                " ".join(f"{s}:{n}" for s, n in stats[name]["statuses"].items()),
                fmt_ratio(rates[name] / rates[base_name]),
            ]
            for name in phases
        ],
    )
    ratio = rates[save_name] / rates[base_name]
    p95 = stats[save_name]["p95"]
    print()
    print(
        f"users {len(users)}, {args.requests} requests per user, phase and round, "
        f"{args.rounds} rounds"
    )
    print(
        f"target: autosave/baseline throughput >= {THROUGHPUT_TARGET:.2f}: {ratio:.2f} "
        f"({'met' if ratio >= THROUGHPUT_TARGET else 'NOT met'}); "
        f"autosave p95 < {fmt_seconds(P95_TARGET)}: {fmt_seconds(p95)} "
        f"({'met' if p95 < P95_TARGET else 'NOT met'})"
    )
    print(
        f"verification: lost={lost} of {checked} acknowledged answers "
        f"({unknown} writes of unknown outcome); {revisions} revision rows for "
        f"{acknowledged_writes} acknowledged writes"
    )

    vendor = _common.database_vendor()
    summaries = [
        Summary(
            benchmark=f"autosave PUT, {len(users)} users",
            figure=f"{rates[save_name]:.1f} req/s, p95 {fmt_seconds(p95)}",
            baseline=f"{rates[base_name]:.1f} req/s GET /me/",
            ratio=fmt_ratio(ratio),
            target=">= 0.50x, p95 < 100 ms",
            met=ratio >= THROUGHPUT_TARGET and p95 < P95_TARGET,
            note=f"errors={stats[save_name]['errors']}, lost={lost}; runserver; {vendor}",
        )
    ]
    _common.print_summary(summaries)
    _common.write_summary(args.summary_json, summaries, lost=lost)
    if lost:
        sys.exit(1)


if __name__ == "__main__":
    main()
