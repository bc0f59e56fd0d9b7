"""Time ``results_rescore`` over stored (submitted) assessments against loading them.

    python benchmarks/bench_rescore.py --population [--repeat 3]   # what make bench runs
    python benchmarks/bench_rescore.py --rows 100000 [--repeat 3] [--batch-size 1000]

With ``--population`` it rescores the assessments the database already holds (the
synthetic province of build_synthetic_db.py: what an engine change would make a
deployment rescore) and creates nothing; the results it writes are those already
stored (same engine), and the settled results stay in step. Afterwards it vacuums the
tables it rewrote (untimed), so that the next benchmark does not pay for dead rows.

Without it, it creates ``--rows`` rows of its own once (enterprises named
``基准重评企业…`` with valid USCCs, seeded answers over both shipped frameworks, results
as submission would store them) in a child process, and reuses them while their count
matches; ``results_rescore`` rescores every stored result of a framework, so any other
rows of the database are rescored (and counted) too. ``--cleanup`` deletes them (as
``make bench`` does first). Then, per framework and per repeat:

- baseline: the same read loop as ``results_rescore`` (keyset pages of ``pk,
  framework_version_id, answers_snapshot`` of ``--batch-size``), without scoring or
  writing;
- read + score: the same loop, scoring every row (``stored_result``) but writing
  nothing (``--no-breakdown`` skips it);
- rescore: ``results_rescore(framework_code=..., batch_size=...)``.

Prints medians over the repeats, the ratio rescore/baseline, rows/s, and the peak
resident memory of this process (the data is created in a child process, so the
peak is that of the timed work). ``--tracemalloc`` adds one untimed pass measuring the
Python heap peak of ``results_rescore`` (tracemalloc slows the code it watches).
"""

from __future__ import annotations

import argparse
import random
import subprocess
import sys
import time
from collections.abc import Callable
from datetime import timedelta
from decimal import Decimal
from typing import Any

import _common
from _common import Summary, fmt_ratio, fmt_seconds, median

NAME_PREFIX = "基准重评企业"  # marks the enterprises (and so the rows) this script owns
USCC_TAG = "BM"  # two letters of the organisation-code part; the rest is a serial
REGIONS = ("320505", "320115", "320214", "320412", "320582")
INDUSTRIES = ("C34", "C35", "C38", "C39", "C26", "C29")
ASSESSMENTS_PER_ENTERPRISE = 4
SMART_FACTORY_SHARE = 0.6
FRAMEWORKS = ("smart-factory-gradient", "sme-digital-level-2024")


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--rows", type=int, default=2000, help="Stored assessments.")
    parser.add_argument("--batch-size", type=int, default=1000)
    parser.add_argument("--repeat", type=int, default=3, help="Timed passes (median shown).")
    parser.add_argument("--seed", type=int, default=2024)
    parser.add_argument(
        "--framework",
        choices=[*FRAMEWORKS, "all"],
        default="all",
        help="Rescore one framework, or each in turn (default).",
    )
    parser.add_argument(
        "--population",
        action="store_true",
        help="Rescore the assessments already in the database; create none.",
    )
    parser.add_argument("--fresh", action="store_true", help="Recreate the rows even if present.")
    parser.add_argument("--cleanup", action="store_true", help="Delete this script's rows.")
    parser.add_argument("--no-breakdown", action="store_true", help="Skip the read+score pass.")
    parser.add_argument("--tracemalloc", action="store_true", help="Add a heap-peak pass.")
    parser.add_argument("--populate-only", action="store_true", help=argparse.SUPPRESS)
    _common.add_summary_argument(parser)
    return parser.parse_args()


# --- data ----------------------------------------------------------------------------


def bench_rows_count() -> int:
    from assessments.models import Assessment

    return Assessment.objects.filter(
        enterprise__name__startswith=NAME_PREFIX, answers_snapshot__isnull=False
    ).count()


def remove_rows() -> int:
    """Delete this script's enterprises and their assessments; return how many rows."""
    from assessments.models import Assessment
    from enterprises.models import Enterprise

    assessments, _ = Assessment.objects.filter(enterprise__name__startswith=NAME_PREFIX).delete()
    enterprises, _ = Enterprise.objects.filter(name__startswith=NAME_PREFIX).delete()
    return assessments + enterprises


