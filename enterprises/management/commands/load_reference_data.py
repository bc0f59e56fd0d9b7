from typing import Any

from django.core.management.base import BaseCommand
from django.db import transaction

from enterprises import reference
from enterprises.models import Cluster, Industry, Region


class Command(BaseCommand):
    help = "Load or refresh the shipped regions, industries and clusters (idempotent)."

    def handle(self, *args: Any, **options: Any) -> None:
        with transaction.atomic():
            counts = reference.sync(Region, Industry, Cluster)
        self.stdout.write(
            self.style.SUCCESS(
                "Reference data: {regions} regions, {industries} industries, "
                "{clusters} clusters.".format(**counts)
            )
        )
