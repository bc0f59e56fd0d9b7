"""Time the bureau dashboard's selectors against the bare SQL they rest on.

    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/gradient_big \\
        python benchmarks/bench_analytics.py [--runs 15] [--region 320000 --region 320500]

Runs on whatever database DATABASE_URL names, over the data already there (a
generated province: ``manage.py generate_synthetic``); it creates nothing. It refuses,
saying why, when the database holds no enterprise or no settled result (after a bulk
load outside the assessment services, run ``manage.py rebuild_settled_results`` or pass
``--rebuild``).

For every published framework and every scope (``--region`` prefixes, each one scope;
default: the whole province of the most common region, its largest city and that
city's largest county), after two warm-up calls:

- dashboard: ``analytics_dashboard`` (filters parsed, every aggregate, gate names,
  coverage, trend), the median of ``--runs`` calls;
- bare SQL: the very statements the dashboard sent (captured once), replayed with a
  cursor and fetched, with no ORM and no Python around them: the ratio dashboard / bare
  SQL is what the selectors add;
- one aggregate: the hand-written level distribution of the scope (one GROUP BY over
  enterprises and settled results), the single query the dashboard's headline rests on,
  for scale;
- summary: ``analytics_summary`` (the API's read) and list: the first page of
  ``enterprise_list``.

Targets (issue 7): dashboard median under 300 ms, and within 3x of the bare SQL.
"""

from __future__ import annotations

import argparse
from collections import Counter
from typing import Any

import _common
from _common import Check, Summary, fmt_ratio, fmt_seconds, median, time_call

TARGET_SECONDS = 0.300
TARGET_RATIO = 3.0


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--runs", type=int, default=15, help="Timed calls per figure (median).")
    parser.add_argument(
        "--region",
        action="append",
        help="A scope's region code (repeatable, one scope each; default: province and city).",
    )
    parser.add_argument("--framework", action="append", help="Framework code (default: all).")
    parser.add_argument(
        "--rebuild",
        action="store_true",
        help="Rebuild the settled results from the assessments first (untimed).",
    )
    _common.add_summary_argument(parser)
    return parser.parse_args()


def default_regions() -> list[str]:
    """The province of the most common region code, its largest city, and that city's
    largest county (a scope finer than a city: the dashboard scans its enterprises
    instead of summing the settled cells)."""
    from enterprises.models import Enterprise

    cities = Counter(
        dict(
            Enterprise.objects.values_list("region_id")
            .annotate(n=_count())
            .values_list("region_id", "n")
        )
    )
    by_city: Counter[str] = Counter()
    for code, n in cities.items():
        by_city[code[:4]] += n
    city = by_city.most_common(1)[0][0]
    county = max((code for code in cities if code.startswith(city)), key=lambda c: cities[c])
    return [f"{city[:2]}0000", f"{city}00", county]


def _count() -> Any:
    from django.db.models import Count

    return Count("id")


def refused(reason: str) -> Summary:
    return Summary(
        benchmark="analytics dashboard",
        figure="refused",
        baseline="-",
        ratio="-",
        target=f"< {fmt_seconds(TARGET_SECONDS)}, <= {TARGET_RATIO:g}x bare SQL",
        met=False,
        reason=f"not measured: {reason}",
    )


def capture(action: Any) -> list[tuple[str, Any]]:
    """The SQL statements (with parameters) that `action` sends."""
    from django.db import connection

    statements: list[tuple[str, Any]] = []

    def record(execute: Any, sql: str, params: Any, many: bool, context: Any) -> Any:
        statements.append((sql, params))
        return execute(sql, params, many, context)

    with connection.execute_wrapper(record):
        action()
    return statements


def replay(statements: list[tuple[str, Any]]) -> None:
    from django.db import connection

    with connection.cursor() as cursor:
        for sql, params in statements:
            cursor.execute(sql, params)
            cursor.fetchall()


def level_distribution_sql(scope: Any, framework_id: int) -> None:
    """The headline aggregate, written by hand."""
    from django.db import connection

    where = " OR ".join(["e.region_id LIKE %s"] * len(scope.prefixes)) or "FALSE"
    params: list[Any] = [framework_id, *[f"{p}%" for p in scope.prefixes]]
    with connection.cursor() as cursor:
        cursor.execute(
            "SELECT s.level_code, COUNT(*) FROM enterprises_enterprise e "  # noqa: S608
            "LEFT JOIN assessments_settledresult s "
            "ON s.enterprise_id = e.id AND s.framework_id = %s "
            f"WHERE {where} GROUP BY s.level_code",
            params,
        )
        cursor.fetchall()


