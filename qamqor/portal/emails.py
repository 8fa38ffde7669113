"""Letters to the parent: their time, the place and the manage link, in their own language."""

from __future__ import annotations

import logging
from smtplib import SMTPException

from django.core.mail import EmailMessage
from django.template.loader import render_to_string
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from qamqor.journal.models import Request
from qamqor.portal.ics import appointment_ics
from qamqor.portal.selectors import place_of
from qamqor.scheduling.models import Appointment

logger = logging.getLogger(__name__)


class Letter:
    """What happened, which decides the subject and the opening sentence."""

    BOOKED = "booked"
    APPLIED = "applied"
    MOVED = "moved"
    CANCELLED = "cancelled"


def _subject(kind: str, appointment: Appointment | None) -> str:
    when = formats.date_format(timezone.localtime(appointment.starts_at), "DATETIME_FORMAT") if appointment else ""
    if kind == Letter.BOOKED:
        return _("Consultation booked: %(when)s") % {"when": when}
    if kind == Letter.MOVED:
        return _("Consultation moved: %(when)s") % {"when": when}
    if kind == Letter.CANCELLED:
        return _("Your request is cancelled")
    return _("Your application is received")


def parent_letter_send(*, kind: str, request: Request, appointment: Appointment | None, manage_url: str) -> bool:
    """Send the letter when the parent gave an email; True when it went out.

    A mail server that fails must not undo a booking that is already made: the failure is
    logged, and the parent still has the confirmation page and its link."""
    parent = request.parent
    if not parent.email:
        return False
    point = request.organization.consultation_point
    with translation.override(parent.language):
        place = place_of(point, appointment)
        context = {
            "kind": kind,
            "request": request,
            "parent": parent,
            "appointment": appointment if kind != Letter.CANCELLED else None,
            "place": place,
            "manage_url": manage_url,
        }
        message = EmailMessage(
            subject=_subject(kind, appointment),
            body=render_to_string("portal/email/letter.txt", context),
            to=[parent.email],
        )
        if appointment is not None and kind != Letter.CANCELLED:
            message.attach(
                "consultation.ics",
                appointment_ics(request=request, appointment=appointment, place=place, manage_url=manage_url),
                "text/calendar",
            )
        try:
            message.send()
        except (SMTPException, OSError):
            logger.exception("could not send the %s letter of request %s", kind, request.pk)
            return False
    return True
