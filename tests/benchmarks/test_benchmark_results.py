"""The RESULTS.md writer and target evaluation of benchmarks/_results.py (no timings:
DESIGN.md keeps those in benchmarks/)."""

from __future__ import annotations

import importlib.util
import sys
from pathlib import Path

import pytest

MODULE = Path(__file__).resolve().parents[2] / "benchmarks" / "_results.py"


@pytest.fixture(scope="module")
def results():
    # benchmarks/ is a folder of scripts, not a package: load the module by its path.
    spec = importlib.util.spec_from_file_location("_bench_results", MODULE)
    module = importlib.util.module_from_spec(spec)
    sys.modules[spec.name] = module  # dataclasses look their module up by name
    spec.loader.exec_module(module)
    yield module
    sys.modules.pop(spec.name, None)


def ms(seconds: float) -> str:
    return f"{seconds * 1000:.0f} ms"


def run_of(results, **fields):
    defaults = {
        "name": "bench_x",
        "command": "python benchmarks/bench_x.py",
        "exit_code": 0,
        "seconds": 3.0,
        "cores": 2,
        "load": (1.5, 1.25, 0.5),
        "output": "",
        "summaries": [],
    }
    return results.ScriptRun(**{**defaults, **fields})


def test_a_time_target_is_met_only_strictly_below_its_limit(results):
    assert results.Check("p95", 0.099, 0.1).met
    assert not results.Check("p95", 0.1, 0.1).met


def test_a_throughput_target_is_met_at_its_limit_and_above(results):
    assert results.Check("ratio", 0.5, 0.5, sign=">=").met
    assert not results.Check("ratio", 0.49, 0.5, sign=">=").met


def test_an_at_most_target_is_met_at_its_limit(results):
    assert results.Check("ratio", 3.0, 3.0, sign="<=").met
    assert not results.Check("ratio", 3.01, 3.0, sign="<=").met


def test_a_check_refuses_an_unknown_comparison(results):
    with pytest.raises(ValueError, match="sign must be one of"):
        results.Check("ratio", 1, 2, sign="=<")


def test_a_summary_checked_against_its_targets_names_each_miss_with_its_figure(results):
    summary = results.Summary.checked(
        [
            results.Check("p95", 0.132, 0.1, unit=ms),
            results.Check("errors", 0, 1),
            results.Check("ratio", 0.47, 0.5, sign=">="),
        ],
        benchmark="autosave",
        figure="170 req/s",
        baseline="360 req/s",
        ratio="0.47x",
        target=">= 0.50x, p95 < 100 ms",
    )

    assert summary.met is False
    assert summary.reason == "p95 132 ms, target < 100 ms; ratio 0.47, target >= 0.50"


def test_a_summary_meeting_every_target_has_no_reason(results):
    summary = results.Summary.checked(
        [results.Check("p95", 0.05, 0.1)],
        benchmark="b",
        figure="f",
        baseline="-",
        ratio="-",
        target="t",
    )

    assert summary.met is True
    assert summary.reason == ""


def test_a_summary_survives_its_json_form(results):
    summary = results.Summary("b", "f", "base", "1.00x", "< 1 s", False, "note", "why")

    from dataclasses import asdict

    assert results.summary_from_dict({**asdict(summary), "added_later": 1}) == summary


def test_each_summary_is_one_row_with_met_reason_and_the_load_at_start(results):
    run = run_of(
        results,
        summaries=[
            results.Summary("fast", "1 ms", "2 ms", "0.50x", "< 5 ms", True),
            results.Summary("slow", "9 s", "1 s", "9.00x", "< 5 s", False, "peak 90 MiB", "9 s"),
            results.Summary("scale", "3 s", "1 s", "3.00x", "(reported)"),
        ],
    )

    rows = results.rows_of(run)

    assert [row[0] for row in rows] == ["fast", "slow", "scale"]
    assert [row[5] for row in rows] == ["yes", "**no**", "-"]
    assert rows[1][6] == "9 s; peak 90 MiB"
    assert rows[0][7] == "2 cores, load 1.50 / 1.25 / 0.50 at start"


def test_a_script_that_failed_without_figures_is_a_missed_row_with_its_last_words(results):
    run = run_of(results, exit_code=1, output="working\nSystemExit: Redis does not answer\n\n")

    (row,) = results.rows_of(run)

    assert row[:2] == ["bench_x", "failed (exit 1)"]
    assert row[5] == "**no**"
    assert row[6] == "SystemExit: Redis does not answer"


def test_a_script_that_exited_non_zero_cannot_show_a_target_as_met(results):
    run = run_of(
        results,
        exit_code=1,
        output="lost=2\n",
        summaries=[results.Summary("load", "100 req/s", "-", "-", "0 lost", True)],
    )

    (row,) = results.rows_of(run)

    assert row[5] == "**no**"
    assert row[6] == "the script exited 1: lost=2"


def test_table_cells_escape_pipes_and_fold_lines(results):
    table = results.markdown_table(["a", "b"], [["x | y", "two\nlines"]])

    assert table.splitlines()[2] == "| x \\| y | two lines |"


def test_the_document_says_which_targets_were_missed_and_keeps_every_output(results):
    runs = [
        run_of(
            results,
            name="bench_a",
            output="A out",
            summaries=[results.Summary("a", "1", "-", "-", "t", True)],
        ),
        run_of(results, name="bench_b", exit_code=2, output="Traceback\nValueError: boom"),
    ]

    text = results.results_document(
        runs,
        stamp="2026-01-01 00:00 UTC",
        command="make bench",
        database="postgresql://postgres@127.0.0.1:5432/gradient_bench",
        machine="2 cores",
        seconds=600,
    )

    assert "Not met: bench_b (the note says why)." in text
    assert "| bench_b | failed (exit 2) |" in text
    assert "### bench_a" in text and "A out" in text
    assert "ValueError: boom" in text
    assert "in 10 min" in text
