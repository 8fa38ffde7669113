"""Free slots and conflict-free booking.

The database is the last word on overlaps (PostgreSQL exclusion constraints; on SQLite every
write transaction is IMMEDIATE, so the check below and the insert cannot interleave). The
checks here exist to give the user a clear answer before the database has to.

A booking's reads and row locks are SQL written by hand (_working_hours, _lock, _taken): each
runs once per booking, and building it with the ORM took several times what the database spends
answering it (about 0.3 ms against 0.05 ms on SQLite). The writes stay with the ORM, so that
models' defaults and post_save receivers keep working.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from typing import NamedTuple

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.db.models import Model, Value
from django.utils import timezone
from django.utils.translation import gettext as _

from qamqor.families.models import Child
from qamqor.orgs.models import Membership, Organization, Room
from qamqor.orgs.roles import CONSULTING_ROLES, RECEPTION_ROLES
from qamqor.scheduling.calendar import organization_overrides, working_weekday
from qamqor.scheduling.formats import INDIVIDUAL_CONSULTATION
from qamqor.scheduling.models import Appointment, AppointmentSpecialist, Participant, WorkingHours

CONSULTATION, RECEPTION = WorkingHours.Kind.CONSULTATION.value, WorkingHours.Kind.RECEPTION.value


class SlotTaken(ValidationError):
    """Someone else holds this time: a clear message for the user, nothing written."""

    http_status = 409  # the page's answer (core.forms.add_refusal): a conflict, not bad input


@dataclass(frozen=True)
class Slot:
    starts_at: dt.datetime
    ends_at: dt.datetime
    room_id: int | None


class _Block(NamedTuple):
    """One weekly working block (a WorkingHours row, without the model around it)."""

    membership_id: int
    weekday: int
    starts: dt.time
    ends: dt.time
    room_id: int | None


def _placeholders(values: Sequence) -> str:
    return ", ".join(["%s"] * len(values))


def _working_hours(
    organization_id: int, membership_ids: Sequence[int], own_day: dt.date | None = None, kind: str = CONSULTATION
) -> tuple[list[_Block], int, dict[dt.date, int | None]]:
    """The specialists' weekly blocks (earliest first), the point's slot length and, for
    `own_day`, the organisation's own entry for that date (see calendar.working_weekday).
    Only blocks of `kind`: reception hours are never consultation hours, nor the other way.

    One query: the blocks of every weekday come back (a handful per specialist), because the
    organisation's own calendar, read along, decides whose weekday's hours apply that day."""
    sql = f"""
        SELECT hours.membership_id, hours.weekday, hours.starts, hours.ends, hours.room_id,
               point.slot_minutes, own_day.is_closed, own_day.works_as
        FROM scheduling_workinghours hours
        LEFT JOIN orgs_consultationpoint point ON point.organization_id = %s
        LEFT JOIN scheduling_closedday own_day ON own_day.organization_id = %s AND own_day.date = %s
        WHERE hours.membership_id IN ({_placeholders(membership_ids)}) AND hours.kind = %s
        ORDER BY hours.starts
    """  # noqa: S608 (only placeholders are formatted in)
    with connection.cursor() as cursor:
        day = connection.ops.adapt_datefield_value(own_day)
        cursor.execute(sql, [organization_id, organization_id, day, *membership_ids, kind])
        rows = cursor.fetchall()
    if not rows:
        return [], settings.QAMQOR_DEFAULT_SLOT_MINUTES, {}
    slot_minutes, is_closed, works_as = rows[0][5:]
    overrides = {} if is_closed is None else {own_day: None if is_closed else works_as}
    return [_Block(*row[:5]) for row in rows], slot_minutes or settings.QAMQOR_DEFAULT_SLOT_MINUTES, overrides


def _local(day: dt.date, time: dt.time, zone: dt.tzinfo | None = None) -> dt.datetime:
    """Local wall-clock time as a UTC datetime: comparisons among UTC datetimes are cheap.

    Pass `zone` (the current time zone) when converting many times: looking it up is most of
    the cost."""
    return dt.datetime.combine(day, time, tzinfo=zone or timezone.get_current_timezone()).astimezone(dt.UTC)


class _Busy:
    """Sorted busy intervals of one person or room, for fast overlap checks."""

    def __init__(self) -> None:
        self.starts: list[dt.datetime] = []
        self.ends: list[dt.datetime] = []

    def add_all(self, intervals: Iterable[tuple[dt.datetime, dt.datetime]]) -> None:
        for start, end in sorted(intervals):
            self.starts.append(start)
            self.ends.append(end)

    def overlaps(self, start: dt.datetime, end: dt.datetime) -> bool:
        # The intervals of one key never overlap each other (the database sees to it), so
        # checking the last one that starts before `end` is enough.
        i = bisect.bisect_left(self.starts, end) - 1
        return i >= 0 and self.ends[i] > start


def _busy(
    person_ids: set[int], room_ids: set[int], range_start: dt.datetime, range_end: dt.datetime
) -> tuple[dict[int, _Busy], dict[int, _Busy]]:
    """The booked times of these people and of these rooms in the range, read in one query."""
    intervals = (
        AppointmentSpecialist.objects.filter(
            person_id__in=person_ids, is_active=True, starts_at__lt=range_end, ends_at__gt=range_start
        )
        .order_by()
        .values_list(Value("person"), "person_id", "starts_at", "ends_at")
    )
    if room_ids:
        intervals = intervals.union(
            Appointment.objects.active()
            .filter(room_id__in=room_ids, starts_at__lt=range_end, ends_at__gt=range_start)
            .order_by()
            .values_list(Value("room"), "room_id", "starts_at", "ends_at"),
            all=True,
        )
    grouped: dict[tuple[str, int], list[tuple[dt.datetime, dt.datetime]]] = defaultdict(list)
    for kind, key, starts_at, ends_at in intervals:
        grouped[kind, key].append((starts_at, ends_at))
    busy: dict[str, dict[int, _Busy]] = {"person": defaultdict(_Busy), "room": defaultdict(_Busy)}
    for (kind, key), found in grouped.items():
        busy[kind][key].add_all(found)
    return busy["person"], busy["room"]


def free_slots(
    *,
    specialists: Sequence[Membership],
    start: dt.date,
    days: int = 14,
    minutes: int | None = None,
    now: dt.datetime | None = None,
    kind: str = CONSULTATION,
) -> list[Slot]:
    """Times when every one of `specialists` works and nobody (nor the room) is booked.

    Three queries whatever the range: working hours with the point's slot length, the
    organisation's own days, the appointments of the specialists and of their rooms."""
    if not specialists:
        return []
    organization_id = specialists[0].organization_id
    now = (now or timezone.now()).astimezone(dt.UTC)
    end = start + dt.timedelta(days=days)

    blocks, point_minutes, _ = _working_hours(organization_id, [m.pk for m in specialists], kind=kind)
    hours_by_member: dict[int, dict[int, list[_Block]]] = defaultdict(lambda: defaultdict(list))
    for block in blocks:
        hours_by_member[block.membership_id][block.weekday].append(block)
    if any(m.pk not in hours_by_member for m in specialists):
        return []
    length = dt.timedelta(minutes=minutes or point_minutes)
    room_ids = {block.room_id for block in blocks if block.room_id}
    overrides = organization_overrides(organization_id, start, end)
    busy_person, busy_room = _busy(
        {m.user_id for m in specialists}, room_ids, _local(start, dt.time.min), _local(end, dt.time.min)
    )

    zone = timezone.get_current_timezone()
    first, others = specialists[0], specialists[1:]
    busy_people = [busy_person[m.user_id] for m in specialists]
    slots: list[Slot] = []
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        weekday = working_weekday(day, overrides)
        if weekday is None:
            continue
        other_blocks = [
            [(_local(day, b.starts, zone), _local(day, b.ends, zone)) for b in hours_by_member[m.pk].get(weekday, [])]
            for m in others
        ]
        for block in hours_by_member[first.pk].get(weekday, []):
            busy_room_of_block = busy_room.get(block.room_id)
            slot_start, block_end = _local(day, block.starts, zone), _local(day, block.ends, zone)
            while slot_start + length <= block_end:
                slot_end = slot_start + length
                if (
                    slot_start > now
                    and all(any(s <= slot_start and slot_end <= e for s, e in blocks) for blocks in other_blocks)
                    and not any(busy.overlaps(slot_start, slot_end) for busy in busy_people)
                    and not (busy_room_of_block and busy_room_of_block.overlaps(slot_start, slot_end))
                ):
                    slots.append(Slot(slot_start, slot_end, block.room_id))
                slot_start = slot_end
    return slots


