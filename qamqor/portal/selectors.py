"""What the public site reads: open consultation points, what each offers, and free times
merged over the specialists who could take a parent's question."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field

from django.db.models import Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from qamqor.core.validators import format_phone
from qamqor.journal.models import Request, Status, Topic
from qamqor.orgs.models import ConsultationPoint, District, Membership, Region
from qamqor.scheduling.calendar import public_holidays
from qamqor.scheduling.models import Appointment, ClosedDay, Weekday, WorkingHours
from qamqor.scheduling.services import free_slots, specialists_for_roles

# How far ahead a parent may book on the site (the methodist books further ahead by phone).
BOOKING_DAYS = 14
# How far ahead the point's page lists closed days and public holidays.
CLOSED_DAYS_AHEAD = 62


def open_points() -> QuerySet[ConsultationPoint]:
    return ConsultationPoint.objects.filter(is_open=True)


def open_point(pk: int) -> ConsultationPoint:
    """An open point with its organisation, district and region; 404 for a closed or unknown one."""
    return get_object_or_404(open_points().select_related("organization__district__region"), pk=pk)


def _name_matches(text: str) -> Q:
    # SQLite folds the case of ASCII letters only, so "думан" would not find «Думан» there:
    # the usual spellings of the words are asked for as typed (PostgreSQL folds all of them).
    variants = {text, text.lower(), text.upper(), text.capitalize(), text.title()}
    query = Q()
    for name_field in ("organization__name_kk", "organization__name_ru", "organization__name_en"):
        for variant in variants:
            query |= Q(**{f"{name_field}__icontains": variant})
    return query


def find_points(*, region: Region | None = None, district: District | None = None, text: str = "") -> QuerySet[ConsultationPoint]:
    points = open_points().select_related("organization__district__region")
    if region is not None:
        points = points.filter(organization__district__region=region)
    if district is not None:
        points = points.filter(organization__district=district)
    text = " ".join(text.split())
    if text:
        points = points.filter(_name_matches(text))
    return points.order_by("organization__district__region__kato", "organization__district__kato", "organization__name", "pk")


def districts_with_open_points(region: Region | None = None) -> QuerySet[District]:
    districts = District.objects.filter(organizations__consultation_point__is_open=True)
    if region is not None:
        districts = districts.filter(region=region)
    return districts.select_related("region").distinct().order_by("region__kato", "kato")


@dataclass(frozen=True)
class ScheduleEntry:
    starts: dt.time
    ends: dt.time
    specialist: Membership
    room_name: str


@dataclass
class PointPage:
    point: ConsultationPoint
    specialists: list[Membership]
    topics: list[Topic]
    # (weekday label, entries of that weekday, earliest first), weekdays without hours left out
    week: list[tuple[str, list[ScheduleEntry]]]
    closed_days: list[ClosedDay] = field(default_factory=list)
    holidays: list[dt.date] = field(default_factory=list)


def offered_topics(topics: Iterable[Topic], specialists: Iterable[Membership]) -> list[Topic]:
    """The catalogue's topics that someone at the point knows (by the topic-to-roles map).

    A point whose people fit no topic yet still takes every question: the methodist routes it."""
    topics = list(topics)
    roles = {m.role for m in specialists}
    known = [t for t in topics if roles & set(t.roles or [])]
    return known or topics


def point_page(point: ConsultationPoint) -> PointPage:
    """Everything the point's public page shows, in four queries (specialists, their hours with
    rooms, topics, the point's own closed days)."""
    specialists = list(
        Membership.objects.consultants(point.organization_id).prefetch_related(
            Prefetch("working_hours", queryset=WorkingHours.objects.select_related("room").order_by("weekday", "starts"))
        )
    )
    by_weekday: dict[int, list[ScheduleEntry]] = defaultdict(list)
    for m in specialists:
        for block in m.working_hours.all():
            by_weekday[block.weekday].append(ScheduleEntry(block.starts, block.ends, m, block.room.name if block.room_id else ""))
    week = [
        (label, sorted(by_weekday[value], key=lambda e: (e.starts, e.specialist.person_name)))
        for value, label in Weekday.choices
        if by_weekday.get(value)
    ]
    today = timezone.localdate()
    until = today + dt.timedelta(days=CLOSED_DAYS_AHEAD)
    closed = list(ClosedDay.objects.filter(organization_id=point.organization_id, date__gte=today, date__lte=until))
    holidays = sorted(d for d in public_holidays(today.year) | public_holidays(until.year) if today <= d <= until)
    return PointPage(
        point=point,
        specialists=specialists,
        topics=offered_topics(Topic.objects.filter(is_active=True), specialists),
        week=week,
        closed_days=closed,
        holidays=holidays,
    )


