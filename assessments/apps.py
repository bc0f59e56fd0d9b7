from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AssessmentsConfig(AppConfig):
    name = "assessments"
    verbose_name = _("Frameworks and assessments")

    def ready(self) -> None:
        from assessments.services import cells

        cells.connect()
