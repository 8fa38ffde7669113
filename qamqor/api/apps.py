from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class ApiConfig(AppConfig):
    name = "qamqor.api"
    label = "api"
    verbose_name = _("REST API")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from qamqor.api.models import ApiToken

        # Who issued and who revoked each token goes to the audit log, with the organisation
        # (ApiToken.get_additional_data), as the social service's records do. Not the digest:
        # the log is read by people, the digest is the token's lookup key. Not the last use:
        # it is written a minute apart by every call and says nothing about who acted.
        if not auditlog.contains(ApiToken):
            auditlog.register(ApiToken, exclude_fields=["digest", "last_used_at"], m2m_fields=set())
