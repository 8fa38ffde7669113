"""What the public site reads: open consultation points, what each offers, and free times
merged over the specialists who could take a parent's question."""

from __future__ import annotations

import datetime as dt
from collections import defaultdict
from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass, field
from typing import NamedTuple

from django.db.models import Exists, OuterRef, Prefetch, Q, QuerySet
from django.shortcuts import get_object_or_404
from django.utils import timezone

from qamqor.core.academic_year import academic_year_label
from qamqor.core.validators import format_phone
from qamqor.families.models import Parent
from qamqor.journal.models import Request, Status, StatusChange, Topic, choice_label
from qamqor.orgs.models import ConsultationPoint, District, Membership, Region
from qamqor.portal.models import Feedback, Material, Question
from qamqor.scheduling.calendar import public_holidays
from qamqor.scheduling.models import Appointment, ClosedDay, Participant, Weekday, WorkingHours
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
            Prefetch(
                "working_hours",
                queryset=WorkingHours.objects.filter(kind=WorkingHours.Kind.CONSULTATION)
                .select_related("room")
                .order_by("weekday", "starts"),
            )
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


def held_appointment(request: Request) -> Appointment | None:
    """The request's consultation that took place (the latest, if ever more than one)."""
    return (
        request.appointments.filter(status=Appointment.Status.DONE)
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


MEETING_LINK_SHOWN_BEFORE = dt.timedelta(minutes=15)  # seed 001 §6.5: the parent joins at the start


@dataclass(frozen=True)
class Place:
    """Where a consultation happens, as a parent needs it: the organisation, its address and
    the room, or online with the meeting link. The link is given out only from 15 minutes
    before the start (`meeting_url` is empty until `link_opens_at`)."""

    organization: str
    address: str
    room: str
    phone: str
    is_online: bool
    meeting_url: str
    link_opens_at: dt.datetime | None = None

    def lines(self) -> list[str]:
        return [line for line in (self.organization, self.address, self.room) if line]

    @property
    def phone_display(self) -> str:
        return format_phone(self.phone)


def place_of(point: ConsultationPoint, appointment: Appointment | None, now: dt.datetime | None = None) -> Place:
    organization = point.organization
    online = appointment is not None and appointment.is_online
    opens_at = appointment.starts_at - MEETING_LINK_SHOWN_BEFORE if online else None
    link_open = opens_at is not None and (now or timezone.now()) >= opens_at
    return Place(
        organization=organization.name,
        address=point.address or organization.address,
        room=appointment.room.name if appointment is not None and appointment.room_id else "",
        phone=point.phone or organization.phone,
        is_online=online,
        meeting_url=appointment.meeting_url if link_open else "",
        link_opens_at=opens_at,
    )


def requests_ended_by_withdrawal(parent: Parent, now: dt.datetime | None = None) -> list[Request]:
    """The parent's requests that withdrawing the consent cancels: every open one except those
    whose booked consultation has already begun (held, for the specialist to record). Each
    carries `booked`, its booked appointments, for the page that asks to confirm."""
    now = now or timezone.now()
    begun = Appointment.objects.filter(request=OuterRef("pk"), status=Appointment.Status.BOOKED, starts_at__lte=now)
    return list(
        Request.objects.filter(parent=parent)
        .open()
        .filter(~Exists(begun))
        .select_related("topic")
        .prefetch_related(
            Prefetch("appointments", queryset=Appointment.objects.filter(status=Appointment.Status.BOOKED), to_attr="booked")
        )
        .order_by("received_at", "pk")
    )


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value) if value is not None else None


def _people(links) -> list[str]:
    return [link.membership.person_name for link in links]


def _appointment_data(a: Appointment) -> dict:
    return {
        "starts_at": _local(a.starts_at),
        "ends_at": _local(a.ends_at),
        "status": a.status,
        "status_label": choice_label(Appointment.Status, a.status),
        "specialists": _people(a.specialist_links.all()),
        "room": a.room.name if a.room_id else "",
        "is_online": a.is_online,
        "meeting_url": a.meeting_url,
        "child": a.child.full_name if a.child_id else "",
        "created_at": _local(a.created_at),
        "format": a.format,
        "format_label": a.get_format_display(),
        "capacity": a.capacity,
        "public_sign_up": a.public_sign_up,
    }


