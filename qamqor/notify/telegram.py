"""The Telegram bot: linking a chat by a one-time deep link, messages through the Bot API, and
what the bot answers. Updates come by long polling (`manage.py telegram_bot`) or, with
QAMQOR_TELEGRAM_MODE=webhook, as Telegram's POSTs to notify:telegram_webhook (webhook.py); both
hand each update to answer_update().

- A parent opens "Link Telegram" from their manage page (notify:telegram_parent): a one-time
  code, valid for an hour, goes into https://t.me/<bot>?start=<code>; Telegram sends the bot
  "/start <code>", and the chat is linked to the parent. From then on confirmations, reminders,
  session links and feedback requests go to Telegram first (services.parent_channels).
- A linked parent's text is a question: it enters the journal as a request with the channel
  "Telegram" (topic "Another question"), and the point's methodist is told at once.
- A member of staff links their account from their notifications page and asks "/today" for
  their schedule of the day.
- Telegram sends an update again when our answer was slow or failed: each update id is handled
  once (TelegramUpdate, claimed in the transaction of what the update does).
The Bot API's address is settings.QAMQOR_TELEGRAM_API_URL, so tests point it at a local fake.
"""

from __future__ import annotations

import datetime as dt
import logging
import secrets

import httpx
from django.conf import settings
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from qamqor.families.models import Consent, Parent
from qamqor.notify.models import TelegramCode, TelegramLink, TelegramUpdate

logger = logging.getLogger(__name__)

CODE_VALID_FOR = dt.timedelta(hours=1)
TIMEOUT = 15.0
QUESTION_MAX_LENGTH = 2000
# Telegram gives up re-sending an update within a day; the ids are kept a while longer.
UPDATES_KEPT = dt.timedelta(days=7)


class TelegramError(Exception):
    """The Bot API did not take the call; the text says why (no token in it)."""


def is_on() -> bool:
    return bool(settings.QAMQOR_TELEGRAM_BOT_TOKEN and settings.QAMQOR_TELEGRAM_BOT_USERNAME)


def bot_api(method: str, payload: dict, *, timeout: float = TIMEOUT):
    url = f"{settings.QAMQOR_TELEGRAM_API_URL}/bot{settings.QAMQOR_TELEGRAM_BOT_TOKEN}/{method}"
    try:
        response = httpx.post(url, json=payload, timeout=timeout)
    except httpx.HTTPError as exc:
        raise TelegramError(f"Telegram unreachable: {type(exc).__name__}") from exc
    try:
        reply = response.json()
    except ValueError as exc:
        raise TelegramError(f"Telegram answered HTTP {response.status_code}, not JSON") from exc
    if not isinstance(reply, dict) or not reply.get("ok"):
        description = reply.get("description", "") if isinstance(reply, dict) else ""
        raise TelegramError(f"Telegram refused {method} (HTTP {response.status_code}): {description}"[:400])
    return reply.get("result")


def send_message(*, chat_id: int, text: str) -> None:
    bot_api("sendMessage", {"chat_id": chat_id, "text": text, "disable_web_page_preview": True})


# --- Linking


@transaction.atomic
def telegram_code_issue(*, parent: Parent | None = None, user=None) -> str:
    """A new one-time code for a parent or a member of staff; its deep link is deep_link(code)."""
    code = TelegramCode(code=secrets.token_urlsafe(18)[:24], parent=parent, user=user)
    code.full_clean()
    code.save()
    return code.code


def deep_link(code: str) -> str:
    return f"https://t.me/{settings.QAMQOR_TELEGRAM_BOT_USERNAME}?start={code}"


@transaction.atomic
def telegram_link(*, code: str, chat_id: int, now: dt.datetime | None = None) -> TelegramLink:
    """Link the chat to whom the code was issued for; the code works once, for an hour."""
    now = now or timezone.now()
    found = TelegramCode.objects.select_for_update().filter(code=code, used_at__isnull=True).first()
    if found is None or found.created_at < now - CODE_VALID_FOR:
        raise ValidationError(_("This link does not work any more. Open it again from your page on the site."), code="code")
    found.used_at = now
    found.save(update_fields=["used_at"])
    owner = {"parent_id": found.parent_id} if found.parent_id else {"user_id": found.user_id}
    link, _created = TelegramLink.objects.update_or_create(**owner, defaults={"chat_id": chat_id, "linked_at": now})
    return link


# --- What the bot answers


def _today_text(user, now: dt.datetime) -> str:
    from qamqor.scheduling.models import Appointment

    day = timezone.localtime(now).date()
    appointments = (
        Appointment.objects.active()
        .on_day(day)
        .filter(specialist_links__membership__user=user, specialist_links__is_active=True)
        .select_related("room", "organization")
        .distinct()
        .order_by("starts_at")
    )
    lines = [_("Your schedule for %(day)s:") % {"day": formats.date_format(day, "DATE_FORMAT")}]
    for a in appointments:
        start, end = timezone.localtime(a.starts_at), timezone.localtime(a.ends_at)
        where = _("online") if a.is_online else (a.room.name if a.room_id else "")
        lines.append(f"{start:%H:%M}–{end:%H:%M} · {a.get_format_display()}" + (f" · {where}" if where else ""))
    if len(lines) == 1:
        lines.append(_("No sessions today."))
    return "\n".join(lines)


