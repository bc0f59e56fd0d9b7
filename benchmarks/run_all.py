"""`make bench`: the synthetic province, every benchmark against it, and RESULTS.md.

    python benchmarks/run_all.py                                # what `make bench` runs
    python benchmarks/run_all.py --enterprises 2000 --export-rows 5000 \\
        --supply-suppliers 500 --autosave-users 10              # a small run, for trying
    python benchmarks/run_all.py --only bench_analytics bench_export

1. The database: DATABASE_URL, else the benchmarks' own PostgreSQL database
   (`gradient_bench` on 127.0.0.1, created if missing). PostgreSQL is required (the
   population is written with COPY by parallel workers, and the load test runs the
   production topology); when it does not answer, this says what to start and stops.
   The load test also needs Redis (CELERY_BROKER_URL, else redis://127.0.0.1:6379/0).
2. The population: build_synthetic_db.py builds the synthetic province (default 50,000
   enterprises, 200,000 assessments, seed 2026) or reuses it when the database holds
   exactly that, and removes rows earlier benchmark runs left (an interrupted run).
3. Every ``bench_*.py``, one at a time, each in its own process (so they do not compete
   for the cores, and each peak memory is its own), with the sizes below: first those
   that only read the population, then those that rewrite or add rows (and remove what
   they added). Each prints its tables and hands its headline figures back through
   ``--summary-json``.
4. RESULTS.md: one row per headline figure (figure, baseline measured in the same run,
   ratio, target, met: yes / **no** with the reason in the note), with the cores and
   the load average when each script started (the cores may be shared), then every
   script's full output. The table is printed too.

Exits 1 when a script failed (its row says how); the file is written anyway.
"""

from __future__ import annotations

import argparse
import json
import os
import shlex
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import _common
from _results import ScriptRun, results_document, results_table, summary_from_dict

HERE = Path(__file__).resolve().parent
POPULATION = "build_synthetic_db"
DEFAULT_BROKER_URL = "redis://127.0.0.1:6379/0"
# Readers of the population first; then bench_rescore, which rewrites every result (the
# same values, but dead rows until a vacuum); then the scripts that add rows of their
# own and remove them. Scripts not named here run last, in name order.
ORDER = (
    "bench_scoring",
    "bench_pdf",
    "bench_analytics",
    "bench_export",
    "bench_rescore",
    "bench_supply",
    "bench_autosave",
)


def parse_args(argv: list[str] | None = None) -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=(__doc__ or "").split("\n\n")[0],
        formatter_class=argparse.ArgumentDefaultsHelpFormatter,
    )
    parser.add_argument("--only", nargs="*", help="Script names to run (default: all).")
    parser.add_argument("--skip", nargs="*", default=[], help="Script names not to run.")
    population = parser.add_argument_group("the population (build_synthetic_db.py)")
    population.add_argument("--enterprises", type=int, default=50_000)
    population.add_argument(
        "--assessments", type=int, default=None, help="Default: 4 per enterprise."
    )
    population.add_argument("--seed", type=int, default=2026)
    population.add_argument(
        "--fresh-population",
        action="store_true",
        help="Rebuild (and time) the population even when it is present.",
    )
    sizes = parser.add_argument_group("the scripts' sizes")
    sizes.add_argument("--scoring-runs", type=int, default=3000)
    sizes.add_argument("--pdf-runs", type=int, default=15)
    sizes.add_argument("--analytics-runs", type=int, default=15)
    sizes.add_argument(
        "--export-rows",
        type=int,
        default=100_000,
        help="Assessments with answers exported (the latest by submission date).",
    )
    sizes.add_argument("--export-repeat", type=int, default=1, help="Passes per format.")
    sizes.add_argument(
        "--rescore-repeat", type=int, default=1, help="Passes over the population's results."
    )
    sizes.add_argument("--supply-suppliers", type=int, default=5000)
    sizes.add_argument("--supply-repeat", type=int, default=5)
    sizes.add_argument("--autosave-users", type=int, default=50)
    sizes.add_argument(
        "--autosave-questions", type=int, default=0, help="Questions per person (0: all)."
    )
    sizes.add_argument("--autosave-requests", type=int, default=60, help="GET /me/ per round.")
    sizes.add_argument("--autosave-rounds", type=int, default=3)
    sizes.add_argument("--autosave-paced-saves", type=int, default=20)
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    return parser.parse_args(argv)


