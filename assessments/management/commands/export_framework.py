from pathlib import Path
from typing import Any

from django.core.management.base import BaseCommand, CommandError, CommandParser

from assessments.models import FrameworkVersion
from assessments.services.frameworks import framework_export


class Command(BaseCommand):
    help = "Write a framework version's YAML (the latest published one unless --framework-version)."

    def add_arguments(self, parser: CommandParser) -> None:
        parser.add_argument("code")
        parser.add_argument("--framework-version", dest="framework_version", default=None)
        parser.add_argument("--output", type=Path, default=None, help="File (default: stdout).")

    def handle(self, *args: Any, **options: Any) -> None:
        versions = FrameworkVersion.objects.select_related("framework").filter(
            framework__code=options["code"]
        )
        if options["framework_version"]:
            version = versions.filter(version=options["framework_version"]).first()
        else:
            version = FrameworkVersion.objects.latest_published(options["code"])
        if version is None:
            raise CommandError(f"No such framework version: {options['code']}")
        text = framework_export(version=version)
        if options["output"]:
            options["output"].write_text(text, encoding="utf-8")
        else:
            self.stdout.write(text, ending="")