def _question(parent: Parent, text: str) -> str:
    from qamqor.journal.models import Channel, Topic
    from qamqor.journal.services import request_intake

    if parent.anonymised_at is not None or not parent.has_consent(Consent.Scope.PARENT):
        return _("You withdrew your consent to data processing, so we cannot record your question. Please call us.")
    request = request_intake(
        organization=parent.organization,
        channel=Channel.TELEGRAM,
        parent=parent,
        topic=Topic.objects.get(code="other"),
        question=text[:QUESTION_MAX_LENGTH],
        received_by=None,
    )
    return _("Your question is recorded under №%(number)s. A specialist will answer you.") % {"number": request.display_number}


def bot_id() -> int:
    """The bot's own id: the number its token begins with, before ":"."""
    head = settings.QAMQOR_TELEGRAM_BOT_TOKEN.partition(":")[0]
    return int(head) if head.isdigit() else 0


def _update_claim(update_id: int, now: dt.datetime) -> bool:
    """Claim the update in the caller's transaction; False when it was handled before. While
    another process handles it, its uncommitted row holds the unique key: this insert waits for
    that commit and is refused (or, if that handling failed, goes through)."""
    try:
        with transaction.atomic():  # a savepoint: the refused insert must not spoil the caller's transaction
            TelegramUpdate.objects.create(bot_id=bot_id(), update_id=update_id, handled_at=now)
    except IntegrityError:
        return False
    TelegramUpdate.objects.filter(handled_at__lt=now - UPDATES_KEPT).delete()
    return True


def handle_update(update: dict, now: dt.datetime | None = None) -> str | None:
    """Answer one update from the Bot API, once; returns the answer sent (None for what we
    ignore and for an update handled before).

    The update's id is claimed in the transaction of what it does (a link, a question in the
    journal): a second delivery finds it claimed and does nothing, and an update whose handling
    failed left no claim, so it is handled when it comes again. The answer goes after the
    commit: no transaction waits on the Bot API, and nothing undone is announced."""
    update_id = update.get("update_id")
    message = update.get("message") or {}
    chat = message.get("chat") or {}
    chat_id, text = chat.get("id"), (message.get("text") or "").strip()
    if not isinstance(update_id, int) or not chat_id or not text or chat.get("type", "private") != "private":
        return None
    now = now or timezone.now()
    with transaction.atomic():
        if not _update_claim(update_id, now):
            logger.info("telegram update %s was handled before", update_id)
            return None
        link = TelegramLink.objects.select_related("parent", "user").filter(chat_id=chat_id).first()
        language = (
            link.parent.language
            if link and link.parent_id
            else (link.user.preferred_language if link else settings.LANGUAGE_CODE)
        )
        with translation.override(language):
            answer = _answer(text, chat_id, link, now)
    if answer:
        send_message(chat_id=chat_id, text=answer)
    return answer


def _answer(text: str, chat_id: int, link: TelegramLink | None, now: dt.datetime) -> str:
    if text.startswith("/start"):
        code = text.removeprefix("/start").strip()
        if not code:
            return _("Hello! Link this chat from your page on the site: the «Link Telegram» button.")
        try:
            link = telegram_link(code=code, chat_id=chat_id, now=now)
        except ValidationError as exc:
            return " ".join(exc.messages)
        owner = link.parent or link.user
        language = link.parent.language if link.parent_id else link.user.preferred_language
        with translation.override(language):
            if link.parent_id:
                return _(
                    "Telegram is linked, %(name)s. Reminders and links will come here; write your question and we will record it."
                ) % {"name": owner.full_name}
            return _("Telegram is linked, %(name)s. Send /today for your schedule.") % {"name": owner.get_full_name()}
    if link is None:
        return _("This chat is not linked yet. Open «Link Telegram» on your page on the site.")
    if link.user_id:
        if text.startswith("/today"):
            return _today_text(link.user, now)
        return _("Send /today for your schedule.")
    if text.startswith("/"):
        return _("Write your question in a few words and we will record it.")
    return _question(link.parent, text)


def answer_update(update: dict) -> None:
    """Answer one update, however it came (a poll or the webhook)."""
    try:
        handle_update(update)
    except Exception:  # one bad update must not stop the bot nor come back for ever
        logger.exception("telegram update %s could not be answered", update.get("update_id"))


def poll(*, offset: int | None, timeout: int) -> int | None:
    """One long poll: answer each update, return the next offset."""
    payload = {"timeout": timeout, "allowed_updates": ["message"]}
    if offset is not None:
        payload["offset"] = offset
    for update in bot_api("getUpdates", payload, timeout=timeout + TIMEOUT) or []:
        offset = update["update_id"] + 1
        answer_update(update)
    return offset


# --- Webhook mode (settings.QAMQOR_TELEGRAM_MODE = "webhook")


def webhook_url() -> str:
    from django.urls import reverse

    return settings.QAMQOR_PUBLIC_URL + reverse("notify:telegram_webhook")


def webhook_set() -> str:
    """Ask Telegram to POST the bot's updates to our webhook, with the secret it must send back;
    returns the address. Telegram then refuses getUpdates: polling stops."""
    url = webhook_url()
    if not url.startswith("https://"):
        raise TelegramError(f"Telegram sends updates to an https:// address only, not {url!r}: set QAMQOR_PUBLIC_URL")
    bot_api(
        "setWebhook",
        {"url": url, "secret_token": settings.QAMQOR_TELEGRAM_WEBHOOK_SECRET, "allowed_updates": ["message"]},
    )
    return url


def webhook_delete() -> None:
    """Back to polling: Telegram keeps the updates for getUpdates again."""
    bot_api("deleteWebhook", {})
