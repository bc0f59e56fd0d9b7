"""Build (or reuse) the synthetic Jiangsu population that the analytics benchmarks run on.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/gradient_bench \\
        python benchmarks/build_synthetic_db.py [--enterprises 50000] [--seed 2026] [--fresh]
    make bench-db BENCH_DB_ARGS="--enterprises 50000"      # the same through make

It runs ``manage.py generate_synthetic`` (reports/synthetic/) on the benchmark database
(``DATABASE_URL``, else a SQLite file under /tmp; see _common.py): N enterprises over
Jiangsu's county-level regions, 4 assessments each on average on both shipped frameworks
(submitted, reviewed, returned, pending, drafts; Answer rows and review steps), and the
anchors' supplier trees. 50,000 enterprises and 200,000 assessments take a few minutes
on PostgreSQL with 2 cores; SQLite works for small N only.

A population already present with the same size and seed is reused (so ``make bench``
runs this first at no cost); ``--fresh`` rebuilds it. The time of each build is kept in
``var/bench-populations.json``, so that a run reusing the population still reports how
long building it took. ``--remove-benchmark-rows`` (what ``make bench`` passes) also
deletes the rows other benchmark scripts make and remove themselves, left behind when
one of them was interrupted, so that every script sees the population alone.

Prints the wall time, the CPU time of this process and of its worker processes, the
machine's load average (the cores may be shared), and on PostgreSQL the database size.
"""

from __future__ import annotations

import argparse
import json
import os
import resource
import time
from datetime import date
from pathlib import Path
from typing import Any

import _common
from _common import Check, Summary, fmt_seconds

DEFAULT_ENTERPRISES = 50_000
DEFAULT_SEED = 2026
TARGET_SECONDS = 300.0  # "a few minutes" for 50,000 / 200,000 on 2 cores
RECORDS = _common.ROOT / "var" / "bench-populations.json"  # var/ is not committed


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--enterprises", type=int, default=DEFAULT_ENTERPRISES)
    parser.add_argument("--seed", type=int, default=DEFAULT_SEED)
    parser.add_argument("--assessments", type=int, default=None, help="Default 4 per enterprise.")
    parser.add_argument("--as-of", default=None, help="YYYY-MM-DD (default today).")
    parser.add_argument("--workers", type=int, default=None, help="Default: the cores.")
    parser.add_argument("--fresh", action="store_true", help="Rebuild even if present.")
    parser.add_argument(
        "--remove-benchmark-rows",
        action="store_true",
        help="Also delete the rows other benchmark scripts left (an interrupted run).",
    )
    _common.add_summary_argument(parser)
    return parser.parse_args(argv)


def present(enterprises: int, seed: int, assessments: int) -> dict[str, Any] | None:
    """What the database holds if it is this population (size and seed), else None."""
    from django.db.models import Max, Min

    from assessments.models import Assessment
    from enterprises.models import Region as RegionModel
    from reports.synthetic import synthetic_enterprises
    from reports.synthetic.population import Population, Region

    count = synthetic_enterprises().count()
    if count != enterprises:
        return None
    regions = [
        Region(code=code, name=name, city=parent or code)
        for code, name, parent in RegionModel.objects.filter(
            level=RegionModel.Level.DISTRICT, code__startswith="32"
        ).values_list("code", "name", "parent_id")
    ]
    first = Population(seed, regions).enterprise(0)
    if not synthetic_enterprises().filter(uscc=first.uscc, name=first.name).exists():
        return None  # another seed
    rows = Assessment.objects.filter(enterprise__in=synthetic_enterprises())
    if rows.count() != assessments:
        return None
    span = rows.aggregate(first=Min("submitted_at"), last=Max("submitted_at"))
    return {"enterprises": count, "assessments": assessments, **span}


def database_size() -> str:
    from django.db import connection

    if connection.vendor != "postgresql":
        return "-"
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_size_pretty(pg_database_size(current_database()))")
        return str(cursor.fetchone()[0])


