"""What makes messages: the scheduling's and the journal's saves, and the places engagement gives
from an event's waiting list, heard here so those apps (below us) know nothing of notify. Each
reaction runs once the change commits: a booking rolled back plans nothing, and a failure here is
logged, never undoing what the user just did."""

from __future__ import annotations

import logging
from collections.abc import Callable

from django.db import transaction
from django.db.models.signals import post_save

from qamqor.engagement.models import Registration
from qamqor.engagement.signals import registration_promoted
from qamqor.journal.models import Channel, Request, Status
from qamqor.scheduling.models import Appointment, Participant
from qamqor.scheduling.signals import participant_promoted

logger = logging.getLogger(__name__)


def _after_commit(action: Callable[..., object], **kwargs) -> None:
    def run() -> None:
        try:
            action(**kwargs)
        except Exception:
            logger.exception("notify: %s(%s) failed after the commit", action.__name__, kwargs)

    transaction.on_commit(run)


def _appointment_saved(sender, instance: Appointment, raw: bool = False, **kwargs) -> None:
    # A booking, a move (the old time cancelled, a new one booked) or a cancellation.
    if not raw:
        from qamqor.notify.services import reminders_plan

        _after_commit(reminders_plan, appointment_id=instance.pk)


def _participant_saved(sender, instance: Participant, raw: bool = False, **kwargs) -> None:
    if not raw:
        from qamqor.notify.services import reminders_plan

        _after_commit(reminders_plan, appointment_id=instance.appointment_id)


def _request_saved(sender, instance: Request, created: bool, raw: bool = False, **kwargs) -> None:
    if raw:
        return
    from qamqor.notify.services import feedback_plan, staff_notify_new_request

    # A request from the public site or the Telegram bot: no one on the staff took it in.
    if created and instance.channel in (Channel.ONLINE, Channel.TELEGRAM):
        _after_commit(staff_notify_new_request, request_id=instance.pk)
    if instance.status == Status.DONE:
        _after_commit(feedback_plan, request_id=instance.pk)


def _registration_promoted(sender, registration: Registration, **kwargs) -> None:
    from qamqor.notify.services import place_freed_plan

    _after_commit(place_freed_plan, registration_id=registration.pk)


def _participant_promoted(sender, participant: Participant, **kwargs) -> None:
    from qamqor.notify.services import place_freed_plan

    _after_commit(place_freed_plan, participant_id=participant.pk)


def connect() -> None:
    post_save.connect(_appointment_saved, sender=Appointment, dispatch_uid="notify_appointment_saved")
    post_save.connect(_participant_saved, sender=Participant, dispatch_uid="notify_participant_saved")
    post_save.connect(_request_saved, sender=Request, dispatch_uid="notify_request_saved")
    registration_promoted.connect(_registration_promoted, sender=Registration, dispatch_uid="notify_registration_promoted")
    participant_promoted.connect(_participant_promoted, sender=Participant, dispatch_uid="notify_participant_promoted")
