"""Time the bureau export of assessments with their answers to CSV and xlsx.

    python benchmarks/bench_export.py [--rows 100000] [--framework auto] [--repeat 1]

Runs on the benchmark database (the synthetic province of build_synthetic_db.py) and
creates no population: it needs at least ``--rows`` counted (submitted, pending review
or confirmed) assessments of one framework in Jiangsu (by default the framework with
the most), and skips with a clear message otherwise. It exports the latest ``--rows``
of them by submission date, as an officer asks for them: a ``date_from`` filter, the
first day that brings at least ``--rows`` (so a few more: the rest of that day);
``--rows 0`` exports them all. Before timing it runs ANALYZE on the tables read
(untimed), as autovacuum would have after a bulk load. It exports them as a
province-wide bureau officer (``bench-export-officer``, scope 320000, created if
missing) would: the real job path, ``export_job_run`` over the ``bureau.assessments``
kind, one row per assessment and one column per question key, written batch by
batch to a temporary file and stored (and deleted afterwards, with its job).

- baseline: the bare SELECT of the same rows: the same keyset pages of the same narrow
  columns (answers JSON included), read and dropped;
- csv, xlsx: one export job each.

Each timed pass runs in a child process, so the peak resident memory printed for it is
its own (``--tracemalloc`` adds the Python heap peak, at some cost in speed). Figures
are medians over ``--repeat``; targets scale linearly with the rows exported: per
100,000 assessments, CSV < 60 s and xlsx < 180 s.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import time
from typing import Any

import _common
from _common import Check, Summary, fmt_ratio, fmt_seconds, median

OFFICER = "bench-export-officer"
PROVINCE = "320000"
KIND = "bureau.assessments"
TARGETS = {"csv": 60.0, "xlsx": 180.0}  # seconds per 100,000 assessments
PER = 100_000


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument(
        "--rows",
        type=int,
        default=100_000,
        help="Assessments to export, the latest by submission date (0: all; fewer: skip).",
    )
    parser.add_argument(
        "--framework",
        default="auto",
        help="Framework code, or auto: the one with the most counted assessments.",
    )
    parser.add_argument("--formats", nargs="*", default=["csv", "xlsx"], choices=["csv", "xlsx"])
    parser.add_argument("--batch-size", type=int, default=2000)
    parser.add_argument("--repeat", type=int, default=1, help="Timed passes (median shown).")
    parser.add_argument("--tracemalloc", action="store_true", help="Also trace the heap peak.")
    parser.add_argument("--child", choices=["baseline", "csv", "xlsx"], help=argparse.SUPPRESS)
    parser.add_argument("--date-from", default="", help=argparse.SUPPRESS)
    _common.add_summary_argument(parser)
    return parser.parse_args()


def officer() -> Any:
    from enterprises.services import bureau_officer_create

    return bureau_officer_create(
        username=OFFICER,
        password="Qz7-province-export-2026",  # unlike the username (validators)
        region_codes=[PROVINCE],
        bureau_name="基准测试：省级主管部门",
    ).user


def counted_by_framework() -> dict[str, int]:
    """Counted assessments per framework code, in the province."""
    from django.db.models import Count

    from assessments.models import Assessment
    from reports.selectors import COUNTED_STATUSES

    rows = (
        Assessment.objects.filter(
            status__in=COUNTED_STATUSES, enterprise__region__code__startswith=PROVINCE[:2]
        )
        .values_list("framework__code")
        .annotate(n=Count("id"))
        .values_list("framework__code", "n")
    )
    return dict(rows)


def export_filters(args: argparse.Namespace) -> dict[str, str]:
    """The filters an officer would send: the framework, and the first day from which
    the export holds the latest ``--rows`` assessments (``args.date_from``)."""
    filters = {"framework": args.framework}
    if args.date_from:
        filters["date_from"] = args.date_from
    return filters


def first_day_of_latest(framework: str, rows: int) -> str:
    """The submission date (local) of the ``rows``-th latest assessment the export would
    hold, ISO formatted; "" when it holds fewer (or ``rows`` is 0: all of them)."""
    from django.utils import timezone

    from reports.exports import get_kind

    kind = get_kind(KIND)
    assert kind is not None
    source: Any = kind.source(officer(), {"framework": framework})
    if rows <= 0:
        return ""
    latest = source.assessments.order_by("-submitted_at", "-pk").values_list(
        "submitted_at", flat=True
    )[rows - 1 : rows]
    found = list(latest)
    return timezone.localtime(found[0]).date().isoformat() if found else ""


def analyze() -> None:
    """Untimed: fresh planner statistics, as autovacuum keeps them in production. Right
    after a bulk load they may be missing, and the planner then drives each keyset page
    from the enterprises instead of walking the assessments' primary key."""
    from django.db import connection

    from assessments.models import Assessment
    from enterprises.models import Enterprise

    with connection.cursor() as cursor:
        for model in (Enterprise, Enterprise.clusters.through, Assessment):
            table = model._meta.db_table
            cursor.execute(f"ANALYZE {table}" if connection.vendor == "postgresql" else "ANALYZE")


