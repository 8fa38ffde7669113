"""The words of each message, in the recipient's language, made when it is sent (so a link or
a time is the one in force then). An SMS is the email's body without the greeting and the
place: it has to fit a few segments."""

from __future__ import annotations

from dataclasses import dataclass

from django.conf import settings
from django.db.models import Q
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.translation import gettext as _

from qamqor.notify.models import Message


@dataclass(frozen=True)
class Text:
    subject: str
    body: str


def _when(value) -> str:
    return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def _token(request) -> str:
    from qamqor.portal.links import manage_token  # the public site sits beside us; its links are its own

    return manage_token(request)


def _manage_url(request) -> str:
    return settings.QAMQOR_PUBLIC_URL + reverse("portal:manage", args=[_token(request)])


def _offers_telegram(message: Message) -> bool:
    """A letter offers Telegram when the bot runs and the parent has not linked it."""
    from qamqor.notify.models import TelegramLink
    from qamqor.notify.telegram import is_on

    return is_on() and not TelegramLink.objects.filter(parent_id=message.parent_id).exists()


def _reminder(message: Message, short: bool) -> Text:
    appointment = message.appointment
    organization = appointment.organization
    when = _when(appointment.starts_at)
    lines = []
    if not short:
        lines.append(_("Hello, %(name)s!") % {"name": message.parent.full_name})
    facts = {"organization": organization.name, "format": appointment.get_format_display(), "when": when}
    if message.kind == Message.Kind.CONFIRMATION:
        lines.append(_("You are booked at %(organization)s: %(format)s, %(when)s.") % facts)
    else:
        lines.append(_("A reminder from %(organization)s: %(format)s, %(when)s.") % facts)
    if appointment.is_online:
        if appointment.meeting_url:
            lines.append(_("Join online: %(url)s") % {"url": appointment.meeting_url})
        else:
            lines.append(_("The link to join will be on your page before the start."))
    elif not short:
        point = getattr(organization, "consultation_point", None)
        address = (point.address if point else "") or organization.address
        if address:
            room = f", {appointment.room.name}" if appointment.room_id else ""
            lines.append(_("Place: %(place)s") % {"place": f"{address}{room}"})
    if appointment.request_id and appointment.request.parent_id == message.parent_id:
        lines.append(_("To move or cancel it: %(url)s") % {"url": _manage_url(appointment.request)})
        if message.channel == Message.Channel.EMAIL and _offers_telegram(message):
            url = settings.QAMQOR_PUBLIC_URL + reverse("notify:telegram_parent", args=[_token(appointment.request)])
            lines.append(_("To get reminders in Telegram: %(url)s") % {"url": url})
    subject = _("Booked: %(when)s") if message.kind == Message.Kind.CONFIRMATION else _("Reminder: %(when)s")
    return Text(subject=subject % {"when": when}, body="\n".join(lines))


def _feedback(message: Message, short: bool) -> Text:
    from qamqor.portal.emails import feedback_url

    request = message.request
    body = _("Thank you for coming to %(organization)s. Please rate the consultation: %(url)s") % {
        "organization": request.organization.name,
        "url": feedback_url(request),
    }
    return Text(subject=_("How was your consultation?"), body=body)


def _new_request(message: Message, short: bool) -> Text:
    request = message.request
    number = request.display_number
    url = settings.QAMQOR_PUBLIC_URL + reverse("journal:detail", args=[request.pk])
    body = _("A new request came through the public site: №%(number)s, topic «%(topic)s». Open it in the journal: %(url)s") % {
        "number": number,
        "topic": request.topic.name,
        "url": url,
    }
    return Text(subject=_("New online request №%(number)s") % {"number": number}, body=body)


def _place_freed(message: Message, short: bool) -> Text:
    from qamqor.engagement.links import registration_token  # engagement's private link is its own

    if message.registration_id is None:
        return _session_place_freed(message, short)
    registration = message.registration
    event = registration.event
    facts = {"event": event.shown_title, "organization": event.organization.name, "when": _when(event.starts_at)}
    lines = [] if short else [_("Hello, %(name)s!") % {"name": message.parent.full_name}]
    lines.append(_("A place opened up for you from the waiting list: %(event)s, %(organization)s, %(when)s.") % facts)
    if event.is_online:
        lines.append(_("Join online: %(url)s") % {"url": event.meeting_url})
    elif not short:
        lines.append(_("Place: %(place)s") % {"place": event.place})
    url = settings.QAMQOR_PUBLIC_URL + reverse("engagement:my_registration", args=[registration_token(registration)])
    lines.append(_("If you cannot come, give the place back through your private link: %(url)s") % {"url": url})
    return Text(subject=_("A place opened up for you: %(event)s") % facts, body="\n".join(lines))


def _session_place_freed(message: Message, short: bool) -> Text:
    from qamqor.portal.session_signup import sign_up_token  # the public site's private link is its own
    from qamqor.scheduling.models import Participant

    session = message.appointment
    facts = {"event": session.get_format_display(), "organization": session.organization.name, "when": _when(session.starts_at)}
    lines = [] if short else [_("Hello, %(name)s!") % {"name": message.parent.full_name}]
    lines.append(_("A place opened up for you from the waiting list: %(event)s, %(organization)s, %(when)s.") % facts)
    if session.is_online:
        lines.append(_("The link to join will be on your page before the start."))
    elif not short:
        point = getattr(session.organization, "consultation_point", None)
        address = (point.address if point else "") or session.organization.address
        if address:
            room = f", {session.room.name}" if session.room_id else ""
            lines.append(_("Place: %(place)s") % {"place": f"{address}{room}"})
    participant = (
        Participant.objects.active()
        .filter(appointment=session)
        .filter(Q(parent_id=message.parent_id) | Q(child__parent_id=message.parent_id))
        .first()
    )
    if participant is not None:
        url = settings.QAMQOR_PUBLIC_URL + reverse("portal:my_session", args=[sign_up_token(participant)])
        lines.append(_("If you cannot come, give the place back through your private link: %(url)s") % {"url": url})
    return Text(subject=_("A place opened up for you: %(event)s") % facts, body="\n".join(lines))


COMPOSERS = {
    Message.Kind.REMINDER_FIRST: _reminder,
    Message.Kind.REMINDER_SECOND: _reminder,
    Message.Kind.CONFIRMATION: _reminder,
    Message.Kind.FEEDBACK: _feedback,
    Message.Kind.NEW_REQUEST: _new_request,
    Message.Kind.PLACE_FREED: _place_freed,
}


def compose(message: Message) -> Text:
    with translation.override(message.language):
        return COMPOSERS[message.kind](message, message.channel == Message.Channel.SMS)
