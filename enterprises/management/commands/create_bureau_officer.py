from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from enterprises import services
from enterprises.errors import ValidationFailed


class Command(BaseCommand):
    help = "Create (or update) an industry-bureau officer with a scope of regions and clusters."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--password", required=True)
        parser.add_argument(
            "--region",
            action="append",
            required=True,
            help="GB/T 2260 code; 320500 covers every district of Suzhou. Repeatable.",
        )
        parser.add_argument("--cluster", action="append", default=[], help="Cluster code.")
        parser.add_argument("--bureau", default="", help="The bureau's name.")

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            scope = services.bureau_officer_create(
                username=options["username"],
                password=options["password"],
                region_codes=options["region"],
                cluster_codes=options["cluster"],
                bureau_name=options["bureau"],
            )
        except ValidationFailed as exc:
            details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.errors.items())
            raise CommandError(f"{exc.message} {details}") from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Bureau officer {scope.user.username}: regions "
                f"{', '.join(options['region'])}"
                + (f"; clusters {', '.join(options['cluster'])}" if options["cluster"] else "")
            )
        )