def child(args: argparse.Namespace) -> None:
    """One timed pass; prints a RESULT line of JSON for the parent."""
    _common.setup_django(migrate=False)
    from enterprises.models import User
    from reports.exports import clean_filters, get_kind
    from reports.models import ExportJob
    from reports.services.exports import export_job_run

    user = User.objects.get(username=OFFICER)
    kind = get_kind(KIND)
    assert kind is not None
    filters = clean_filters(kind, user, export_filters(args))
    if args.tracemalloc:
        import tracemalloc

        tracemalloc.start()
    rss_before = _common.peak_rss_mib()
    started = time.perf_counter()
    cpu_started = time.process_time()
    result: dict[str, Any] = {}
    if args.child == "baseline":
        source: Any = kind.source(user, filters)
        columns = source.COLUMNS
        source.count()
        done, last = 0, 0
        while True:
            page = list(
                source.assessments.filter(pk__gt=last)
                .order_by("pk")
                .values_list(*columns)[: args.batch_size]
            )
            if not page:
                break
            done += len(page)
            last = page[-1][0]
        result["rows"] = done
    else:
        job = ExportJob.objects.create(
            requested_by=user, kind=KIND, format=args.child, params=filters, language="zh-hans"
        )
        state = export_job_run(job_id=job.pk, batch_size=args.batch_size)
        job.refresh_from_db()
        if state != ExportJob.State.DONE:
            raise SystemExit(f"export {job.pk} ended {state}: {job.error}")
        result.update(rows=job.rows_done, size=job.file_size)
        job.file.storage.delete(job.file.name)
        job.delete()
    result["seconds"] = time.perf_counter() - started
    result["cpu"] = time.process_time() - cpu_started
    result["rss_mib"] = _common.peak_rss_mib()
    result["rss_before_mib"] = rss_before
    if args.tracemalloc:
        import tracemalloc

        result["heap_mib"] = tracemalloc.get_traced_memory()[1] / (1024 * 1024)
    print("RESULT " + json.dumps(result), flush=True)


def run_child(args: argparse.Namespace, mode: str) -> dict[str, Any]:
    command = [
        sys.executable,
        __file__,
        "--child",
        mode,
        "--framework",
        args.framework,
        "--batch-size",
        str(args.batch_size),
        "--date-from",
        args.date_from,
    ]
    if args.tracemalloc:
        command.append("--tracemalloc")
    done = subprocess.run(  # noqa: S603 - our own script, fixed arguments
        command, check=True, capture_output=True, text=True, encoding="utf-8"
    )
    for line in done.stdout.splitlines():
        if line.startswith("RESULT "):
            return json.loads(line.removeprefix("RESULT "))
    raise SystemExit(f"no result from the {mode} pass:\n{done.stdout}\n{done.stderr}")


def skip(args: argparse.Namespace, reason: str) -> None:
    print(f"SKIPPED: {reason}")
    print(
        "Build the population first (`python benchmarks/build_synthetic_db.py`: 50,000 "
        "enterprises), or lower --rows."
    )
    summaries = [
        Summary(
            benchmark=f"export {args.rows:,} assessments with answers",
            figure="skipped",
            baseline="-",
            ratio="-",
            target="CSV < 60 s, xlsx < 180 s per 100,000",
            met=False,
            reason=f"not measured: {reason}",
        )
    ]
    _common.print_summary(summaries)
    _common.write_summary(args.summary_json, summaries)