# Other apps' records of a family (event sign-ups, awards…): the apps above the portal register
# a section here from their AppConfig.ready(), as they register their erasers with the audit
# app; the portal cannot import them. name -> function(parent) -> list of plain dicts.
_other_sections: dict[str, Callable[[Parent], list[dict]]] = {}


def parent_data_section_register(name: str, section: Callable[[Parent], list[dict]]) -> None:
    _other_sections[name] = section


class ManageLink(NamedTuple):
    """A link another app offers on the parent's manage page. `done` says what the parent has
    already set up there ("Reminders come to your Telegram"): the page shows it as a fact, and
    the link as a quieter way to do it again, not as an offer still open."""

    label: str
    address: str
    done: str = ""


# Links other apps offer on the parent's manage page (notify: "Get reminders in Telegram"),
# registered the same way: name -> function(request, token) -> ManageLink or None.
_manage_links: dict[str, Callable[[Request, str], ManageLink | None]] = {}


def manage_link_register(name: str, link: Callable[[Request, str], ManageLink | None]) -> None:
    _manage_links[name] = link


def manage_links(item: Request, token: str) -> list[ManageLink]:
    return [found for link in _manage_links.values() if (found := link(item, token))]


def parent_data(parent: Parent) -> dict:
    """Everything the system keeps about one parent and their children, for the "My data" page
    and its JSON download (the right of access, Law of the Republic of Kazakhstan «On personal
    data and their protection»): the organisation that keeps it, the parent, the children, the
    consents, the requests with their history, appointments and feedback.

    Only this Parent row's data: a namesake, or the same phone in another organisation, is
    another record of another keeper. Left out on purpose: who on the staff recorded or
    changed what (the staff's data, not the parent's) and the keyed hashes that count
    applications (they identify nobody and are swept within a day). Values are Python objects
    (local times); choice fields carry their code and their label in the current language.
    A field added to these models must be added here: tests/test_my_data.py compares the keys
    with the models' fields."""
    organization = parent.organization
    children = list(parent.children.order_by("birth_date", "pk"))
    consents = list(parent.consents.order_by("given_at", "pk"))
    people = Prefetch("specialist_links__membership", queryset=Membership.objects.select_related("user"))
    requests = list(
        Request.objects.filter(parent=parent)
        .select_related("topic", "child")
        .prefetch_related(
            Prefetch("specialists", queryset=Membership.objects.select_related("user")),
            Prefetch("status_changes", queryset=StatusChange.objects.order_by("changed_at", "pk")),
            Prefetch("appointments", queryset=Appointment.objects.select_related("room", "child").prefetch_related(people)),
        )
        .order_by("received_at", "pk")
    )
    feedback = {f.request_id: f for f in Feedback.objects.filter(request__parent=parent)}
    # A child's appointment booked outside a request (none are today) is the child's data too.
    loose = (
        Appointment.objects.filter(child__parent=parent, request__isnull=True)
        .select_related("room", "child")
        .prefetch_related(people)
    )
    # The sessions (forms of work) the parent or a child of theirs takes part in.
    participations = (
        Participant.objects.filter(Q(parent=parent) | Q(child__parent=parent))
        .select_related("child", "appointment__room", "appointment__child")
        .prefetch_related("appointment__specialist_links__membership__user")
        .order_by("starts_at", "pk")
    )
    return {
        "exported_at": timezone.localtime(),
        "organisation": {
            "name": organization.name,
            "bin": organization.bin,
            "address": organization.address,
            "phone": organization.phone,
        },
        "parent": {
            "full_name": parent.full_name,
            "phone": parent.phone,
            "email": parent.email,
            "language": parent.language,
            "language_label": parent.get_language_display(),
            "created_at": _local(parent.created_at),
        },
        "children": [
            {
                "full_name": c.full_name,
                "birth_date": c.birth_date,
                "sex": c.sex,
                "sex_label": c.get_sex_display(),
                "iin": c.iin,
                "created_at": _local(c.created_at),
            }
            for c in children
        ],
        "consents": [
            {
                "scope": c.scope,
                "scope_label": c.get_scope_display(),
                "method": c.method,
                "method_label": c.get_method_display(),
                "given_at": _local(c.given_at),
                "text_version": c.text_version,
                "withdrawn_at": _local(c.withdrawn_at),
            }
            for c in consents
        ],
        "requests": [
            {
                "number": r.display_number,
                "academic_year": academic_year_label(r.academic_year),
                "received_at": _local(r.received_at),
                "channel": r.channel,
                "channel_label": r.get_channel_display(),
                "child": r.child.full_name if r.child_id else "",
                "topic": r.topic.name,
                "question": r.question,
                "status": r.status,
                "status_label": r.get_status_display(),
                "specialists": [m.person_name for m in r.specialists.all()],
                "answer": r.answer,
                "answered_by_phone": r.answered_by_phone,
                "call_minutes": r.call_minutes,
                "recommendations": r.recommendations,
                "outcome": r.outcome,
                "closed_at": _local(r.closed_at),
                "history": [
                    {
                        "at": _local(change.changed_at),
                        "from_status": change.from_status,
                        "to_status": change.to_status,
                        "to_status_label": choice_label(Status, change.to_status),
                        "note": change.note,
                    }
                    for change in r.status_changes.all()
                ],
                "appointments": [_appointment_data(a) for a in r.appointments.all()],
                "feedback": (
                    {
                        "rating": feedback[r.pk].rating,
                        "comment": feedback[r.pk].comment,
                        "given_at": _local(feedback[r.pk].given_at),
                    }
                    if r.pk in feedback
                    else None
                ),
            }
            for r in requests
        ],
        "appointments_without_request": [_appointment_data(a) for a in loose],
        "sessions": [
            {
                **_appointment_data(p.appointment),
                "participant_child": p.child.full_name if p.child_id else "",
                "parent_present": p.parent_present,
                "participant_status": p.status,
                "participant_status_label": p.get_status_display(),
                "added_at": _local(p.added_at),
            }
            for p in participations
        ],
        **{name: section(parent) for name, section in _other_sections.items()},
    }


