from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.models import Framework
from reports.analytics.snapshots import analytics_snapshots_build_all, bureau_scopes


class Command(BaseCommand):
    help = (
        "Build the current quarter's analytics snapshot of every bureau scope now (the "
        "periodic task does the same). Rerunning rewrites the quarter's rows."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument(
            "--framework", action="append", help="Framework code (repeatable; default all)."
        )

    def handle(self, *args: Any, **options: Any) -> None:
        codes = options["framework"]
        if codes:
            known = set(Framework.objects.filter(code__in=codes).values_list("code", flat=True))
            unknown = sorted(set(codes) - known)
            if unknown:
                raise CommandError(f"Unknown framework: {', '.join(unknown)}")
        scopes = len(bureau_scopes())
        count = analytics_snapshots_build_all(framework_codes=codes)
        self.stdout.write(
            self.style.SUCCESS(f"Built {count} snapshot(s) over {scopes} bureau scope(s).")
        )