def apply_topics(point: ConsultationPoint) -> list[Topic]:
    return offered_topics(Topic.objects.filter(is_active=True), Membership.objects.consultants(point.organization_id))


def specialists_for_topic(organization_id: int, topic: Topic) -> list[Membership]:
    """The organisation's specialists whose roles fit the topic, the best fit first (the order
    of the topic's roles, as journal.services.suggested_specialists routes a request)."""
    roles = list(topic.roles or [])
    return sorted(specialists_for_roles(organization_id, roles), key=lambda m: roles.index(m.role))


@dataclass(frozen=True)
class OfferedTime:
    """A free time as the parent sees it: once, with the specialist it would be with."""

    starts_at: dt.datetime
    ends_at: dt.datetime
    specialist: Membership

    @property
    def value(self) -> str:
        """How the time travels in a form: the specialist and the start, nothing personal."""
        return f"{self.specialist.pk}-{int(self.starts_at.timestamp())}"


def booking_window(now: dt.datetime | None = None) -> tuple[dt.date, dt.datetime]:
    """The first day shown and the instant after which the site books nothing."""
    today = timezone.localdate(now or timezone.now())
    end = timezone.make_aware(dt.datetime.combine(today + dt.timedelta(days=BOOKING_DAYS), dt.time.min))
    return today, end


def offered_times(specialists: Sequence[Membership], *, days: int = BOOKING_DAYS) -> list[OfferedTime]:
    """The free times of the next `days` days of any of `specialists` (three queries each).

    When several are free at once the time is offered with the one listed first: callers list
    the best fit first."""
    start, _end = booking_window()
    offered: dict[dt.datetime, OfferedTime] = {}
    for m in specialists:
        for slot in free_slots(specialists=[m], start=start, days=days):
            offered.setdefault(slot.starts_at, OfferedTime(slot.starts_at, slot.ends_at, m))
    return sorted(offered.values(), key=lambda t: t.starts_at)


def joint_times(specialists: Sequence[Membership], *, days: int = BOOKING_DAYS) -> list[OfferedTime]:
    """Free times when all of `specialists` are free together (moving a joint consultation)."""
    if not specialists:
        return []
    start, _end = booking_window()
    slots = free_slots(specialists=specialists, start=start, days=days)
    return [OfferedTime(slot.starts_at, slot.ends_at, specialists[0]) for slot in slots]


def nearest_times(times: Sequence[OfferedTime], around: dt.datetime, count: int = 3) -> list[OfferedTime]:
    """The `count` times closest to `around` (before or after it), in time order."""
    closest = sorted(times, key=lambda t: (abs(t.starts_at - around), t.starts_at))[:count]
    return sorted(closest, key=lambda t: t.starts_at)


def times_by_day(times: Iterable[OfferedTime]) -> list[tuple[dt.date, list[OfferedTime]]]:
    days: dict[dt.date, list[OfferedTime]] = {}
    for t in times:
        days.setdefault(timezone.localdate(t.starts_at), []).append(t)
    return list(days.items())


def booked_appointment(request: Request) -> Appointment | None:
    """The request's appointment still to be held (booked), if any."""
    return (
        request.appointments.filter(status=Appointment.Status.BOOKED)
        .select_related("room")
        .prefetch_related(Prefetch("specialist_links__membership", queryset=Membership.objects.select_related("user")))
        .order_by("-starts_at")
        .first()
    )


def latest_appointment_start(request: Request) -> dt.datetime | None:
    """When the request's latest appointment (held, booked or cancelled) starts."""
    return request.appointments.order_by("-starts_at").values_list("starts_at", flat=True).first()


def rebooking_specialists(request: Request, appointment: Appointment | None) -> list[Membership]:
    """Whom a parent may move their time with: the people of the booked appointment, or the
    specialists the methodist routed the request to when no time is booked yet."""
    if appointment is not None:
        return [link.membership for link in appointment.specialist_links.all()]
    if request.status == Status.ROUTED:
        return list(request.specialists.select_related("user"))
    return []


@dataclass(frozen=True)
class Place:
    """Where a consultation happens, as a parent needs it: the organisation, its address and
    the room, or online with the meeting link."""

    organization: str
    address: str
    room: str
    phone: str
    is_online: bool
    meeting_url: str

    def lines(self) -> list[str]:
        return [line for line in (self.organization, self.address, self.room) if line]

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone)


def place_of(point: ConsultationPoint, appointment: Appointment | None) -> Place:
    organization = point.organization
    return Place(
        organization=organization.name,
        address=point.address or organization.address,
        room=appointment.room.name if appointment is not None and appointment.room_id else "",
        phone=point.phone or organization.phone,
        is_online=bool(appointment is not None and appointment.is_online),
        meeting_url=appointment.meeting_url if appointment is not None else "",
    )
