from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from enterprises import services
from enterprises.errors import ValidationFailed


class Command(BaseCommand):
    help = "Create (or update) an assessor belonging to an assessment organisation."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("username")
        parser.add_argument("--password", required=True)
        parser.add_argument("--organisation", required=True)

    def handle(self, *args: Any, **options: Any) -> None:
        try:
            assessor = services.assessor_create(
                username=options["username"],
                password=options["password"],
                organisation=options["organisation"],
            )
        except ValidationFailed as exc:
            details = "; ".join(f"{k}: {' '.join(v)}" for k, v in exc.errors.items())
            raise CommandError(f"{exc.message} {details}") from exc
        self.stdout.write(
            self.style.SUCCESS(f"Assessor {assessor.user.username} ({assessor.organisation.name})")
        )