def vacuum_rewritten() -> None:
    """Untimed, after the passes: a rescore rewrites every row of the assessments and the
    settled results; vacuum them so that the next benchmark reads no dead rows."""
    from django.db import connection

    from assessments.models import Assessment, SettledResult

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            for model in (Assessment, SettledResult):
                cursor.execute(f"VACUUM ANALYZE {model._meta.db_table}")


def uscc_for(serial: int, region: str) -> str:
    from stdnum.cn import uscc

    body = f"91{region}{USCC_TAG}{serial:07d}"
    return body + uscc.calc_check_digit(body)


def populate(rows: int, seed: int) -> None:
    """Replace this script's rows with ``rows`` fresh submitted assessments.

    Precondition: Django is set up. Runs in a child process so that the memory it
    uses never shows in the timed process's peak.
    """
    from django.db import connection, transaction
    from django.utils import timezone

    from assessments.models import Assessment, FrameworkVersion
    from assessments.selectors import compiled_framework
    from assessments.services.rescoring import stored_result
    from assessments.synthetic import realistic_answers
    from enterprises.models import Enterprise
    from enterprises.services import size_class_for

    started = time.perf_counter()
    stale = Assessment.objects.filter(enterprise__name__startswith=NAME_PREFIX)
    if stale.exists():
        print("removing the previous benchmark rows ...", flush=True)
        stale.delete()
        Enterprise.objects.filter(name__startswith=NAME_PREFIX).delete()

    rng = random.Random(seed)
    enterprise_count = max(1, rows // ASSESSMENTS_PER_ENTERPRISE)
    batch: list[Enterprise] = []
    for serial in range(enterprise_count):
        region = REGIONS[serial % len(REGIONS)]
        employees = rng.choice((15, 60, 120, 350, 800, 2500))
        revenue = Decimal(rng.choice((200, 1500, 5000, 30000, 90000)))
        batch.append(
            Enterprise(
                name=f"{NAME_PREFIX}{serial:07d}",
                uscc=uscc_for(serial, region),
                region_id=region,
                industry_id=INDUSTRIES[serial % len(INDUSTRIES)],
                employees=employees,
                revenue_10k_yuan=revenue,
                size_class=size_class_for(employees=employees, revenue_10k_yuan=revenue),
            )
        )
        if len(batch) == 2000:
            Enterprise.objects.bulk_create(batch)
            batch = []
    if batch:
        Enterprise.objects.bulk_create(batch)
    enterprise_ids = list(
        Enterprise.objects.filter(name__startswith=NAME_PREFIX)
        .order_by("pk")
        .values_list("pk", flat=True)
    )

    versions = {}
    for code in FRAMEWORKS:
        version = FrameworkVersion.objects.latest_published(code)
        if version is None:
            raise SystemExit(f"framework {code} is not installed; migrate the database")
        versions[code] = (version, compiled_framework(version))
    now = timezone.now()
    pending: list[Assessment] = []
    for index in range(rows):
        code = FRAMEWORKS[0] if rng.random() < SMART_FACTORY_SHARE else FRAMEWORKS[1]
        version, fw = versions[code]
        answers = realistic_answers(fw, rng)
        computed = stored_result(fw, answers)
        submitted = now - timedelta(days=rng.randint(0, 900), seconds=rng.randint(0, 86399))
        pending.append(
            Assessment(
                enterprise_id=enterprise_ids[index % len(enterprise_ids)],
                framework_id=version.framework_id,
                framework_version=version,
                status=Assessment.Status.SUBMITTED,
                submitted_at=submitted,
                pledge_accepted_at=submitted,
                answers_snapshot=answers,
                result=computed.result,
                total=computed.total,
                level_code=computed.level_code,
                confirmed_level_code=computed.level_code,
                engine_version=computed.engine_version,
            )
        )
        if len(pending) == 1000:
            with transaction.atomic():
                Assessment.objects.bulk_create(pending)
            pending = []
            if (index + 1) % 10000 == 0:
                print(f"  created {index + 1}/{rows} rows", flush=True)
    if pending:
        with transaction.atomic():
            Assessment.objects.bulk_create(pending)
    table = Assessment._meta.db_table
    with connection.cursor() as cursor:
        cursor.execute(
            f"VACUUM ANALYZE {table}" if connection.vendor == "postgresql" else "ANALYZE"
        )
    print(
        f"created {len(enterprise_ids)} enterprises and {rows} assessments "
        f"in {fmt_seconds(time.perf_counter() - started)}",
        flush=True,
    )


# --- the timed passes ----------------------------------------------------------------


def read_rows(
    framework_code: str, batch_size: int, per_row: Callable[[Any, dict[str, Any]], object]
) -> int:
    """Walk the rows exactly as ``results_rescore`` does, calling ``per_row`` on each.

    Mirrors assessments/services/rescoring.py: same filter, count, keyset pages, columns
    and compiled-framework lookup; no write.
    """
    from assessments.models import Assessment, FrameworkVersion
    from assessments.selectors import compiled_framework

    versions = {v.pk: v for v in FrameworkVersion.objects.filter(framework__code=framework_code)}
    base = Assessment.objects.filter(
        framework_version_id__in=list(versions), answers_snapshot__isnull=False
    )
    base.count()
    done = 0
    last_pk = 0
    while True:
        rows = list(
            base.filter(pk__gt=last_pk)
            .order_by("pk")
            .values_list("pk", "framework_version_id", "answers_snapshot")[:batch_size]
        )
        if not rows:
            break
        for _pk, version_id, answers in rows:
            per_row(compiled_framework(versions[version_id]), answers)
        done += len(rows)
        last_pk = rows[-1][0]
    return done


def vacuum() -> None:
    """Untimed, between passes: clear the dead rows a rescore leaves (PostgreSQL only)."""
    from django.db import connection

    from assessments.models import Assessment

    if connection.vendor == "postgresql":
        with connection.cursor() as cursor:
            cursor.execute(f"VACUUM {Assessment._meta.db_table}")


def main() -> None:
    args = parse_args()
    database = _common.setup_django()

    if args.populate_only:
        populate(args.rows, args.seed)
        return

    from assessments.models import Assessment
    from assessments.services.rescoring import results_rescore, stored_result

    if args.cleanup:
        print(f"deleted {remove_rows():,} rows of this script")
        return
    present = bench_rows_count()
    if args.population:
        if present:
            print(f"removing {present:,} rows of an earlier run without --population")
            remove_rows()
        if not Assessment.objects.filter(answers_snapshot__isnull=False).exists():
            raise SystemExit(
                "REFUSED: --population, but the database holds no stored result; build "
                "the population first (python benchmarks/build_synthetic_db.py)"
            )
        print("rescoring the population the database holds (creating no rows)")
    elif args.fresh or present != args.rows:
        print(f"benchmark rows present: {present}, wanted {args.rows}: creating them")
        command = [sys.executable, __file__, "--populate-only", "--rows", str(args.rows)]
        command += ["--seed", str(args.seed)]
        subprocess.run(command, check=True)  # noqa: S603 - our own script, fixed arguments
    else:
        print(f"reusing {present} benchmark rows")

    codes = list(FRAMEWORKS) if args.framework == "all" else [args.framework]
    counts = {
        code: Assessment.objects.filter(
            framework_version__framework__code=code, answers_snapshot__isnull=False
        ).count()
        for code in codes
    }
    rss_start = _common.peak_rss_mib()
    print(f"database: {database} ({_common.database_vendor()})")
    print(f"machine: {_common.machine_note()}")
    print(f"rows per framework: {counts}; batch size {args.batch_size}; repeats {args.repeat}")

    # One untimed read warms the caches (OS, database buffers, compiled frameworks).
    for code in codes:
        read_rows(code, args.batch_size, lambda fw, answers: None)

    passes: dict[str, dict[str, list[float]]] = {
        kind: {code: [] for code in codes} for kind in ("baseline", "read+score", "rescore")
    }
    written: dict[str, int] = {}
    rss_after: dict[str, float] = {}
    for repeat in range(args.repeat):
        for code in codes:
            vacuum()
            with _common.stopwatch() as elapsed:
                read_rows(code, args.batch_size, lambda fw, answers: len(answers))
            passes["baseline"][code].append(elapsed[0])
            rss_after.setdefault("baseline", _common.peak_rss_mib())
            if not args.no_breakdown:
                with _common.stopwatch() as elapsed:
                    read_rows(code, args.batch_size, stored_result)
                passes["read+score"][code].append(elapsed[0])
                rss_after.setdefault("read+score", _common.peak_rss_mib())
            with _common.stopwatch() as elapsed:
                written[code] = results_rescore(framework_code=code, batch_size=args.batch_size)
            passes["rescore"][code].append(elapsed[0])
            rss_after.setdefault("rescore", _common.peak_rss_mib())
            print(
                f"  pass {repeat + 1}/{args.repeat} {code}: "
                f"baseline {fmt_seconds(passes['baseline'][code][-1])}, "
                f"rescore {fmt_seconds(passes['rescore'][code][-1])}",
                flush=True,
            )

    timed_peak = _common.peak_rss_mib()
    if args.population:
        vacuum_rewritten()
    heap_peak = None
    if args.tracemalloc:
        import tracemalloc

        tracemalloc.start()
        results_rescore(framework_code=codes[0], batch_size=args.batch_size)
        heap_peak = tracemalloc.get_traced_memory()[1] / (1024 * 1024)
        tracemalloc.stop()

    def total_seconds(kind: str) -> list[float]:
        # Sum over frameworks per repeat, then take the median over repeats.
        return [sum(passes[kind][code][r] for code in codes) for r in range(args.repeat)]

    kinds = ["baseline", "rescore"] if args.no_breakdown else ["baseline", "read+score", "rescore"]
    print()
    table = []
    for code in [*codes, "total"] if len(codes) > 1 else codes:
        rows = sum(counts.values()) if code == "total" else counts[code]
        base = median(total_seconds("baseline") if code == "total" else passes["baseline"][code])
        for kind in kinds:
            seconds = median(total_seconds(kind) if code == "total" else passes[kind][code])
            table.append(
                [
                    code,
                    kind,
                    rows,
                    fmt_seconds(seconds),
                    f"{rows / seconds:,.0f}" if seconds else "-",
                    fmt_ratio(seconds / base),
                ]
            )
    _common.print_table(
        ["framework", "pass", "rows", f"median of {args.repeat}", "rows/s", "vs baseline"], table
    )
    print()
    print(
        f"peak RSS: {rss_start:.0f} MiB before timing, "
        + ", ".join(f"{rss_after[k]:.0f} MiB after {k}" for k in kinds if k in rss_after)
        + " (peak is cumulative)"
    )
    print(f"peak RSS of the timed passes: {timed_peak:.0f} MiB")
    if heap_peak is not None:
        print(f"tracemalloc heap peak of one results_rescore({codes[0]}): {heap_peak:.1f} MiB")
    total_rows = sum(counts.values())
    if sum(written.values()) != total_rows:
        print(f"WARNING: results_rescore wrote {sum(written.values())} rows of {total_rows}")

    rescore_median = median(total_seconds("rescore"))
    baseline_median = median(total_seconds("baseline"))
    summaries = [
        Summary(
            benchmark=f"rescore {total_rows:,} stored results"
            + (" (the population)" if args.population else ""),
            figure=f"{fmt_seconds(rescore_median)} ({total_rows / rescore_median:,.0f} rows/s)",
            baseline=f"{fmt_seconds(baseline_median)} loading the same rows",
            ratio=fmt_ratio(rescore_median / baseline_median),
            target="(reported)",
            note=f"median of {args.repeat}; peak RSS {timed_peak:.0f} MiB; "
            f"{_common.database_vendor()}",
        )
    ]
    _common.print_summary(summaries)
    _common.write_summary(args.summary_json, summaries)


if __name__ == "__main__":
    main()
