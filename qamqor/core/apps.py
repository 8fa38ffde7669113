from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticDevicesConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPDevicesConfig


class CoreConfig(AppConfig):
    name = "qamqor.core"
    label = "core"
    verbose_name = _("Core")

    def ready(self) -> None:
        # Connect the login signals: the staff session's clocks, and whether the person has
        # turned the second factor on.
        from qamqor.core import middleware, second_factor  # noqa: F401


# django-otp's two apps under names an administrator reads in the admin (in kk, ru and en),
# where a lost phone is reset (README, "Operations: the second factor and a lost phone").
class AuthenticatorsConfig(TOTPDevicesConfig):
    verbose_name = _("Second factor: authenticator apps")


class RecoveryCodesConfig(StaticDevicesConfig):
    verbose_name = _("Second factor: recovery codes")
