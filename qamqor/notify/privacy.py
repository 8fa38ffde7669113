"""The notify app's part in the family's rights (qamqor/audit/services.py): the delivery log
holds a parent's phone number or email. A family's erasure deletes its messages; retention
deletes the messages sent before the cutoff (the log serves the staff for days, not years);
the parent's data download lists what was sent to them."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qamqor.audit.services import family_eraser_register
from qamqor.families.models import Parent
from qamqor.notify.models import Message, TelegramCode, TelegramLink
from qamqor.orgs.models import Organization
from qamqor.portal.selectors import parent_data_section_register


def family_messages_delete(parent: Parent) -> int:
    """The family's messages, and its Telegram chat with the bot (its codes too)."""
    TelegramLink.objects.filter(parent=parent).delete()
    TelegramCode.objects.filter(parent=parent).delete()
    deleted, _by_model = Message.objects.filter(parent=parent).delete()
    return deleted


def messages_past_retention(organization: Organization, cutoff: dt.datetime, dry_run: bool) -> int:
    old = Message.objects.filter(organization=organization, parent__isnull=False, send_at__lt=cutoff)
    if dry_run:
        return old.count()
    # Telegram codes issued before the cutoff went with it (each lives an hour; unused ones too).
    TelegramCode.objects.filter(parent__organization=organization, created_at__lt=cutoff).delete()
    deleted, _by_model = old.delete()
    return deleted


def family_messages_data(parent: Parent) -> list[dict]:
    return [
        {
            "kind": m.kind,
            "kind_label": str(m.get_kind_display()),
            "channel": m.channel,
            "address": m.address,
            "send_at": timezone.localtime(m.send_at),
            "status": m.status,
            "status_label": str(m.get_status_display()),
            "sent_at": timezone.localtime(m.sent_at) if m.sent_at else None,
        }
        for m in Message.objects.filter(parent=parent).order_by("send_at", "pk")
    ]


def register() -> None:
    parent_data_section_register("messages", family_messages_data)
    family_eraser_register(
        "messages_deleted", family_messages_delete, label=_("messages to parents deleted"), past_retention=messages_past_retention
    )
