"""Run the Telegram bot by long polling, or register its webhook (docs/operations.md, "Telegram bot")."""

from __future__ import annotations

import logging
import time

from django.conf import settings
from django.core.management.base import BaseCommand, CommandError

from qamqor.notify import telegram

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = (
        "Answer the Telegram bot's messages by long polling (getUpdates); with QAMQOR_TELEGRAM_MODE=webhook, "
        "--set-webhook registers the webhook instead."
    )

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="One poll without waiting, then exit (tests, cron).")
        parser.add_argument("--timeout", type=int, default=25, help="Seconds a poll waits for messages (default 25).")
        hook = parser.add_mutually_exclusive_group()
        hook.add_argument(
            "--set-webhook",
            action="store_true",
            help="Webhook mode: tell Telegram to POST updates to <QAMQOR_PUBLIC_URL>/notify/telegram/webhook/ with the secret.",
        )
        hook.add_argument("--delete-webhook", action="store_true", help="Remove the webhook (before going back to polling).")

    def handle(self, *, once: bool, timeout: int, set_webhook: bool, delete_webhook: bool, **options) -> None:
        if not telegram.is_on():
            raise CommandError("Set QAMQOR_TELEGRAM_BOT_TOKEN and QAMQOR_TELEGRAM_BOT_USERNAME to run the bot.")
        webhook = settings.QAMQOR_TELEGRAM_MODE == "webhook"
        try:
            if set_webhook:
                if not webhook:
                    raise CommandError("QAMQOR_TELEGRAM_MODE is polling: set it to webhook (and the secret) first.")
                self.stdout.write(f"Telegram will send the bot's updates to {telegram.webhook_set()}")
                return
            if delete_webhook:
                telegram.webhook_delete()
                self.stdout.write("The webhook is removed: Telegram keeps the updates for polling.")
                return
        except telegram.TelegramError as exc:
            raise CommandError(str(exc)) from exc
        if webhook:
            # Telegram refuses getUpdates while a webhook is set, and two readers would answer twice.
            raise CommandError("QAMQOR_TELEGRAM_MODE is webhook: the web server answers the bot (run --set-webhook once).")
        offset = None
        while True:
            try:
                offset = telegram.poll(offset=offset, timeout=0 if once else timeout)
            except telegram.TelegramError as exc:
                if once:
                    raise CommandError(str(exc)) from exc
                logger.warning("telegram poll failed: %s", exc)
                time.sleep(5)  # the Bot API or the network is down: do not spin
            if once:
                return
