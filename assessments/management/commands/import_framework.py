from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.services.frameworks import framework_import
from enterprises.errors import DomainError


class Command(BaseCommand):
    help = (
        "Validate a framework YAML file and store it as a new version (a draft unless --publish)."
    )

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("path", type=Path)
        parser.add_argument("--publish", action="store_true", help="Publish it at once.")

    def handle(self, *args: Any, **options: Any) -> None:
        path: Path = options["path"]
        try:
            source = path.read_text(encoding="utf-8")
        except OSError as exc:
            raise CommandError(f"Cannot read {path}: {exc}") from exc
        try:
            version = framework_import(source=source, publish=options["publish"])
        except DomainError as exc:
            lines = [str(exc.message)]
            for where, messages in exc.errors.items():
                lines.extend(f"  {where}: {message}" for message in messages)
            raise CommandError("\n".join(lines)) from exc
        self.stdout.write(
            self.style.SUCCESS(
                f"Imported {version.framework.code} {version.version} ({version.status})."
            )
        )
