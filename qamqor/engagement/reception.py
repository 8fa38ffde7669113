"""Office hours with the administration (seed 003's individual forms: «Director's hour»,
«administrative reception»): parents book a time with the head, the director or a deputy.

The booking rules are the consultations' (scheduling.services): the host's reception hours
(WorkingHours of kind "reception"), the organisation's closed days, and the host's other
appointments, consultations included, so the host is never booked twice at once. A visit is
an Appointment of the host plus the visitor's name, phone and topic; nothing is half-written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qamqor.engagement.models import ReceptionVisit
from qamqor.engagement.services import _clean_person, _field_error
from qamqor.orgs.models import Membership, Organization
from qamqor.orgs.roles import RECEPTION_ROLES
from qamqor.portal.models import ApplicationAttempt
from qamqor.portal.services import AttemptLimit, attempt_hash, attempts_count
from qamqor.scheduling.models import Appointment, WorkingHours
from qamqor.scheduling.services import RECEPTION, Slot, SlotTaken, appointment_book, appointment_set_status, free_slots

VISITS_PER_ADDRESS = 5
DAYS_SHOWN = 14


def reception_hosts(organization_id: int) -> list[Membership]:
    """The organisation's head, director and deputies who have reception hours, by name."""
    return list(
        Membership.objects.active()
        .filter(organization_id=organization_id, role__in=list(RECEPTION_ROLES))
        .filter(pk__in=WorkingHours.objects.filter(kind=RECEPTION).values("membership_id"))
        .select_related("user")
        .order_by("user__full_name", "pk")
    )


@dataclass(frozen=True)
class HostTimes:
    host: Membership
    days: list[tuple[dt.date, list[tuple[str, Slot]]]]  # the free times by local day, each with its form value


def slot_value(host: Membership, slot: Slot) -> str:
    """What the booking form sends for a time: the host's id and the time's Unix timestamp."""
    return f"{host.pk}-{int(slot.starts_at.timestamp())}"


def reception_free_times(hosts: Sequence[Membership], *, start: dt.date | None = None, days: int = DAYS_SHOWN) -> list[HostTimes]:
    start = start or timezone.localdate()
    found = []
    for host in hosts:
        grouped: dict[dt.date, list[tuple[str, Slot]]] = {}
        for slot in free_slots(specialists=[host], start=start, days=days, kind=RECEPTION):
            grouped.setdefault(timezone.localdate(slot.starts_at), []).append((slot_value(host, slot), slot))
        found.append(HostTimes(host, list(grouped.items())))
    return found


def reception_book(
    *,
    organization: Organization,
    host: Membership,
    starts_at: dt.datetime,
    full_name: str,
    phone: str,
    topic: str,
    client_address: str,
    language: str = "kk",
) -> ReceptionVisit:
    """Book a visit in the host's reception hours, or raise a clear error with nothing written."""
    with transaction.atomic():
        return _reception_book(
            organization=organization,
            host=host,
            starts_at=starts_at,
            full_name=full_name,
            phone=phone,
            topic=topic,
            client_address=client_address,
            language=language,
        )


def _reception_book(*, organization, host, starts_at, full_name, phone, topic, client_address, language) -> ReceptionVisit:
    full_name, phone = _clean_person(full_name, phone, phone_required=True)
    topic = " ".join(topic.split())
    if not topic:
        raise _field_error("topic", _("Write what you would like to talk about."), "no_topic")
    if len(topic) > ReceptionVisit._meta.get_field("topic").max_length:
        raise _field_error("topic", _("The topic is too long: at most 500 characters."), "topic_too_long")
    if host.organization_id != organization.pk or not host.is_active or host.role not in RECEPTION_ROLES:
        raise _field_error("host", _("This person does not receive visitors at this organisation."), "not_host")
    now = timezone.now()
    attempts_count(
        [
            AttemptLimit(
                ApplicationAttempt.Kind.ADDRESS,
                attempt_hash("reception-address", client_address),
                VISITS_PER_ADDRESS,
                _("Too many bookings have been sent from this device in the last hour. Please try again later."),
                "too_many_visits",
            )
        ],
        now=now,
    )
    try:
        appointment = appointment_book(
            organization=organization, specialists=[host], starts_at=starts_at, booked_by=None, kind=RECEPTION
        )
    except SlotTaken as exc:
        raise SlotTaken(_("This time was just taken. Please choose another."), code="slot_taken") from exc
    visit = ReceptionVisit(
        organization=organization,
        appointment=appointment,
        host=host,
        full_name=full_name,
        phone=phone,
        topic=topic,
        language=language if language in {"kk", "ru"} else "kk",
        booked_at=now,
    )
    visit.full_clean()
    visit.save()
    return visit


STATUS_OF_APPOINTMENT = {
    ReceptionVisit.Status.CANCELLED: Appointment.Status.CANCELLED,
    ReceptionVisit.Status.HELD: Appointment.Status.DONE,
    ReceptionVisit.Status.NO_SHOW: Appointment.Status.NO_SHOW,
}


@transaction.atomic
def reception_set_status(*, visit: ReceptionVisit, status: str) -> ReceptionVisit:
    """Cancel a visit (its time frees), or mark it held or missed (once its time has come)."""
    visit = ReceptionVisit.objects.select_for_update().select_related("appointment").get(pk=visit.pk)
    if status not in STATUS_OF_APPOINTMENT:
        raise ValidationError(_("Choose a status from the list."), code="status")
    if visit.status == ReceptionVisit.Status.CANCELLED:
        raise ValidationError(_("This visit is already cancelled."), code="already_cancelled")
    now = timezone.now()
    if status == ReceptionVisit.Status.CANCELLED:
        if visit.status != ReceptionVisit.Status.BOOKED:
            raise ValidationError(_("This visit has already taken place."), code="not_booked")
        visit.cancelled_at = now
    elif visit.appointment.starts_at > now:
        raise ValidationError(_("The visit has not started yet."), code="future")
    visit.status = status
    visit.save(update_fields=["status", "cancelled_at"])
    appointment_set_status(appointment=visit.appointment, status=STATUS_OF_APPOINTMENT[status])
    return visit


def reception_cancel(*, visit: ReceptionVisit) -> ReceptionVisit:
    """The visit is called off (by the parent, or by staff): the host's time is free again."""
    return reception_set_status(visit=visit, status=ReceptionVisit.Status.CANCELLED)
