"""Shared helpers for the benchmark scripts: Django setup, timing, medians, tables.

Every script in this folder is run as ``python benchmarks/<name>.py`` from the project
root. It calls :func:`setup_django` first, which points Django at a benchmark database
(never the developer's ``var/db.sqlite3``) and migrates it. Timings are medians of
``time.perf_counter`` samples, always printed next to a baseline measured in the same
process (DESIGN.md: timings belong here, never in an assertion of the test suite).
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import resource
import statistics
import sys
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import contextmanager
from dataclasses import asdict
from pathlib import Path
from typing import Any
from urllib.parse import urlsplit, urlunsplit

# The scripts import these from here, with the helpers below.
from _results import Check as Check
from _results import Summary as Summary

ROOT = Path(__file__).resolve().parent.parent
# The benchmarks' own PostgreSQL database, never the one `make serve` or `make run` use:
# it holds the synthetic population (build_synthetic_db.py) and whatever the scripts
# make. DATABASE_URL overrides it (a SQLite URL works for the scripts that need no
# population, e.g. bench_scoring; run_all.py needs PostgreSQL).
DEFAULT_DATABASE_URL = "postgresql://postgres@127.0.0.1:5432/gradient_bench"
SETTINGS_MODULE = "config.settings.local"


# --- Django ------------------------------------------------------------------------


def bench_environment() -> dict[str, str]:
    """The environment variables every benchmark process (and server) runs with.

    ``DJANGO_DEBUG`` defaults to off: with DEBUG on Django keeps every SQL statement of
    the process in memory, which would distort both the timings and the memory figures.
    Celery runs eagerly in the benchmark processes (no broker): what they time happens in
    them, and no task of theirs waits in a queue for a worker that is not there. Only
    the load test's server gets a broker (bench_autosave.py).
    """
    return {
        "DJANGO_SETTINGS_MODULE": os.environ.get("DJANGO_SETTINGS_MODULE", SETTINGS_MODULE),
        "DATABASE_URL": os.environ.get("DATABASE_URL") or DEFAULT_DATABASE_URL,
        "DJANGO_DEBUG": os.environ.get("DJANGO_DEBUG") or "0",
        "CELERY_BROKER_URL": "",
    }


def database_label(url: str | None = None) -> str:
    """The database URL with any password masked, for printing."""
    url = url or bench_environment()["DATABASE_URL"]
    parts = urlsplit(url)
    if not parts.password:
        return url
    netloc = parts.netloc.replace(f":{parts.password}@", ":***@")
    return urlunsplit(parts._replace(netloc=netloc))


def is_postgres(url: str) -> bool:
    return url.startswith(("postgres://", "postgresql://"))


def _ensure(check: str, url: str) -> None:
    """Run config.serve's `check` on ``url``; exit with what to start or set if it fails."""
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    from config import serve

    try:
        getattr(serve, check)(url)
    except serve.NotReady as exc:
        raise SystemExit(f"benchmarks: {exc}") from exc


def ensure_postgres(url: str) -> None:
    """PostgreSQL answers at ``url``, and the database exists (created if missing);
    else exit with what to start or set (config/serve.py says it as for `make serve`)."""
    _ensure("check_postgres", url)


def ensure_redis(url: str) -> None:
    """Redis answers at ``url``, else exit saying what to start or set."""
    _ensure("check_redis", url)


def setup_django(*, migrate: bool = True) -> str:
    """Configure and start Django on the benchmark database; return its printable URL.

    Precondition: called once per process, before any model is imported.
    """
    if str(ROOT) not in sys.path:
        sys.path.insert(0, str(ROOT))
    os.chdir(ROOT)
    for key, value in bench_environment().items():
        os.environ[key] = value
    url = os.environ["DATABASE_URL"]
    if is_postgres(url):
        ensure_postgres(url)

    import django

    django.setup()
    if migrate:
        from django.core.management import call_command

        call_command("migrate", interactive=False, verbosity=0)
    return database_label(url)


