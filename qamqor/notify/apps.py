from __future__ import annotations

from typing import TYPE_CHECKING

from django.apps import AppConfig
from django.utils.translation import gettext_lazy as _

if TYPE_CHECKING:
    from qamqor.journal.models import Request
    from qamqor.portal.selectors import ManageLink


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


def telegram_manage_link(item: Request, token: str) -> ManageLink | None:
    """The manage page's Telegram offer, or, once the parent linked a chat, the fact that
    reminders come there, with a way to link another chat (a new phone). One query."""
    from django.urls import reverse

    from qamqor.notify import telegram
    from qamqor.notify.models import TelegramLink
    from qamqor.portal.selectors import ManageLink

    if not telegram.is_on():
        return None
    address = reverse("notify:telegram_parent", args=[token])
    if TelegramLink.objects.filter(parent_id=item.parent_id).exists():
        return ManageLink(_("Link another Telegram"), address, done=_("Reminders come to your Telegram."))
    return ManageLink(_("Get reminders in Telegram"), address)
