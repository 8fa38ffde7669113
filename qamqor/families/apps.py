from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class FamiliesConfig(AppConfig):
    name = "qamqor.families"
    label = "families"
    verbose_name = _("Families")

    def ready(self) -> None:
        from qamqor.families import contract_privacy

        # Contracts hold the family's names: their part in erasure and retention.
        contract_privacy.register()
