from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class EngagementConfig(AppConfig):
    name = "qamqor.engagement"
    label = "engagement"
    verbose_name = _("Family engagement («Үндестік»)")

    def ready(self) -> None:
        # Retention and a parent's erasure (qamqor/audit) reach this app's personal data.
        from qamqor.engagement import privacy

        privacy.register()
