from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports, plans and certificates")

    def ready(self) -> None:
        # Register the Celery tasks that other apps enqueue by name.
        from . import tasks  # noqa: F401
        from .analytics import standings
        from .exports.registry import autodiscover

        standings.connect()

        # Every module in reports/exports/kinds/ registers its export kinds.
        autodiscover()
