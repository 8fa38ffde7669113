from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class AuditConfig(AppConfig):
    name = "qamqor.audit"
    verbose_name = _("Audit log")

    def ready(self) -> None:
        from qamqor.audit import registration

        registration.register_personal_data_models()
        registration.connect_guards()
