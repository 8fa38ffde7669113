"""Letters to the parent: their time, the place and the manage link, in their own language."""

from __future__ import annotations

import logging
from smtplib import SMTPException

from django.conf import settings
from django.core.mail import EmailMessage
from django.db import transaction
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from qamqor.core.validators import format_phone
from qamqor.families.models import Consent
from qamqor.journal.models import Request
from qamqor.portal.ics import appointment_ics
from qamqor.portal.links import feedback_token, feedback_valid_until
from qamqor.portal.models import Question
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


def feedback_url(request: Request) -> str:
    """The feedback link in full, for a letter sent outside the parent's visit (no browser
    request to take the site's address from): QAMQOR_PUBLIC_URL."""
    return settings.QAMQOR_PUBLIC_URL + reverse("portal:feedback", args=[feedback_token(request)])


def feedback_letter_send(*, request: Request) -> bool:
    """The letter asking the parent to rate a consultation that took place, in their language;
    True when it went out. Only to a parent who gave an email and whose consent is in force,
    and only while the feedback link works. A failing mail server is logged: the consultation
    is recorded already, and the manage page shows the same link."""
    parent = request.parent
    valid_until = feedback_valid_until(request)
    if not parent.email or not parent.has_consent(Consent.Scope.PARENT) or valid_until is None:
        return False
    with translation.override(parent.language):
        context = {
            "request": request,
            "parent": parent,
            "organization": request.organization.name,
            "feedback_url": feedback_url(request),
            "valid_until": timezone.localtime(valid_until),
        }
        message = EmailMessage(
            subject=_("How was your consultation?"),
            body=render_to_string("portal/email/feedback.txt", context),
            to=[parent.email],
        )
        try:
            message.send()
        except (SMTPException, OSError):
            logger.exception("could not send the feedback letter of request %s", request.pk)
            return False
    return True


class FeedbackLetter:
    """After a consultation is recorded the parent gets the link to rate it, by email: a
    completion extension of the journal (qamqor/journal/hooks.py), registered in
    PortalConfig.ready(), since the journal sits below the public site and must not import it."""

    def form_fields(self, request: Request) -> dict:
        return {}

    def completed(self, *, request: Request, data, by) -> None:
        send_feedback_letter_when_committed(request=request)


def send_feedback_letter_when_committed(*, request: Request) -> None:
    """The letter goes after the commit: a completion that is rolled back sends nothing, and no
    row stays locked while the mail server answers."""
    request_id = request.pk

    def send() -> None:
        fresh = Request.objects.select_related("parent", "organization", "topic").get(pk=request_id)
        feedback_letter_send(request=fresh)

    transaction.on_commit(send, robust=True)


def question_answer_send(*, question: Question, questions_url: str) -> bool:
    """The answer to a parent's question, to the email they left, in the language they asked
    in; True when it went out. A failing mail server leaves the answer saved: it is logged."""
    if not question.email:
        return False
    point = question.organization.consultation_point
    with translation.override(question.language):
        context = {
            "question": question,
            "organization": question.organization.name,
            "phone": format_phone(point.phone or question.organization.phone),
            "questions_url": questions_url if question.is_published else "",
        }
        message = EmailMessage(
            subject=_("Answer to your question"),
            body=render_to_string("portal/email/answer.txt", context),
            to=[question.email],
        )
        try:
            message.send()
        except (SMTPException, OSError):
            logger.exception("could not send the answer to question %s", question.pk)
            return False
    return True