# --- Materials and questions as parents see them ---


def public_materials(
    *,
    organization_id: int | None = None,
    topic: Topic | None = None,
    age: int | None = None,
    kind: str = "",
    language: str = "",
    text: str = "",
) -> QuerySet[Material]:
    """Published materials of open points, newest first, with what a list shows of each (the
    organisation and its point; the topics come in one more query)."""
    materials = Material.objects.public().select_related("organization__consultation_point").prefetch_related("topics")
    if organization_id is not None:
        materials = materials.filter(organization_id=organization_id)
    if topic is not None:
        materials = materials.filter(topics=topic)
    if age is not None:
        materials = materials.for_age(age)
    if kind:
        materials = materials.filter(kind=kind)
    if language:
        materials = materials.in_language(language)
    text = " ".join(text.split())
    if text:
        materials = materials.search(text)
    return materials.order_by("-published_at", "-pk")


def public_material(pk: int) -> Material:
    """A published material of an open point with its organisation, point and topics; 404 otherwise."""
    return get_object_or_404(
        Material.objects.public().select_related("organization__consultation_point").prefetch_related("topics"), pk=pk
    )


def recommended_materials(request: Request) -> list[Material]:
    """The published materials the specialist recommended with this request."""
    return list(
        Material.objects.published().filter(recommended_in=request).prefetch_related("topics").order_by("-published_at", "-pk")
    )


def public_questions(organization_id: int) -> QuerySet[Question]:
    """The point's published questions with their answers, newest first. Only what the site
    shows is read: never the parent's name or contacts."""
    return (
        Question.objects.public()
        .filter(organization_id=organization_id)
        .only("pk", "text", "public_text", "answer", "published_at")
        .order_by("-published_at", "-pk")
    )
