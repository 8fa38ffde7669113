"""Run the Telegram bot by long polling (docs/operations.md, "Telegram bot")."""

from __future__ import annotations

import logging
import time

from django.core.management.base import BaseCommand, CommandError

from qamqor.notify import telegram

logger = logging.getLogger(__name__)


class Command(BaseCommand):
    help = "Answer the Telegram bot's messages by long polling (getUpdates)."

    def add_arguments(self, parser) -> None:
        parser.add_argument("--once", action="store_true", help="One poll without waiting, then exit (tests, cron).")
        parser.add_argument("--timeout", type=int, default=25, help="Seconds a poll waits for messages (default 25).")

    def handle(self, *, once: bool, timeout: int, **options) -> None:
        if not telegram.is_on():
            raise CommandError("Set QAMQOR_TELEGRAM_BOT_TOKEN and QAMQOR_TELEGRAM_BOT_USERNAME to run the bot.")
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
