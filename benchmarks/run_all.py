"""Run every ``benchmarks/bench_*.py`` with modest defaults and write RESULTS.md.

    python benchmarks/run_all.py [--only bench_scoring] [--rescore-rows 2000]
    python benchmarks/run_all.py --only bench_analytics  # on a generated province
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/gradient_bench \\
        python benchmarks/run_all.py --rescore-rows 100000 --export-rows 100000

Each script runs in its own process (one at a time, so they do not compete for the
cores), prints its tables as usual, and hands its headline figures back through
``--summary-json``. RESULTS.md gets one table (benchmark, figure, baseline, ratio,
target, whether met, machine) and every script's full output. Exits non-zero when a
script failed; the file is written anyway.
"""

from __future__ import annotations

import argparse
import json
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from pathlib import Path

import _common

HERE = Path(__file__).resolve().parent


def parse_args() -> argparse.Namespace:
    parser = argparse.ArgumentParser(description=(__doc__ or "").split("\n\n")[0])
    parser.add_argument("--only", nargs="*", help="Script names to run (default: all).")
    parser.add_argument("--scoring-runs", type=int, default=3000)
    parser.add_argument("--rescore-rows", type=int, default=2000)
    parser.add_argument("--rescore-repeat", type=int, default=3)
    parser.add_argument("--autosave-users", type=int, default=50)
    parser.add_argument("--autosave-requests", type=int, default=60)
    parser.add_argument("--autosave-rounds", type=int, default=3)
    parser.add_argument("--analytics-runs", type=int, default=15)
    parser.add_argument("--supply-suppliers", type=int, default=5000)
    parser.add_argument("--supply-repeat", type=int, default=5)
    parser.add_argument(
        "--export-rows",
        type=int,
        default=2000,
        help="bench_export skips unless the database holds at least this many assessments.",
    )
    parser.add_argument("--output", type=Path, default=HERE / "RESULTS.md")
    return parser.parse_args()


def default_arguments(args: argparse.Namespace) -> dict[str, list[str]]:
    return {
        "bench_scoring": ["--runs", str(args.scoring_runs)],
        "bench_rescore": [
            "--rows",
            str(args.rescore_rows),
            "--repeat",
            str(args.rescore_repeat),
        ],
        "bench_analytics": ["--runs", str(args.analytics_runs)],
        "bench_supply": [
            "--suppliers",
            str(args.supply_suppliers),
            "--repeat",
            str(args.supply_repeat),
        ],
        "bench_autosave": [
            "--users",
            str(args.autosave_users),
            "--baseline-requests",
            str(args.autosave_requests),
            "--rounds",
            str(args.autosave_rounds),
        ],
        "bench_export": ["--rows", str(args.export_rows)],
    }


def run(script: Path, arguments: list[str], summary_path: Path) -> tuple[int, str, float]:
    """Run one script, echoing its output; return (exit code, output, seconds)."""
    command = [sys.executable, str(script), *arguments, "--summary-json", str(summary_path)]
    print(f"\n$ python benchmarks/{script.name} {' '.join(arguments)}", flush=True)
    started = time.perf_counter()
    lines: list[str] = []
    with subprocess.Popen(  # noqa: S603 - our own scripts, fixed arguments
        command,
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
    return process.returncode, "".join(lines), time.perf_counter() - started


def main() -> None:
    args = parse_args()
    scripts = sorted(HERE.glob("bench_*.py"))
    if args.only:
        wanted = {name.removesuffix(".py") for name in args.only}
        scripts = [s for s in scripts if s.stem in wanted]
    arguments = default_arguments(args)
    machine = _common.machine_note()
    database = _common.database_label()

    rows: list[list[str]] = []
    sections: list[str] = []
    failed: list[str] = []
    with tempfile.TemporaryDirectory(prefix="gradient-bench-") as tmp:
        for script in scripts:
            summary_path = Path(tmp) / f"{script.stem}.json"
            script_args = arguments.get(script.stem, [])
            code, output, seconds = run(script, script_args, summary_path)
            command = f"python benchmarks/{script.name} {' '.join(script_args)}".strip()
            sections.append(
                f"### {script.stem}\n\n`{command}` (exit {code}, {seconds:.0f} s)\n\n"
                f"```text\n{output.rstrip()}\n```\n"
            )
            summaries = []
            if summary_path.exists():
                summaries = json.loads(summary_path.read_text("utf-8"))["summaries"]
            if code != 0 or not summaries:
                failed.append(script.stem)
            if not summaries:
                rows.append([script.stem, f"FAILED (exit {code})", "", "", "", "", machine])
            for s in summaries:
                met = "-" if s["met"] is None else ("yes" if s["met"] else "**no**")
                figure = s["figure"] + (f" ({s['note']})" if s["note"] else "")
                rows.append(
                    [s["benchmark"], figure, s["baseline"], s["ratio"], s["target"], met, machine]
                )

    header = ["benchmark", "figure", "baseline", "ratio", "target", "met", "machine"]
    table = ["| " + " | ".join(header) + " |", "|" + "|".join("---" for _ in header) + "|"]
    table += ["| " + " | ".join(cell.replace("|", "/") for cell in row) + " |" for row in rows]
    stamp = datetime.now(UTC).strftime("%Y-%m-%d %H:%M UTC")
    text = (
        "# Benchmark results\n\n"
        f"Written by `python benchmarks/run_all.py` on {stamp}.\n"
        f"Machine: {machine}. Database: `{database}`.\n"
        "Figures are medians; every ratio is against a baseline measured in the same "
        "process and run. Timings belong here, never in the test suite (DESIGN.md).\n\n"
        + "\n".join(table)
        + "\n\n## Output\n\n"
        + "\n".join(sections)
    )
    args.output.write_text(text, encoding="utf-8")
    print(f"\nwrote {args.output}")
    if failed:
        print(f"failed: {', '.join(failed)}")
        sys.exit(1)


if __name__ == "__main__":
    main()
