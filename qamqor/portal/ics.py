"""The .ics file of a booked consultation, for the parent's phone calendar."""

from __future__ import annotations

import datetime as dt

import icalendar
from django.utils import timezone
from django.utils.translation import gettext as _

from qamqor.journal.models import Request
from qamqor.portal.selectors import Place
from qamqor.scheduling.models import Appointment


def appointment_ics(*, request: Request, appointment: Appointment, place: Place, manage_url: str) -> bytes:
    """One event in UTC, in the active language.

    The event's UID belongs to the request, not to the appointment, and SEQUENCE counts its
    bookings: a moved consultation replaces the old event in the calendar instead of sitting
    beside it."""
    calendar = icalendar.Calendar()
    calendar.add("prodid", "-//Qamqor//Consultation point//KK")
    calendar.add("version", "2.0")
    calendar.add("method", "PUBLISH")
    event = icalendar.Event()
    event.add("uid", f"qamqor-request-{request.pk}@{request.organization_id}.qamqor")
    event.add("sequence", max(request.appointments.count() - 1, 0))
    event.add("dtstamp", timezone.now().astimezone(dt.UTC))
    event.add("dtstart", appointment.starts_at.astimezone(dt.UTC))
    event.add("dtend", appointment.ends_at.astimezone(dt.UTC))
    event.add("summary", _("Consultation: %(topic)s") % {"topic": request.topic.name})
    event.add("location", _("Online") if place.is_online else ", ".join(place.lines()))
    specialists = ", ".join(link.membership.person_name for link in appointment.specialist_links.all())
    description = [
        _("Request %(number)s") % {"number": request.display_number},
        _("Specialist: %(names)s") % {"names": specialists},
    ]
    if place.is_online and place.meeting_url:
        description.append(_("Meeting link: %(url)s") % {"url": place.meeting_url})
    if place.phone:
        description.append(_("Phone of the consultation point: %(phone)s") % {"phone": place.phone_display})
    description.append(_("Change or cancel: %(url)s") % {"url": manage_url})
    event.add("description", "\n".join(description))
    event.add("url", manage_url)
    event.add("status", "CANCELLED" if appointment.status == Appointment.Status.CANCELLED else "CONFIRMED")
    calendar.add_component(event)
    return calendar.to_ical()
