from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ReportsConfig(AppConfig):
    name = "reports"
    verbose_name = _("Reports, plans and certificates")

    def ready(self) -> None:
        # Register the Celery tasks that other apps enqueue by name.
        from . import tasks  # noqa: F401