def script_arguments(args: argparse.Namespace) -> dict[str, list[str]]:
    population = ["--enterprises", str(args.enterprises), "--seed", str(args.seed)]
    if args.assessments is not None:
        population += ["--assessments", str(args.assessments)]
    if args.fresh_population:
        population.append("--fresh")
    return {
        POPULATION: [*population, "--remove-benchmark-rows"],
        "bench_scoring": ["--runs", str(args.scoring_runs)],
        "bench_pdf": ["--runs", str(args.pdf_runs)],
        "bench_analytics": ["--runs", str(args.analytics_runs)],
        "bench_export": ["--rows", str(args.export_rows), "--repeat", str(args.export_repeat)],
        "bench_rescore": ["--population", "--repeat", str(args.rescore_repeat)],
        "bench_supply": [
            "--suppliers",
            str(args.supply_suppliers),
            "--repeat",
            str(args.supply_repeat),
        ],
        "bench_autosave": [
            "--users",
            str(args.autosave_users),
            "--questions",
            str(args.autosave_questions),
            "--baseline-requests",
            str(args.autosave_requests),
            "--rounds",
            str(args.autosave_rounds),
            "--paced-saves",
            str(args.autosave_paced_saves),
        ],
    }


def scripts_to_run(args: argparse.Namespace) -> list[str]:
    found = sorted(path.stem for path in HERE.glob("bench_*.py"))
    names = [name for name in ORDER if name in found]
    names += [name for name in found if name not in ORDER]
    if args.only:
        wanted = {name.removesuffix(".py") for name in args.only}
        if unknown := wanted - set(found):
            raise SystemExit(f"no such benchmark: {', '.join(sorted(unknown))}")
        names = [name for name in names if name in wanted]
    skipped = {name.removesuffix(".py") for name in args.skip}
    return [name for name in names if name not in skipped]


def run(name: str, arguments: list[str], summary_path: Path) -> ScriptRun:
    """Run one script, echoing its output as it comes."""
    command = [sys.executable, str(HERE / f"{name}.py"), *arguments]
    shown = f"python benchmarks/{name}.py {shlex.join(arguments)}".strip()
    load = os.getloadavg()
    print(f"\n$ {shown}    # load {load[0]:.2f} on {os.cpu_count()} cores", flush=True)
    started = time.perf_counter()
    lines: list[str] = []
    with subprocess.Popen(  # noqa: S603 - our own scripts, fixed arguments
        [*command, "--summary-json", str(summary_path)],
        cwd=_common.ROOT,
        stdout=subprocess.PIPE,
        stderr=subprocess.STDOUT,
        text=True,
        encoding="utf-8",
        errors="replace",
    ) as process:
        assert process.stdout is not None
        for line in process.stdout:
            print(line, end="", flush=True)
            lines.append(line)
    summaries = []
    if summary_path.exists():
        payload = json.loads(summary_path.read_text("utf-8"))
        summaries = [summary_from_dict(item) for item in payload["summaries"]]
    return ScriptRun(
        name=name,
        command=shown,
        exit_code=process.returncode,
        seconds=time.perf_counter() - started,
        cores=os.cpu_count() or 1,
        load=load,
        output="".join(lines),
        summaries=summaries,
    )


def main(argv: list[str] | None = None) -> None:
    args = parse_args(argv)
    names = scripts_to_run(args)
    database_url = os.environ.get("DATABASE_URL") or _common.DEFAULT_DATABASE_URL
    if not _common.is_postgres(database_url):
        raise SystemExit(
            f"make bench needs PostgreSQL, not {_common.database_label(database_url)}: "
            f"unset DATABASE_URL (it then uses {_common.DEFAULT_DATABASE_URL}) or point it "
            "at a PostgreSQL database of its own."
        )
    _common.ensure_postgres(database_url)
    os.environ["DATABASE_URL"] = database_url  # every script below runs on it
    broker_url = os.environ.get("CELERY_BROKER_URL") or DEFAULT_BROKER_URL
    if "bench_autosave" in names:
        _common.ensure_redis(broker_url)
    # For the load test's server; the scripts themselves run Celery eagerly (_common).
    os.environ["CELERY_BROKER_URL"] = broker_url
    database = _common.database_label(database_url)
    print(f"benchmark database: {database}; scripts: {', '.join(names)}", flush=True)

    arguments = script_arguments(args)
    runs: list[ScriptRun] = []
    started = time.perf_counter()
    with tempfile.TemporaryDirectory(prefix="gradient-bench-") as tmp:
        for name in [POPULATION, *names]:
            runs.append(run(name, arguments.get(name, []), Path(tmp) / f"{name}.json"))
            if name == POPULATION and runs[-1].exit_code != 0:
                print("the population could not be ensured: no benchmark runs without it")
                break

    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    command = "python benchmarks/run_all.py " + shlex.join(sys.argv[1:] if argv is None else argv)
    text = results_document(
        runs,
        stamp=stamp,
        command=command.strip(),
        database=database,
        machine=_common.machine_note(load=False),
        seconds=time.perf_counter() - started,
    )
    args.output.write_text(text, encoding="utf-8")
    print("\n" + results_table(runs))
    print(f"\nwrote {args.output} ({(time.perf_counter() - started) / 60:.1f} min)")
    if failed := [run.name for run in runs if run.failed]:
        print(f"failed: {', '.join(failed)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
