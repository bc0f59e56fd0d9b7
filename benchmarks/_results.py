"""What a benchmark reports and how RESULTS.md shows it: headline figures, targets and
whether they are met, and the table ``make bench`` prints and writes.

Plain Python (no Django, no clock): the benchmark scripts import it through _common,
run_all.py writes RESULTS.md with it, and tests/benchmarks/ tests it.
"""

from __future__ import annotations

import operator
from collections.abc import Callable, Sequence
from dataclasses import dataclass, field

COMPARISONS: dict[str, Callable[[float, float], bool]] = {
    "<": operator.lt,
    "<=": operator.le,
    ">=": operator.ge,
    ">": operator.gt,
}


def plain(value: float) -> str:
    """A number as a person reads it: whole numbers without decimals."""
    return f"{value:,.0f}" if float(value).is_integer() else f"{value:,.2f}"


@dataclass(frozen=True)
class Check:
    """One target: met when ``value <sign> limit``, e.g. a time ``<`` its limit, a
    throughput ratio ``>=`` its. ``unit`` formats both for the reason printed when the
    target is missed.
    """

    what: str
    value: float
    limit: float
    sign: str = "<"
    unit: Callable[[float], str] = plain

    def __post_init__(self) -> None:
        if self.sign not in COMPARISONS:
            raise ValueError(f"sign must be one of {', '.join(COMPARISONS)}, not {self.sign!r}")

    @property
    def met(self) -> bool:
        return COMPARISONS[self.sign](self.value, self.limit)

    def describe(self) -> str:
        """``p95 132 ms, target < 100 ms``: the figure beside its target."""
        return f"{self.what} {self.unit(self.value)}, target {self.sign} {self.unit(self.limit)}"


@dataclass(frozen=True)
class Summary:
    """One headline line of a benchmark, one row of RESULTS.md.

    ``met`` is None when the row has no target (a figure reported for scale) or was not
    measured; ``reason`` then says why, and when ``met`` is False it names every
    target missed with its figure.
    """

    benchmark: str
    figure: str
    baseline: str
    ratio: str
    target: str
    met: bool | None = None
    note: str = ""
    reason: str = ""

    @classmethod
    def checked(cls, checks: Sequence[Check], **fields: str) -> Summary:
        """A row whose ``met`` and ``reason`` follow from ``checks`` (all must be met)."""
        misses = [check.describe() for check in checks if not check.met]
        return cls(**fields, met=not misses, reason="; ".join(misses))


def summary_from_dict(data: dict[str, object]) -> Summary:
    """A Summary from its JSON form (the fields a script wrote; unknown ones ignored)."""
    names = Summary.__dataclass_fields__
    return Summary(**{key: value for key, value in data.items() if key in names})


# --- RESULTS.md ------------------------------------------------------------------------

HEADER = ("benchmark", "figure", "baseline", "ratio", "target", "met", "note", "machine")


@dataclass
class ScriptRun:
    """One script's run under run_all.py: how it went, and the rows it handed back."""

    name: str
    command: str
    exit_code: int
    seconds: float
    cores: int
    load: tuple[float, float, float]
    output: str = ""
    summaries: list[Summary] = field(default_factory=list)

    @property
    def failed(self) -> bool:
        return self.exit_code != 0 or not self.summaries


def machine_cell(cores: int, load: Sequence[float]) -> str:
    """The cores and the load averages (1, 5, 15 min) when the script started: the
    cores may be shared, and a load above them means the figures waited for a core."""
    return f"{cores} cores, load {load[0]:.2f} / {load[1]:.2f} / {load[2]:.2f} at start"


def met_cell(met: bool | None) -> str:
    return "-" if met is None else ("yes" if met else "**no**")


def last_words(output: str) -> str:
    """The last line a failed script printed: usually the error or the refusal."""
    for line in reversed(output.splitlines()):
        if line.strip():
            return line.strip()
    return "no output"


def rows_of(run: ScriptRun) -> list[list[str]]:
    """The table rows of one script: one per summary, or one saying how it failed."""
    machine = machine_cell(run.cores, run.load)
    if not run.summaries:
        return [
            [
                run.name,
                f"failed (exit {run.exit_code})" if run.exit_code else "no figures",
                "-",
                "-",
                "-",
                met_cell(False),
                last_words(run.output),
                machine,
            ]
        ]
    rows = []
    for summary in run.summaries:
        notes = [summary.reason, summary.note]
        if run.exit_code and summary.met is not False:
            notes.append(f"the script exited {run.exit_code}: {last_words(run.output)}")
        met = False if run.exit_code else summary.met
        rows.append(
            [
                summary.benchmark,
                summary.figure,
                summary.baseline,
                summary.ratio,
                summary.target,
                met_cell(met),
                "; ".join(note for note in notes if note),
                machine,
            ]
        )
    return rows


def cell(text: str) -> str:
    """Text made safe for one Markdown table cell."""
    return " ".join(str(text).split()).replace("|", "\\|") or " "


def markdown_table(header: Sequence[str], rows: Sequence[Sequence[str]]) -> str:
    lines = ["| " + " | ".join(cell(h) for h in header) + " |"]
    lines.append("|" + "|".join("---" for _ in header) + "|")
    lines += ["| " + " | ".join(cell(c) for c in row) + " |" for row in rows]
    return "\n".join(lines)


def results_table(runs: Sequence[ScriptRun]) -> str:
    return markdown_table(HEADER, [row for run in runs for row in rows_of(run)])


def results_document(
    runs: Sequence[ScriptRun],
    *,
    stamp: str,
    command: str,
    database: str,
    machine: str,
    seconds: float,
) -> str:
    """RESULTS.md: the table first, then every script's command and full output."""
    misses = [
        row[0] for run in runs for row in rows_of(run) if row[HEADER.index("met")] == "**no**"
    ]
    verdict = (
        "Every target with a figure is met."
        if not misses
        else f"Not met: {', '.join(misses)} (the note says why)."
    )
    sections = [
        f"### {run.name}\n\n`{run.command}` (exit {run.exit_code}, {run.seconds:.0f} s, "
        f"{machine_cell(run.cores, run.load)})\n\n```text\n{run.output.rstrip()}\n```\n"
        for run in runs
    ]
    return (
        "# Benchmark results\n\n"
        f"Written by `{command}` on {stamp} in {seconds / 60:.0f} min.\n"
        f"Machine: {machine}. Database: `{database}`.\n"
        "Figures are medians; every ratio is against a baseline measured in the same run. "
        "A row without a target (met `-`) is reported for scale. Timings belong here, "
        "never in the test suite (DESIGN.md).\n\n"
        f"{verdict}\n\n" + results_table(runs) + "\n\n## Output\n\n" + "\n".join(sections)
    )
