from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _


class NotifyConfig(AppConfig):
    name = "qamqor.notify"
    label = "notify"
    verbose_name = _("Reminders and messages")

    def ready(self) -> None:
        from qamqor.notify import privacy, signals

        signals.connect()
        # A family's erasure and retention reach the delivery log; "My data" lists it.
        privacy.register()
        # The parent's manage page offers the Telegram link when the bot is set up.
        from qamqor.portal.selectors import manage_link_register

        manage_link_register("telegram", telegram_manage_link)


def telegram_manage_link(item, token: str) -> tuple[str, str] | None:
    from django.urls import reverse

    from qamqor.notify import telegram

    if not telegram.is_on():
        return None
    return _("Get reminders in Telegram"), reverse("notify:telegram_parent", args=[token])