def main() -> None:
    args = parse_args()
    if args.child:
        child(args)
        return
    database = _common.setup_django()
    counts = counted_by_framework()
    if args.framework == "auto":
        args.framework = max(counts, key=lambda code: counts[code]) if counts else ""
    available = counts.get(args.framework, 0)
    print(f"database: {database} ({_common.database_vendor()})")
    print(f"machine: {_common.machine_note()}")
    print(f"counted assessments in Jiangsu by framework: {counts or 'none'}")
    if available < args.rows:
        skip(
            args,
            f"{available:,} counted assessments of {args.framework or 'any framework'} "
            f"in Jiangsu, fewer than --rows {args.rows:,}",
        )
        return
    officer()  # created once here, not inside a timed pass
    analyze()
    args.date_from = first_day_of_latest(args.framework, args.rows)
    since = f"submitted from {args.date_from}" if args.date_from else "all of them"
    print(
        f"exporting the latest {args.rows:,} assessments of {args.framework} ({since}) as "
        f"a province-wide officer; batch size {args.batch_size}; repeats {args.repeat}"
        if args.rows
        else f"exporting all {available:,} assessments of {args.framework} as a "
        f"province-wide officer; batch size {args.batch_size}; repeats {args.repeat}"
    )
    run_child(args, "baseline")  # untimed: warms the database's cache
    modes = ["baseline", *args.formats]
    results: dict[str, list[dict[str, Any]]] = {mode: [] for mode in modes}
    for repeat in range(args.repeat):
        for mode in modes:
            result = run_child(args, mode)
            results[mode].append(result)
            print(
                f"  pass {repeat + 1}/{args.repeat} {mode}: {fmt_seconds(result['seconds'])} "
                f"(this process's CPU {fmt_seconds(result['cpu'])}), "
                f"{result['rows']:,} rows, peak RSS {result['rss_mib']:.0f} MiB"
                + (f", heap peak {result['heap_mib']:.1f} MiB" if "heap_mib" in result else ""),
                flush=True,
            )

    def med(mode: str, key: str) -> float:
        return median([r[key] for r in results[mode]])

    base = med("baseline", "seconds")
    rows = int(med("baseline", "rows"))
    table = []
    summaries = []
    for mode in modes:
        seconds = med(mode, "seconds")
        per_100k = seconds * PER / rows if rows else 0.0
        size = med(mode, "size") if mode != "baseline" else None
        table.append(
            [
                mode,
                f"{rows:,}",
                fmt_seconds(seconds),
                f"{rows / seconds:,.0f}" if seconds else "-",
                fmt_seconds(per_100k),
                fmt_ratio(seconds / base) if base else "-",
                fmt_seconds(med(mode, "cpu")),
                f"{med(mode, 'rss_mib'):.0f} MiB",
                f"{size / (1024 * 1024):.1f} MiB" if size else "-",
            ]
        )
        if mode == "baseline":
            continue
        target = TARGETS[mode]
        summaries.append(
            Summary.checked(
                [Check("per 100,000", per_100k, target, unit=fmt_seconds)],
                benchmark=f"export {rows:,} assessments with answers to {mode}",
                figure=f"{fmt_seconds(seconds)} ({fmt_seconds(per_100k)} per 100,000)",
                baseline=f"{fmt_seconds(base)} bare SELECT of the same rows",
                ratio=fmt_ratio(seconds / base) if base else "-",
                target=f"< {target:.0f} s per 100,000",
                note=f"peak RSS {med(mode, 'rss_mib'):.0f} MiB; {args.framework}, "
                f"{'submitted from ' + args.date_from if args.date_from else 'all'}; "
                f"median of {args.repeat}; {_common.database_vendor()}",
            )
        )
    print()
    _common.print_table(
        [
            "pass",
            "rows",
            f"median of {args.repeat}",
            "rows/s",
            "per 100,000",
            "vs SELECT",
            "CPU",
            "peak RSS",
            "file",
        ],
        table,
    )
    print("peak RSS is each pass's own process (Django and the libraries load ~80-100 MiB);")
    print("CPU is that process's own time: the database's share is in the wall time only,")
    print("and a wall time far above CPU + SELECT means the machine was busy with other work.")
    _common.print_summary(summaries)
    _common.write_summary(args.summary_json, summaries)


if __name__ == "__main__":
    main()
