"""Other projects' apps under names an administrator reads in the admin, in kk, ru and en.

Their own names come untranslated ("Axes", "Tasks Database Backend") or in English only; each
class here is the app's own configuration with a name of ours, listed in INSTALLED_APPS in place
of the bare app. The labels, and so the tables, permissions and admin addresses, stay theirs.
"""

from auditlog.apps import AuditlogConfig
from axes.apps import AppConfig as AxesAppConfig
from django.contrib.auth.apps import AuthConfig
from django.utils.translation import gettext_lazy as _
from django_otp.plugins.otp_static.apps import DefaultConfig as StaticDevicesConfig
from django_otp.plugins.otp_totp.apps import DefaultConfig as TOTPDevicesConfig
from django_tasks_db.apps import TasksAppConfig


class GroupsConfig(AuthConfig):
    # Our users live in qamqor.core: what the admin shows of django.contrib.auth is its groups.
    verbose_name = _("Groups and permissions")


class ChangeLogConfig(AuditlogConfig):
    # Apart from qamqor.audit ("Audit log": retention runs, parents' data requests).
    verbose_name = _("Log of changes and access to personal data")


class LoginAttemptsConfig(AxesAppConfig):
    verbose_name = _("Login attempts and lockouts")


class BackgroundTasksConfig(TasksAppConfig):
    verbose_name = _("Background tasks")


# django-otp's two apps, where a lost phone is reset (README, "Operations: the second factor and
# a lost phone").
class AuthenticatorsConfig(TOTPDevicesConfig):
    verbose_name = _("Second factor: authenticator apps")


class RecoveryCodesConfig(StaticDevicesConfig):
    verbose_name = _("Second factor: recovery codes")
