from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


# The only configuration in this module: Django picks it for "qamqor.core" by itself (other
# projects' apps are configured in third_party_apps.py).
class CoreConfig(AppConfig):
    name = "qamqor.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Connect the login signals: the staff session's clocks, and whether the person has
        # turned the second factor on.
        from qamqor.core import middleware, second_factor  # noqa: F401