def main() -> None:
    args = parse_args()
    database = _common.setup_django()
    from django.core.management import call_command

    from assessments.models import SettledResult
    from enterprises.models import Enterprise
    from reports.analytics.scope import AnalyticsScope, analytics_filters_parse, published_versions
    from reports.analytics.selectors import analytics_dashboard, analytics_summary, enterprise_list

    print(f"database: {database} ({_common.database_vendor()}); {_common.machine_note()}")
    enterprises = Enterprise.objects.count()
    if not enterprises:
        print(
            "REFUSED: the database holds no enterprise. Generate a population first "
            "(manage.py generate_synthetic --enterprises 50000) and point DATABASE_URL at it."
        )
        _common.write_summary(
            args.summary_json,
            [refused("the database holds no enterprise")],
        )
        return
    if args.rebuild:
        call_command("rebuild_settled_results", verbosity=0)
    settled = SettledResult.objects.count()
    if not settled:
        print(
            "REFUSED: no settled results. Assessments written in bulk outside the "
            "assessment services need `manage.py rebuild_settled_results` (or --rebuild)."
        )
        _common.write_summary(
            args.summary_json,
            [refused("no settled results")],
        )
        return
    print(f"{enterprises} enterprises, {settled} settled results; {args.runs} runs per figure")

    from enterprises.models import region_prefix

    regions = args.region or default_regions()
    versions = [
        v for v in published_versions() if not args.framework or v.framework.code in args.framework
    ]
    rows: list[list[str]] = []
    results: list[dict[str, Any]] = []
    for code in regions:
        scope = AnalyticsScope(prefixes=(region_prefix(code),))
        in_scope = Enterprise.objects.filter(scope.q()).count()
        for version in versions:
            params = {"framework": version.framework.code}

            def dashboard(params: dict[str, str] = params, scope: AnalyticsScope = scope) -> Any:
                return analytics_dashboard(scope, analytics_filters_parse(scope, params))

            def summary(params: dict[str, str] = params, scope: AnalyticsScope = scope) -> Any:
                return analytics_summary(scope, analytics_filters_parse(scope, params))

            def first_page(params: dict[str, str] = params, scope: AnalyticsScope = scope) -> Any:
                page = enterprise_list(scope, analytics_filters_parse(scope, params), {})
                return page.object_list

            for _ in range(2):
                dashboard()
            statements = capture(dashboard)
            framework_id = version.framework_id

            def bare(statements: list[tuple[str, Any]] = statements) -> None:
                replay(statements)

            def one(scope: AnalyticsScope = scope, framework_id: int = framework_id) -> None:
                level_distribution_sql(scope, framework_id)

            # Interleaved, so that a burst of load elsewhere hits every figure alike.
            samples: dict[str, list[float]] = {
                "dashboard": [],
                "bare": [],
                "one": [],
                "summary": [],
                "list": [],
            }
            for _ in range(args.runs):
                for name, action in (
                    ("dashboard", dashboard),
                    ("bare", bare),
                    ("one", one),
                    ("summary", summary),
                    ("list", first_page),
                ):
                    samples[name].append(time_call(action))
            timed = {name: median(values) for name, values in samples.items()}
            ratio = timed["dashboard"] / timed["bare"]
            label = f"{code} {version.framework.code}"
            rows.append(
                [
                    label,
                    str(in_scope),
                    str(len(statements)),
                    fmt_seconds(timed["dashboard"]),
                    fmt_seconds(timed["bare"]),
                    fmt_ratio(ratio),
                    fmt_seconds(timed["one"]),
                    fmt_ratio(timed["dashboard"] / timed["one"]),
                    fmt_seconds(timed["summary"]),
                    fmt_seconds(timed["list"]),
                ]
            )
            results.append({**timed, "ratio": ratio, "label": label})
    _common.print_table(
        [
            "scope, framework",
            "enterprises",
            "queries",
            "dashboard",
            "bare SQL",
            "ratio",
            "one aggregate",
            "ratio",
            "summary",
            "list page",
        ],
        rows,
    )
    slowest = max(results, key=lambda r: r["dashboard"])
    widest = max(results, key=lambda r: r["ratio"])
    summaries = [
        Summary.checked(
            [Check("slowest median", slowest["dashboard"], TARGET_SECONDS, unit=fmt_seconds)],
            benchmark="analytics dashboard",
            figure=f"{fmt_seconds(slowest['dashboard'])} median (slowest: {slowest['label']})",
            baseline=f"bare SQL {fmt_seconds(slowest['bare'])}",
            ratio=fmt_ratio(slowest["ratio"]),
            target=f"< {fmt_seconds(TARGET_SECONDS)}",
            note=f"{enterprises:,} enterprises, {settled:,} settled results; "
            f"{len(rows)} scopes x frameworks, {args.runs} runs each",
        ),
        Summary.checked(
            [Check("largest ratio", widest["ratio"], TARGET_RATIO, sign="<=", unit=fmt_ratio)],
            benchmark="analytics dashboard vs bare SQL",
            figure=f"{fmt_seconds(widest['dashboard'])} ({widest['label']})",
            baseline=f"bare SQL {fmt_seconds(widest['bare'])}",
            ratio=fmt_ratio(widest["ratio"]),
            target=f"<= {TARGET_RATIO:g}x",
            note="the largest ratio of the scopes and frameworks",
        ),
    ]
    _common.print_summary(summaries)
    _common.write_summary(args.summary_json, summaries)


if __name__ == "__main__":
    main()