def cpu_seconds() -> tuple[float, float]:
    me = resource.getrusage(resource.RUSAGE_SELF)
    children = resource.getrusage(resource.RUSAGE_CHILDREN)
    return me.ru_utime + me.ru_stime, children.ru_utime + children.ru_stime


def backend_cpu_seconds() -> float | None:
    """CPU time of this connection's PostgreSQL backend so far, when the server runs on
    this machine and /proc shows it (else None)."""
    from django.db import connection

    if connection.vendor != "postgresql":
        return None
    with connection.cursor() as cursor:
        cursor.execute("SELECT pg_backend_pid()")
        pid = cursor.fetchone()[0]
    try:
        fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
    except OSError:
        return None
    return (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")


def track_database_cpu() -> Any:
    """Add up the backend CPU of every batch, in whichever process it runs.

    The machine may be shared, so wall time alone says little: the CPU seconds of the
    generator processes and of their database backends, divided by the cores, is the
    time the build needs on an idle machine. Returns a shared counter (None when the
    backends cannot be observed).
    """
    import multiprocessing

    from reports.synthetic import generate

    if backend_cpu_seconds() is None:
        return None
    total = multiprocessing.get_context("fork").Value("d", 0.0)
    original = generate.generate_batch

    def tracked(plan: Any, batch: int) -> Any:
        before = backend_cpu_seconds() or 0.0
        result = original(plan, batch)
        spent = (backend_cpu_seconds() or 0.0) - before
        with total.get_lock():
            total.value += spent
        return result

    generate.generate_batch = tracked  # workers fork after this and inherit it
    return total


def record_key(enterprises: int, assessments: int, seed: int) -> str:
    return f"{_common.database_label()} {enterprises}/{assessments}/{seed}"


def read_record(key: str) -> dict[str, Any] | None:
    try:
        return json.loads(RECORDS.read_text("utf-8")).get(key)
    except (OSError, ValueError):
        return None


def write_record(key: str, record: dict[str, Any]) -> None:
    try:
        records = json.loads(RECORDS.read_text("utf-8"))
    except (OSError, ValueError):
        records = {}
    records[key] = record
    RECORDS.parent.mkdir(parents=True, exist_ok=True)
    RECORDS.write_text(json.dumps(records, indent=2, ensure_ascii=False), encoding="utf-8")


def population_label(enterprises: int, assessments: int) -> str:
    return f"generate {enterprises:,} enterprises / {assessments:,} assessments"


def target_of(enterprises: int, assessments: int) -> tuple[str, bool]:
    """The target text, and whether it applies (the issue's size only)."""
    full = enterprises == DEFAULT_ENTERPRISES and assessments == 4 * DEFAULT_ENTERPRISES
    return (f"< {fmt_seconds(TARGET_SECONDS)}" if full else "(reported)"), full


def reused(args: argparse.Namespace, assessments: int, found: dict[str, Any]) -> Summary:
    """The row of a population this run did not build: the time its build took."""
    print(
        f"reusing the synthetic population: {found['enterprises']:,} enterprises, "
        f"{found['assessments']:,} assessments submitted {found['first']:%Y-%m-%d} to "
        f"{found['last']:%Y-%m-%d} (seed {args.seed}); --fresh rebuilds it"
    )
    print(f"database size: {database_size()}")
    target, applies = target_of(args.enterprises, assessments)
    fields = {
        "benchmark": population_label(args.enterprises, assessments),
        "baseline": "-",
        "ratio": "-",
        "target": target,
    }
    record = read_record(record_key(args.enterprises, assessments, args.seed))
    if record is None:
        return Summary(
            **fields,
            figure="reused (present; its build time was not recorded here)",
            reason="not built in this run; --fresh-population rebuilds and times it",
        )
    note = (
        f"reused: built {record['built']} (load {record['load']:.1f}); not rebuilt in this "
        "run (--fresh-population rebuilds and times it)"
    )
    figure = fmt_seconds(record["seconds"])
    if not applies:
        return Summary(**fields, figure=figure, note=note)
    check = Check("build", record["seconds"], TARGET_SECONDS, unit=fmt_seconds)
    return Summary.checked([check], **fields, figure=figure, note=note)


def build(args: argparse.Namespace) -> list[Summary]:
    from django.core.management import call_command

    assessments = 4 * args.enterprises if args.assessments is None else args.assessments
    found = present(args.enterprises, args.seed, assessments)
    if found and not args.fresh:
        return [reused(args, assessments, found)]
    batches_cpu = track_database_cpu()
    load_before = os.getloadavg()
    cpu_before = cpu_seconds()
    main_backend_before = backend_cpu_seconds()
    command = ["--enterprises", str(args.enterprises), "--seed", str(args.seed), "--replace"]
    command += ["--assessments", str(assessments)]
    if args.as_of:
        command += ["--as-of", date.fromisoformat(args.as_of).isoformat()]
    if args.workers:
        command += ["--workers", str(args.workers)]
    started = time.perf_counter()
    call_command("generate_synthetic", *command)
    seconds = time.perf_counter() - started
    cpu_after = cpu_seconds()
    load_after = os.getloadavg()
    own, workers = (after - before for after, before in zip(cpu_after, cpu_before, strict=True))
    print(f"wall time: {fmt_seconds(seconds)} ({assessments / seconds:,.0f} assessments/s)")
    print(f"CPU: this process {own:.1f} s, worker processes {workers:.1f} s")
    cores = os.cpu_count() or 1
    idle_estimate = None
    main_backend_after = backend_cpu_seconds()
    if batches_cpu is not None and main_backend_before is not None and main_backend_after:
        database = batches_cpu.value + main_backend_after - main_backend_before
        idle_estimate = (own + workers + database) / cores
        print(
            f"CPU: database backends {database:.1f} s; all together "
            f"{own + workers + database:.1f} s, i.e. at least {fmt_seconds(idle_estimate)} "
            f"on {cores} idle cores (WAL and checkpoint writes not counted)"
        )
    print(
        f"load average (1 min) before {load_before[0]:.2f}, after {load_after[0]:.2f} "
        f"on {cores} cores"
    )
    print(f"database size: {database_size()}")
    write_record(
        record_key(args.enterprises, assessments, args.seed),
        {
            "seconds": seconds,
            "built": time.strftime("%Y-%m-%d %H:%M UTC", time.gmtime()),
            "load": load_before[0],
            "cores": cores,
        },
    )
    target, applies = target_of(args.enterprises, assessments)
    fields = {
        "benchmark": population_label(args.enterprises, assessments),
        "figure": fmt_seconds(seconds),
        "baseline": "-",
        "ratio": "-",
        "target": target,
        "note": f"{_common.database_vendor()}"
        + (f"; CPU / cores {fmt_seconds(idle_estimate)}" if idle_estimate else ""),
    }
    if not applies:
        return [Summary(**fields)]
    return [Summary.checked([Check("build", seconds, TARGET_SECONDS, unit=fmt_seconds)], **fields)]


def remove_benchmark_rows() -> None:
    """Delete what the other benchmark scripts make (and delete themselves when they
    finish): left behind only when one was interrupted, or by an older version."""
    import bench_autosave
    import bench_rescore
    import bench_supply

    for name, remove in (
        ("bench_rescore", bench_rescore.remove_rows),
        ("bench_supply", bench_supply.remove_rows),
        ("bench_autosave", bench_autosave.remove_rows),
    ):
        started = time.perf_counter()
        removed = remove()
        if removed:
            print(
                f"removed {removed:,} rows {name} left behind "
                f"in {fmt_seconds(time.perf_counter() - started)}"
            )


def main() -> None:
    args = parse_args()
    database = _common.setup_django()
    print(f"database: {database}; machine: {_common.machine_note()}", flush=True)
    summaries = build(args)
    if args.remove_benchmark_rows:
        remove_benchmark_rows()
    _common.print_summary(summaries)
    _common.write_summary(args.summary_json, summaries)


if __name__ == "__main__":
    main()
