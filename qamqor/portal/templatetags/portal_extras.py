"""Contacts as parents tap them on a phone: a call, a WhatsApp chat, a Telegram chat."""

from __future__ import annotations

import re

from django import template

from qamqor.core.validators import format_phone

register = template.Library()

TELEGRAM_NAME = re.compile(r"^@?([A-Za-z][A-Za-z0-9_]{4,31})$")
TELEGRAM_URL = re.compile(r"^(?:https?://)?(?:t\.me|telegram\.me)/([A-Za-z][A-Za-z0-9_]{4,31})/?$")


@register.filter
def phone(e164: str) -> str:
    return format_phone(e164)


@register.filter
def whatsapp_url(e164: str) -> str:
    """WhatsApp's click-to-chat address wants the number's digits only."""
    digits = "".join(ch for ch in e164 or "" if ch.isdigit())
    return f"https://wa.me/{digits}" if digits else ""


@register.filter
def telegram_url(value: str) -> str:
    """t.me for a @name or a t.me address; nothing for anything else (shown as text)."""
    value = (value or "").strip()
    match = TELEGRAM_NAME.match(value) or TELEGRAM_URL.match(value)
    return f"https://t.me/{match.group(1)}" if match else ""


@register.filter
def masked_iin(iin: str) -> str:
    """An IIN with all but its last four digits hidden (the page may be seen over a shoulder)."""
    iin = iin or ""
    return "•" * (len(iin) - 4) + iin[-4:] if len(iin) > 4 else iin
