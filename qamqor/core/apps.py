from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class CoreConfig(AppConfig):
    name = "qamqor.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Connects the login signal that starts a staff session's clocks.
        from qamqor.core import middleware  # noqa: F401
