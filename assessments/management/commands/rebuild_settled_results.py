import sys
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.models import Framework
from assessments.services.settled import settled_results_rebuild


class Command(BaseCommand):
    help = (
        "Rebuild the settled results (each enterprise's latest final assessment per "
        "framework, read by the analytics) from the assessments, and the settled cells "
        "and chain standings built on them. Run it after writing enterprises, "
        "assessments or supplier links in bulk outside the services."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--framework", action="append", help="Framework code (repeatable; default all)."
        )
        parser.add_argument("--batch-size", type=int, default=1000)

    def handle(self, *args: Any, **options: Any) -> None:
        codes = options["framework"]
        if codes:
            known = set(Framework.objects.filter(code__in=codes).values_list("code", flat=True))
            unknown = sorted(set(codes) - known)
            if unknown:
                raise CommandError(f"Unknown framework: {', '.join(unknown)}")
        interactive = sys.stderr.isatty()

        def progress(code: str, done: int) -> None:
            line = f"{code}: {done} settled result(s) written"
            if interactive:
                self.stderr.write(f"\r{line}", ending="")
            else:
                self.stderr.write(line)

        count = settled_results_rebuild(
            framework_codes=codes, batch_size=options["batch_size"], progress=progress
        )
        if interactive:
            self.stderr.write("")
        self.stdout.write(self.style.SUCCESS(f"Rebuilt {count} settled result(s)."))
