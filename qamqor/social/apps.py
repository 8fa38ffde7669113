from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class SocialConfig(AppConfig):
    name = "qamqor.social"
    label = "social"
    verbose_name = _("Social pedagogue's service")

    def ready(self) -> None:
        from auditlog.registry import auditlog

        from qamqor.social import privacy
        from qamqor.social.models import (
            CategoryRecord,
            Enrolment,
            HousingAct,
            JointAccess,
            SchoolClass,
            SocialSettings,
            SupportMeasure,
        )

        # Retention and a parent's erasure (qamqor/audit) reach the children's social records.
        privacy.register()
        # Every change of a social record goes to the audit log, with the organisation and the
        # family (the models' get_additional_data()), as the families' own records do.
        for model in (SchoolClass, Enrolment, CategoryRecord, HousingAct, SupportMeasure, SocialSettings, JointAccess):
            if not auditlog.contains(model):
                auditlog.register(model, m2m_fields=set())
