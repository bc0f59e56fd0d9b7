import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.models import Framework
from assessments.services.rescoring import results_rescore


def progress_bar(done: int, total: int, width: int = 40) -> str:
    filled = int(width * done / total) if total else width
    percent = 100 * done / total if total else 100.0
    return f"[{'#' * filled}{'.' * (width - filled)}] {done}/{total} {percent:5.1f}%"


class Command(BaseCommand):
    help = "Recompute the stored results of a framework's submitted assessments, in batches."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("--framework", required=True, help="Framework code.")
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args: Any, **options: Any) -> None:
        code = options["framework"]
        if not Framework.objects.filter(code=code).exists():
            raise CommandError(f"Unknown framework: {code}")
        interactive = sys.stderr.isatty()

        def progress(done: int, total: int) -> None:
            line = progress_bar(done, total)
            if interactive:
                self.stderr.write(f"\r{line}", ending="")
            else:
                self.stderr.write(line)

        count = results_rescore(
            framework_code=code, batch_size=options["batch_size"], progress=progress
        )
        if interactive:
            self.stderr.write("")
        self.stdout.write(self.style.SUCCESS(f"Rescored {count} result(s) of {code}."))
