from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class JournalConfig(AppConfig):
    name = "qamqor.journal"
    label = "journal"
    verbose_name = _("Request journal")

    def ready(self) -> None:
        from qamqor.journal import signals

        signals.connect()