def database_vendor() -> str:
    """``postgresql 15.20`` or ``sqlite 3.40.1``: the database the benchmark ran on."""
    from django.db import connection

    if connection.vendor == "postgresql":
        connection.ensure_connection()
        version = connection.pg_version  # type: ignore[attr-defined]
        return f"postgresql {version // 10000}.{version % 10000}"
    if connection.vendor == "sqlite":
        import sqlite3

        return f"sqlite {sqlite3.sqlite_version}"
    return connection.vendor


# --- timing --------------------------------------------------------------------------


def time_call(action: Callable[[], object]) -> float:
    """Seconds taken by one call of ``action``."""
    start = time.perf_counter()
    action()
    return time.perf_counter() - start


@contextmanager
def stopwatch() -> Iterator[list[float]]:
    """``with stopwatch() as elapsed: ...`` then ``elapsed[0]`` holds the seconds."""
    holder: list[float] = []
    start = time.perf_counter()
    try:
        yield holder
    finally:
        holder.append(time.perf_counter() - start)


def median(samples: Sequence[float]) -> float:
    return statistics.median(samples)


def percentile(samples: Sequence[float], percent: float) -> float:
    """The ``percent``-th percentile by linear interpolation (``samples`` not empty)."""
    ordered = sorted(samples)
    if len(ordered) == 1:
        return ordered[0]
    position = (len(ordered) - 1) * percent / 100
    low = int(position)
    high = min(low + 1, len(ordered) - 1)
    return ordered[low] + (ordered[high] - ordered[low]) * (position - low)


def peak_rss_mib() -> float:
    """The process's peak resident set size so far, in MiB (Linux reports KiB)."""
    peak = resource.getrusage(resource.RUSAGE_SELF).ru_maxrss
    return peak / 1024 if sys.platform != "darwin" else peak / (1024 * 1024)


def fmt_seconds(seconds: float) -> str:
    """A duration with a unit that keeps 3-4 significant digits."""
    if seconds < 1e-3:
        return f"{seconds * 1e6:.1f} us"
    if seconds < 1:
        return f"{seconds * 1e3:.2f} ms"
    return f"{seconds:.2f} s"


def fmt_ratio(value: float) -> str:
    return f"{value:.2f}x"


# --- output --------------------------------------------------------------------------


def print_table(headers: Sequence[str], rows: Sequence[Sequence[object]]) -> None:
    """Print a Markdown-compatible table with padded columns."""
    cells = [[str(h) for h in headers]] + [[str(c) for c in row] for row in rows]
    widths = [max(_width(row[i]) for row in cells) for i in range(len(headers))]

    def line(row: list[str]) -> str:
        padded = [cell + " " * (widths[i] - _width(cell)) for i, cell in enumerate(row)]
        return "| " + " | ".join(padded) + " |"

    print(line(cells[0]))
    print("|" + "|".join("-" * (w + 2) for w in widths) + "|")
    for row in cells[1:]:
        print(line(row))


def _width(text: str) -> int:
    # CJK characters take two columns in a terminal.
    return sum(2 if ord(ch) > 0x2E7F else 1 for ch in text)


def machine_note(*, load: bool = True) -> str:
    """The cores, and the load average now (the cores may be shared)."""
    cores = os.cpu_count() or 1
    now = f" (load {os.getloadavg()[0]:.2f})" if load else ""
    return f"{cores} cores{now}, {platform.machine()}, Python {platform.python_version()}"


def add_summary_argument(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--summary-json",
        type=Path,
        help="Also write the headline figures to this JSON file (used by run_all.py).",
    )


def write_summary(path: Path | None, summaries: Sequence[Summary], **extra: Any) -> None:
    if path is None:
        return
    payload = {"summaries": [asdict(s) for s in summaries], **extra}
    path.write_text(json.dumps(payload, ensure_ascii=False, indent=2), encoding="utf-8")


def print_summary(summaries: Sequence[Summary]) -> None:
    print()
    print_table(
        ["benchmark", "figure", "baseline", "ratio", "target", "met", "note"],
        [
            [
                s.benchmark,
                s.figure,
                s.baseline,
                s.ratio,
                s.target,
                "-" if s.met is None else ("yes" if s.met else "NO"),
                "; ".join(part for part in (s.reason, s.note) if part),
            ]
            for s in summaries
        ],
    )
