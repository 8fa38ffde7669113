"""Free slots and conflict-free booking.

The database is the last word on overlaps (PostgreSQL exclusion constraints; on SQLite every
write transaction is IMMEDIATE, so the check below and the insert cannot interleave). The
checks here exist to give the user a clear answer before the database has to.
"""

from __future__ import annotations

import bisect
import datetime as dt
from collections import defaultdict
from collections.abc import Iterable, Sequence
from dataclasses import dataclass

from django.conf import settings
from django.contrib.auth import get_user_model
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qamqor.families.models import Child
from qamqor.orgs.models import ConsultationPoint, Membership, Organization, Room
from qamqor.orgs.roles import CONSULTING_ROLES
from qamqor.scheduling.calendar import organization_overrides, working_weekday
from qamqor.scheduling.models import Appointment, AppointmentSpecialist, WorkingHours


class SlotTaken(ValidationError):
    """Someone else holds this time: a clear message for the user, nothing written."""


@dataclass(frozen=True)
class Slot:
    starts_at: dt.datetime
    ends_at: dt.datetime
    room_id: int | None


def slot_minutes_for(organization_id: int) -> int:
    minutes = ConsultationPoint.objects.filter(organization_id=organization_id).values_list("slot_minutes", flat=True).first()
    return minutes or settings.QAMQOR_DEFAULT_SLOT_MINUTES


def _local(day: dt.date, time: dt.time) -> dt.datetime:
    """Local wall-clock time as a UTC datetime: comparisons among UTC datetimes are cheap."""
    return timezone.make_aware(dt.datetime.combine(day, time)).astimezone(dt.UTC)


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


def free_slots(
    *,
    specialists: Sequence[Membership],
    start: dt.date,
    days: int = 14,
    minutes: int | None = None,
    now: dt.datetime | None = None,
) -> list[Slot]:
    """Times when every one of `specialists` works and nobody (nor the room) is booked.

    Four queries whatever the range: working hours, the organisation's own days, the
    specialists' appointments, the rooms' appointments."""
    if not specialists:
        return []
    organization_id = specialists[0].organization_id
    minutes = minutes or slot_minutes_for(organization_id)
    length = dt.timedelta(minutes=minutes)
    now = (now or timezone.now()).astimezone(dt.UTC)
    end = start + dt.timedelta(days=days)
    membership_ids = [m.pk for m in specialists]

    hours_by_member: dict[int, dict[int, list[WorkingHours]]] = defaultdict(lambda: defaultdict(list))
    room_ids: set[int] = set()
    for block in WorkingHours.objects.filter(membership_id__in=membership_ids).order_by("starts"):
        hours_by_member[block.membership_id][block.weekday].append(block)
        if block.room_id:
            room_ids.add(block.room_id)
    if any(m.pk not in hours_by_member for m in specialists):
        return []
    overrides = organization_overrides(organization_id, start, end)
    range_start, range_end = _local(start, dt.time.min), _local(end, dt.time.min)

    person_ids = {m.user_id for m in specialists}
    busy_person: dict[int, _Busy] = defaultdict(_Busy)
    by_person = defaultdict(list)
    for person_id, s, e in AppointmentSpecialist.objects.filter(
        person_id__in=person_ids, is_active=True, starts_at__lt=range_end, ends_at__gt=range_start
    ).values_list("person_id", "starts_at", "ends_at"):
        by_person[person_id].append((s, e))
    for person_id, intervals in by_person.items():
        busy_person[person_id].add_all(intervals)
    busy_room: dict[int, _Busy] = defaultdict(_Busy)
    if room_ids:
        by_room = defaultdict(list)
        for room_id, s, e in (
            Appointment.objects.active()
            .filter(room_id__in=room_ids, starts_at__lt=range_end, ends_at__gt=range_start)
            .values_list("room_id", "starts_at", "ends_at")
        ):
            by_room[room_id].append((s, e))
        for room_id, intervals in by_room.items():
            busy_room[room_id].add_all(intervals)

    first, others = specialists[0], specialists[1:]
    slots: list[Slot] = []
    for offset in range(days):
        day = start + dt.timedelta(days=offset)
        weekday = working_weekday(day, overrides)
        if weekday is None:
            continue
        other_blocks = [
            [(_local(day, b.starts), _local(day, b.ends)) for b in hours_by_member[m.pk].get(weekday, [])] for m in others
        ]
        for block in hours_by_member[first.pk].get(weekday, []):
            slot_start, block_end = _local(day, block.starts), _local(day, block.ends)
            while slot_start + length <= block_end:
                slot_end = slot_start + length
                if (
                    slot_start > now
                    and all(any(s <= slot_start and slot_end <= e for s, e in blocks) for blocks in other_blocks)
                    and not any(busy_person[m.user_id].overlaps(slot_start, slot_end) for m in specialists)
                    and not (block.room_id and busy_room[block.room_id].overlaps(slot_start, slot_end))
                ):
                    slots.append(Slot(slot_start, slot_end, block.room_id))
                slot_start = slot_end
    return slots