def _block_holding(blocks: Iterable[_Block], starts_at: dt.datetime, ends_at: dt.datetime) -> _Block | None:
    """The first of one day's working blocks that holds this time, if any."""
    local_start, local_end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    day = local_start.date()
    if local_end.date() != day and local_end.time() != dt.time.min:
        return None
    end_time = local_end.time() if local_end.date() == day else dt.time.max
    return next((b for b in blocks if b.starts <= local_start.time() and b.ends >= end_time), None)


def _lock(model: type[Model], ids: Sequence[int]) -> None:
    """Lock these rows until the transaction ends, in id order (see _appointment_book)."""
    pk, table = model._meta.pk.column, model._meta.db_table
    sql = f"SELECT {pk} FROM {table} WHERE {pk} IN ({_placeholders(ids)}) ORDER BY {pk} FOR UPDATE"  # noqa: S608 (no user input)
    with connection.cursor() as cursor:
        cursor.execute(sql, ids)


def _taken(
    people: Sequence[int], room_id: int | None, child_id: int | None, starts_at: dt.datetime, ends_at: dt.datetime
) -> set[str]:
    """Which of "person", "room" and "child" already have an appointment at this time.

    One query, each part on its own index; a part whose id is None (no room, no child) matches
    nothing. A child is also taken by a session they take part in (Participant)."""
    starts, ends = connection.ops.adapt_datetimefield_value(starts_at), connection.ops.adapt_datetimefield_value(ends_at)
    cancelled = Appointment.Status.CANCELLED
    sql = f"""
        SELECT 'person' FROM scheduling_appointmentspecialist
        WHERE person_id IN ({_placeholders(people)}) AND is_active AND starts_at < %s AND ends_at > %s
        UNION ALL
        SELECT 'room' FROM scheduling_appointment
        WHERE room_id = %s AND status <> %s AND starts_at < %s AND ends_at > %s
        UNION ALL
        SELECT 'child' FROM scheduling_appointment
        WHERE child_id = %s AND status <> %s AND starts_at < %s AND ends_at > %s
        UNION ALL
        SELECT 'child' FROM scheduling_participant
        WHERE child_id = %s AND is_active AND starts_at < %s AND ends_at > %s
    """  # noqa: S608 (only placeholders are formatted in)
    with connection.cursor() as cursor:
        cursor.execute(
            sql,
            [*people, ends, starts, room_id, cancelled, ends, starts, child_id, cancelled, ends, starts, child_id, ends, starts],
        )
        return {kind for (kind,) in cursor.fetchall()}


