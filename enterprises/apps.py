from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EnterprisesConfig(AppConfig):
    name = "enterprises"
    verbose_name = _("Enterprises and people")

    def ready(self) -> None:
        from . import signin  # noqa: F401  (connects the sign-in audit receivers)
