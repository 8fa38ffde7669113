from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SchedulingConfig(AppConfig):
    name = "qamqor.scheduling"
    label = "scheduling"
    verbose_name = _("Scheduling")

    def ready(self) -> None:
        # A parent's erasure and retention (qamqor/audit) reach the sessions' participants.
        from qamqor.scheduling import privacy

        privacy.register()