def appointment_book(
    *,
    organization: Organization,
    specialists: Sequence[Membership],
    starts_at: dt.datetime,
    booked_by,
    minutes: int | None = None,
    child: Child | None = None,
    request=None,
    room: Room | None = None,
    is_online: bool = False,
    meeting_url: str = "",
    allow_past: bool = False,
    format: str = INDIVIDUAL_CONSULTATION,  # noqa: A002 (the model's field)
    capacity: int | None = None,
    kind: str = CONSULTATION,
) -> Appointment:
    """Book one appointment with one or several specialists, or raise a clear error.

    A losing race ends in SlotTaken with nothing written: the database's refusal rolls the
    whole booking back."""
    try:
        return _appointment_book(
            organization=organization,
            specialists=specialists,
            starts_at=starts_at,
            booked_by=booked_by,
            minutes=minutes,
            child=child,
            request=request,
            room=room,
            is_online=is_online,
            meeting_url=meeting_url,
            allow_past=allow_past,
            format=format,
            capacity=capacity,
            kind=kind,
        )
    except IntegrityError as exc:
        raise SlotTaken(_("This time was just taken. Please choose another."), code="slot_taken") from exc


@transaction.atomic
def _appointment_book(
    *,
    organization: Organization,
    specialists: Sequence[Membership],
    starts_at: dt.datetime,
    booked_by,
    minutes: int | None,
    child: Child | None,
    request,
    room: Room | None,
    is_online: bool,
    meeting_url: str,
    allow_past: bool,
    format: str,  # noqa: A002
    capacity: int | None,
    kind: str = CONSULTATION,
) -> Appointment:
    specialists = list(dict.fromkeys(specialists))
    if not specialists:
        raise ValidationError(_("Choose at least one specialist."), code="no_specialist")
    roles = RECEPTION_ROLES if kind == RECEPTION else CONSULTING_ROLES
    for m in specialists:
        if m.organization_id != organization.pk or not m.is_active or m.role not in roles:
            raise ValidationError(
                _("%(name)s does not consult at this organisation.") % {"name": m.person_name}, code="not_specialist"
            )
    if child is not None and child.organization_id != organization.pk:
        raise ValidationError(_("The child belongs to another organisation."), code="child_org")
    if room is not None and room.organization_id != organization.pk:
        raise ValidationError(_("The room belongs to another organisation."), code="room_org")
    if timezone.is_naive(starts_at):
        starts_at = timezone.make_aware(starts_at)
    if not allow_past and starts_at <= timezone.now():
        raise ValidationError(_("This time has already passed. Please choose a time in the future."), code="past")
    if is_online and not meeting_url:
        raise ValidationError(_("An online consultation needs a meeting link."), code="no_link")
    local_day = timezone.localdate(starts_at)
    blocks, point_minutes, overrides = _working_hours(organization.pk, [m.pk for m in specialists], local_day, kind)
    ends_at = starts_at + dt.timedelta(minutes=minutes or point_minutes)
    weekday = working_weekday(local_day, overrides)

    room_id = room.pk if room is not None else None
    for m in specialists:
        block = _block_holding((b for b in blocks if b.membership_id == m.pk and b.weekday == weekday), starts_at, ends_at)
        if block is None:
            raise ValidationError(
                _("%(name)s does not work at this time. Please choose a time from the schedule.") % {"name": m.person_name},
                code="outside_hours",
            )
        if room_id is None and not is_online:
            room_id = block.room_id

    people = sorted({m.user_id for m in specialists})
    if connection.features.has_select_for_update:
        # Bookings that could clash queue up here, always in the same order (people, room,
        # child), so the check below sees every committed booking. Without it, concurrent
        # inserts wait on each other inside the exclusion constraints and PostgreSQL breaks the
        # cycle with a deadlock error. (SQLite has no row locks; its IMMEDIATE transactions
        # let one writer at a time through already.)
        _lock(get_user_model(), people)
        if room_id is not None:
            _lock(Room, [room_id])
        if child is not None:
            _lock(Child, [child.pk])

    # Clear answers first; the constraints below catch whatever slips between check and insert.
    taken = _taken(people, room_id, child.pk if child is not None else None, starts_at, ends_at)
    if "person" in taken:
        raise SlotTaken(_("This time was just taken. Please choose another."), code="slot_taken")
    if "room" in taken:
        raise SlotTaken(_("The room is taken at this time. Please choose another time."), code="room_taken")
    if "child" in taken:
        raise SlotTaken(_("The child already has an appointment at this time."), code="child_taken")

    if meeting_url:
        # Everything else was checked above; the link is the one free text left to validate.
        try:
            Appointment._meta.get_field("meeting_url").clean(meeting_url, None)
        except ValidationError as exc:
            raise ValidationError({"meeting_url": exc.error_list}) from exc
    appointment = Appointment(
        organization=organization,
        request=request,
        starts_at=starts_at,
        ends_at=ends_at,
        room_id=room_id,
        child=child,
        is_online=is_online,
        meeting_url=meeting_url,
        booked_by=booked_by,
        format=format,
        capacity=capacity,
    )
    appointment.save()
    AppointmentSpecialist.objects.bulk_create(
        AppointmentSpecialist(appointment=appointment, membership=m, person_id=m.user_id, starts_at=starts_at, ends_at=ends_at)
        for m in specialists
    )
    return appointment


@transaction.atomic
def appointment_set_status(*, appointment: Appointment, status: str) -> Appointment:
    """Mark an appointment held, missed or cancelled; a cancelled one frees its time (and its
    participants' places: a child may then take another session at that time)."""
    appointment.status = status
    appointment.save(update_fields=["status"])
    active = status != Appointment.Status.CANCELLED
    AppointmentSpecialist.objects.filter(appointment=appointment).update(is_active=active)
    if appointment.capacity is not None:
        # The waiting list holds no places, whether the session is cancelled or not.
        participants = Participant.objects.filter(appointment=appointment).exclude(
            status__in=[Participant.Status.REMOVED, Participant.Status.WAITING]
        )
        participants.update(is_active=active)
    return appointment


def specialists_for_roles(organization_id: int, roles: Iterable[str]) -> list[Membership]:
    """Active specialists of the organisation holding any of `roles`."""
    return list(Membership.objects.consultants(organization_id, roles))
