from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class PortalConfig(AppConfig):
    name = "qamqor.portal"
    label = "portal"
    verbose_name = _("Public site for parents")

    def ready(self) -> None:
        from qamqor.journal.hooks import register_completion_extension
        from qamqor.portal.emails import FeedbackLetter
        from qamqor.portal.recommendations import MaterialRecommendations

        # The specialist may pick materials for the parent when closing a request.
        register_completion_extension(MaterialRecommendations())
        # After a consultation is recorded the parent gets the link to rate it (by email).
        register_completion_extension(FeedbackLetter())