def working_block_for(membership: Membership, starts_at: dt.datetime, ends_at: dt.datetime) -> WorkingHours | None:
    """The specialist's working block that holds this time on that day, if any."""
    local_start, local_end = timezone.localtime(starts_at), timezone.localtime(ends_at)
    day = local_start.date()
    if local_end.date() != day and local_end.time() != dt.time.min:
        return None
    weekday = working_weekday(day, organization_overrides(membership.organization_id, day, day))
    if weekday is None:
        return None
    end_time = local_end.time() if local_end.date() == day else dt.time.max
    return (
        WorkingHours.objects.filter(membership=membership, weekday=weekday, starts__lte=local_start.time(), ends__gte=end_time)
        .select_related("room")
        .first()
    )


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
) -> Appointment:
    specialists = list(dict.fromkeys(specialists))
    if not specialists:
        raise ValidationError(_("Choose at least one specialist."), code="no_specialist")
    for m in specialists:
        if m.organization_id != organization.pk or not m.is_active or m.role not in CONSULTING_ROLES:
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
    ends_at = starts_at + dt.timedelta(minutes=minutes or slot_minutes_for(organization.pk))

    blocks = []
    for m in specialists:
        block = working_block_for(m, starts_at, ends_at)
        if block is None:
            raise ValidationError(
                _("%(name)s does not work at this time. Please choose a time from the schedule.") % {"name": m.person_name},
                code="outside_hours",
            )
        blocks.append(block)
    if room is None and not is_online:
        room = next((b.room for b in blocks if b.room_id), None)

    # Bookings that could clash queue up here, always in the same order (people, room, child), so
    # the check below sees every committed booking. Without it, concurrent inserts wait on each
    # other inside the exclusion constraints and PostgreSQL breaks the cycle with a deadlock error.
    people = sorted({m.user_id for m in specialists})
    list(get_user_model().objects.select_for_update().filter(pk__in=people).order_by("pk").values_list("pk", flat=True))
    if room is not None:
        list(Room.objects.select_for_update().filter(pk=room.pk).values_list("pk", flat=True))
    if child is not None:
        list(Child.objects.select_for_update().filter(pk=child.pk).values_list("pk", flat=True))

    # Clear answers first; the constraints below catch whatever slips between check and insert.
    if AppointmentSpecialist.objects.filter(
        person_id__in=people, is_active=True, starts_at__lt=ends_at, ends_at__gt=starts_at
    ).exists():
        raise SlotTaken(_("This time was just taken. Please choose another."), code="slot_taken")
    overlapping = Appointment.objects.active().overlapping(starts_at, ends_at)
    if room is not None and overlapping.filter(room=room).exists():
        raise SlotTaken(_("The room is taken at this time. Please choose another time."), code="room_taken")
    if child is not None and overlapping.filter(child=child).exists():
        raise SlotTaken(_("The child already has an appointment at this time."), code="child_taken")

    appointment = Appointment(
        organization=organization,
        request=request,
        starts_at=starts_at,
        ends_at=ends_at,
        room=room,
        child=child,
        is_online=is_online,
        meeting_url=meeting_url,
        booked_by=booked_by,
    )
    # The service checked organisation, room, child and times above; only the link remains.
    appointment.full_clean(
        exclude=["organization", "request", "room", "child", "booked_by", "starts_at", "ends_at"], validate_constraints=False
    )
    appointment.save()
    AppointmentSpecialist.objects.bulk_create(
        AppointmentSpecialist(appointment=appointment, membership=m, person_id=m.user_id, starts_at=starts_at, ends_at=ends_at)
        for m in specialists
    )
    return appointment


@transaction.atomic
def appointment_set_status(*, appointment: Appointment, status: str) -> Appointment:
    """Mark an appointment held, missed or cancelled; a cancelled one frees its time."""
    appointment.status = status
    appointment.save(update_fields=["status"])
    AppointmentSpecialist.objects.filter(appointment=appointment).update(is_active=status != Appointment.Status.CANCELLED)
    return appointment


def specialists_for_roles(organization_id: int, roles: Iterable[str]) -> list[Membership]:
    """Active specialists of the organisation holding any of `roles`."""
    return list(Membership.objects.consultants(organization_id, roles))
