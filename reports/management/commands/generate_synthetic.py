import os
import sys
from datetime import date
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser
from django.db import connection

from assessments.management.commands.rescore import progress_bar
from reports.synthetic import (
    GenerationError,
    SyntheticDataPresent,
    synthetic_population_generate,
)


def _date(value: str) -> date:
    try:
        return date.fromisoformat(value)
    except ValueError as exc:
        raise CommandError(f"--as-of: not a date (YYYY-MM-DD): {value}") from exc


class Command(BaseCommand):
    help = (
        "Generate a synthetic Jiangsu population: enterprises over the real county-level "
        "regions, clusters and industries, anchors with supplier trees, and assessment "
        "histories on both shipped frameworks, scored by the engine. Deterministic for a "
        "seed. Refuses to run into a database holding synthetic data unless --replace. "
        "Writes one transaction per batch: an interrupted run leaves what it wrote, and "
        "--replace clears it."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--enterprises", type=int, required=True, help="How many (N).")
        parser.add_argument("--seed", type=int, default=1, help="Random seed (default 1).")
        parser.add_argument(
            "--assessments",
            type=int,
            default=None,
            help="How many assessments in all (default 4 per enterprise).",
        )
        parser.add_argument(
            "--as-of",
            default=None,
            help="Date the history ends (YYYY-MM-DD, exclusive; default today).",
        )
        parser.add_argument(
            "--replace",
            action="store_true",
            help="Delete the synthetic enterprises already present (and all their data) first.",
        )
        parser.add_argument(
            "--workers",
            type=int,
            default=None,
            help="Processes generating batches (PostgreSQL; default: the number of cores).",
        )

    def handle(self, *args: Any, **options: Any) -> None:
        interactive = sys.stderr.isatty()
        shown = {"stage": "", "step": -1}

        def progress(stage: str, done: int, total: int) -> None:
            line = f"{stage:<16} {progress_bar(done, total)}"
            if interactive:
                if shown["stage"] and shown["stage"] != stage:
                    self.stderr.write("")
                self.stderr.write(f"\r{line}", ending="")
            else:  # a log: one line per 5 %
                step = 20 * done // total if total else 20
                if stage == shown["stage"] and step == shown["step"]:
                    return
                self.stderr.write(line)
                shown["step"] = step
            shown["stage"] = stage

        workers = options["workers"]
        if workers is None:
            workers = (os.cpu_count() or 1) if connection.vendor == "postgresql" else 1
        try:
            report = synthetic_population_generate(
                enterprises=options["enterprises"],
                seed=options["seed"],
                assessments=options["assessments"],
                as_of=_date(options["as_of"]) if options["as_of"] else None,
                replace=options["replace"],
                workers=workers,
                progress=progress,
            )
        except SyntheticDataPresent as exc:
            raise CommandError(f"{exc} Pass --replace to delete it and generate anew.") from exc
        except GenerationError as exc:
            raise CommandError(str(exc)) from exc
        if interactive:
            self.stderr.write("")
        if report.replaced:
            self.stdout.write(f"Removed {report.replaced:,} synthetic enterprises first.")
        self.stdout.write(
            self.style.SUCCESS(
                f"Generated {report.enterprises:,} enterprises, {report.assessments:,} "
                f"assessments ({report.answers:,} answers, {report.decisions:,} review "
                f"steps) and {report.supplier_links:,} supplier links "
                f"in {report.seconds:.1f} s."
            )
        )
        self.stdout.write(
            "Time per phase: "
            + ", ".join(f"{name} {seconds:.1f} s" for name, seconds in report.phases.items())
        )
