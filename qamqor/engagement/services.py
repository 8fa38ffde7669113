"""Every write of events, registrations, attendance and ideas.

Places are never over-given: each sign-up and each cancellation locks its event's row first
(PostgreSQL `SELECT … FOR UPDATE`; on SQLite every write transaction is IMMEDIATE, one writer
at a time), so counting the places taken and writing the new registration cannot interleave
with another sign-up for the same event. The waiting list's order is the order of arrival.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qamqor.core.validators import normalize_phone
from qamqor.engagement.models import Event, Idea, Registration
from qamqor.engagement.signals import registration_promoted
from qamqor.families.models import Parent
from qamqor.orgs.models import Organization
from qamqor.portal.models import ApplicationAttempt

# The public site's limits, kept in the same table as its applications and questions
# (portal.services): one mechanism for every form a visitor can send.
from qamqor.portal.services import AttemptLimit, attempt_hash, attempts_count

IDEAS_PER_ADDRESS = 5
SIGNUPS_PER_ADDRESS = 10


def _field_error(field: str, message: str, code: str) -> ValidationError:
    """An error the form shows at its field, with a code the tests and callers can tell apart."""
    return ValidationError({field: ValidationError(message, code=code)})


class SignUpRefused(ValidationError):
    """The event takes no sign-up now (past, cancelled, full): nothing was written."""

    http_status = 409  # core.forms.add_refusal


# --- Events


EVENT_FIELDS = (
    "kind",
    "title_kk",
    "title_ru",
    "description_kk",
    "description_ru",
    "starts_at",
    "ends_at",
    "place",
    "is_online",
    "meeting_url",
    "audience",
    "capacity",
    "waiting_list",
    "organizer",
)


def _check_organizers(event: Event, parents: Iterable[Parent]) -> list[Parent]:
    parents = list(parents)
    if any(p.organization_id != event.organization_id for p in parents):
        raise _field_error("parent_organizers", _("The parent belongs to another organisation."), "parent_org")
    if event.organizer == Event.Organizer.PARENTS and not parents:
        raise _field_error("parent_organizers", _("Name the parents who organise the event."), "no_parent_organizers")
    return parents if event.organizer == Event.Organizer.PARENTS else []


def _event_save(event: Event, parent_organizers: Iterable[Parent]) -> Event:
    for name in ("starts_at", "ends_at"):
        value = getattr(event, name)
        if value is not None and timezone.is_naive(value):
            setattr(event, name, timezone.make_aware(value))
    event.full_clean()
    parents = _check_organizers(event, parent_organizers)
    event.save()
    event.parent_organizers.set(parents)
    return event


@transaction.atomic
def event_create(*, organization: Organization, by, parent_organizers: Iterable[Parent] = (), **fields) -> Event:
    """A new planned event. Its start may not be in the past: an event held earlier is not
    planned but recorded, which the back office does by editing it after the fact."""
    unknown = set(fields) - set(EVENT_FIELDS)
    if unknown:
        raise TypeError(f"unknown event fields: {sorted(unknown)}")
    event = Event(organization=organization, created_by=by, **fields)
    if event.starts_at is not None and event.starts_at <= timezone.now():
        raise _field_error("starts_at", _("The start has already passed. Please choose a time in the future."), "past")
    return _event_save(event, parent_organizers)


@transaction.atomic
def event_update(*, event: Event, parent_organizers: Iterable[Parent] = (), **fields) -> Event:
    """Change an event's details. Fewer places than the families already registered is refused:
    nobody loses a place they were given."""
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(_("The event is cancelled and can no longer be changed."), code="cancelled")
    for name, value in fields.items():
        if name not in EVENT_FIELDS:
            raise TypeError(f"unknown event field: {name}")
        setattr(event, name, value)
    taken = event.registrations.holding_places().count()
    if event.capacity is not None and event.capacity < taken:
        raise _field_error(
            "capacity",
            _("%(n)s families are already registered: the places cannot be fewer.") % {"n": taken},
            "capacity_below_registered",
        )
    event = _event_save(event, parent_organizers)
    _promote(event)  # more places than before: the waiting list moves up
    return event


@transaction.atomic
def event_cancel(*, event: Event) -> Event:
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status == Event.Status.HELD:
        raise ValidationError(_("The event has been held and cannot be cancelled."), code="held")
    event.status = Event.Status.CANCELLED
    event.save(update_fields=["status"])
    return event


@transaction.atomic
def event_mark_held(*, event: Event) -> Event:
    event = Event.objects.select_for_update().get(pk=event.pk)
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(_("A cancelled event cannot be marked as held."), code="cancelled")
    if event.starts_at > timezone.now():
        raise ValidationError(_("The event has not started yet."), code="future")
    event.status = Event.Status.HELD
    event.save(update_fields=["status"])
    return event


# --- Registrations


def _locked(event: Event) -> Event:
    """The event's row, locked until the transaction ends: sign-ups for one event queue here."""
    return Event.objects.select_for_update().get(pk=event.pk)


def _parent_with_phone(organization_id: int, phone: str) -> Parent | None:
    if not phone:
        return None
    return Parent.objects.consenting().filter(organization_id=organization_id, phone=phone).order_by("pk").first()


def _clean_person(full_name: str, phone: str, *, phone_required: bool) -> tuple[str, str]:
    full_name = " ".join(full_name.split())
    if not full_name:
        raise _field_error("full_name", _("Write your name."), "no_name")
    phone = phone.strip()
    if phone:
        try:
            phone = normalize_phone(phone)
        except ValidationError as exc:
            raise ValidationError({"phone": exc.error_list}) from exc
    elif phone_required:
        raise _field_error("phone", _("Write your phone number."), "no_phone")
    return full_name, phone


def _already_signed_up() -> ValidationError:
    return _field_error("phone", _("This phone number is already signed up for this event."), "already_registered")


def registration_create(
    *, event: Event, full_name: str, phone: str, by=None, client_address: str = "", now: dt.datetime | None = None
) -> Registration:
    """Sign one family up: a place while there is one, else a turn on the waiting list.

    `by` is the staff member who registers the parent; None when the parent signs up on the
    public site (then `client_address` is counted against the site's limit)."""
    try:
        return _registration_create(event=event, full_name=full_name, phone=phone, by=by, client_address=client_address, now=now)
    except IntegrityError as exc:
        # Only the one-phone-per-event constraint can fail here: the event's lock keeps two
        # sign-ups of one event apart, so this means a row we did not see (a walk-around write).
        raise _already_signed_up() from exc


@transaction.atomic
def _registration_create(*, event: Event, full_name: str, phone: str, by, client_address: str, now) -> Registration:
    full_name, phone = _clean_person(full_name, phone, phone_required=True)
    event = _locked(event)
    # The time of arrival is read once the lock is ours: the waiting list's order is then the
    # order in which sign-ups got through, the same order the places were given in.
    now = now or timezone.now()
    if event.status == Event.Status.CANCELLED:
        raise SignUpRefused(_("The event is cancelled: sign-up is closed."), code="cancelled")
    if event.status == Event.Status.HELD or event.starts_at <= now:
        raise SignUpRefused(_("The event has already started: sign-up is closed."), code="past")
    if event.registrations.present().filter(phone=phone).exists():
        raise _already_signed_up()
    status = Registration.Status.REGISTERED
    if event.capacity is not None and event.registrations.holding_places().count() >= event.capacity:
        if not event.waiting_list:
            raise SignUpRefused(_("All places are taken and the event keeps no waiting list."), code="full")
        status = Registration.Status.WAITING
    if by is None:
        attempts_count(
            [
                AttemptLimit(
                    ApplicationAttempt.Kind.ADDRESS,
                    attempt_hash("event-signup-address", client_address),
                    SIGNUPS_PER_ADDRESS,
                    _("Too many sign-ups have been sent from this device in the last hour. Please try again later."),
                    "too_many_signups",
                )
            ],
            now=now,
        )
    registration = Registration(
        event=event,
        parent=_parent_with_phone(event.organization_id, phone),
        full_name=full_name,
        phone=phone,
        status=status,
        registered_at=now,
        registered_by=by,
    )
    registration.full_clean()
    registration.save()
    return registration


def _promote(event: Event) -> list[Registration]:
    """Give the free places to the waiting list, first come first served. The caller holds the
    event's lock."""
    if event.capacity is None:
        free = None
    else:
        free = event.capacity - event.registrations.holding_places().count()
        if free <= 0:
            return []
    waiting = event.registrations.waiting_in_order()
    promoted = list(waiting if free is None else waiting[:free])
    for registration in promoted:
        registration.status = Registration.Status.REGISTERED
        registration.save(update_fields=["status"])
        registration_promoted.send(sender=Registration, registration=registration)
    return promoted


@dataclass(frozen=True)
class Cancelled:
    registration: Registration
    promoted: list[Registration]  # who got the freed place (nobody, or the first waiting)


@transaction.atomic
def registration_cancel(*, registration: Registration, now: dt.datetime | None = None) -> Cancelled:
    """Give a place (or a turn on the waiting list) back; the first one waiting gets the place."""
    now = now or timezone.now()
    event = _locked(registration.event)
    registration = Registration.objects.select_related("event").get(pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED:
        raise ValidationError(_("This registration is already cancelled."), code="already_cancelled")
    if event.status != Event.Status.PLANNED or event.starts_at <= now:
        raise ValidationError(
            _("The event has already started or is over: the registration cannot be cancelled now."), code="past"
        )
    registration.status = Registration.Status.CANCELLED
    registration.cancelled_at = now
    registration.save(update_fields=["status", "cancelled_at"])
    return Cancelled(registration, _promote(event))


@transaction.atomic
def registration_walk_in(*, event: Event, full_name: str, phone: str = "", by) -> Registration:
    """Someone came without signing up: recorded as present, at the door. A walk-in takes no
    place booked in advance, so the capacity (of sign-ups) is not asked."""
    full_name, phone = _clean_person(full_name, phone, phone_required=False)
    event = _locked(event)
    if event.status == Event.Status.CANCELLED:
        raise ValidationError(_("The event is cancelled."), code="cancelled")
    if phone and event.registrations.present().filter(phone=phone).exists():
        raise _field_error(
            "phone", _("This phone number is already on the list: mark them as present there."), "already_registered"
        )
    registration = Registration(
        event=event,
        parent=_parent_with_phone(event.organization_id, phone),
        full_name=full_name,
        phone=phone,
        status=Registration.Status.WALK_IN,
        registered_by=by,
        attended=True,
    )
    registration.full_clean()
    registration.save()
    return registration


@transaction.atomic
def registration_set_attended(*, registration: Registration, attended: bool) -> Registration:
    """Mark whether the person came. Anyone on the list may come, the waiting list too (a place
    freed at the last minute); a cancelled registration is not on the list."""
    registration = Registration.objects.select_for_update().select_related("event").get(pk=registration.pk)
    if registration.status == Registration.Status.CANCELLED:
        raise ValidationError(_("This registration is cancelled."), code="cancelled")
    if registration.event.status == Event.Status.CANCELLED:
        raise ValidationError(_("The event is cancelled."), code="event_cancelled")
    registration.attended = attended
    registration.save(update_fields=["attended"])
    return registration


# --- Ideas


@transaction.atomic
def idea_submit(*, organization: Organization, text: str, client_address: str, name: str = "", language: str = "kk") -> Idea:
    """A parent's proposal from the public site, limited per device like the site's questions."""
    text = text.strip()
    if not text:
        raise _field_error("text", _("Write your idea."), "no_text")
    now = timezone.now()
    attempts_count(
        [
            AttemptLimit(
                ApplicationAttempt.Kind.ADDRESS,
                attempt_hash("idea-address", client_address),
                IDEAS_PER_ADDRESS,
                _("Too many ideas have been sent from this device in the last hour. Please try again later."),
                "too_many_ideas",
            )
        ],
        now=now,
    )
    idea = Idea(
        organization=organization,
        text=text,
        name=" ".join(name.split()),
        language=language if language in {"kk", "ru"} else "kk",
        submitted_at=now,
    )
    idea.full_clean()
    idea.save()
    return idea


@transaction.atomic
def idea_set_status(*, idea: Idea, status: str, note: str = "", by) -> Idea:
    if status not in Idea.Status.values:
        raise _field_error("status", _("Choose a status from the list."), "status")
    idea.status = status
    idea.staff_note = note.strip()
    idea.decided_at = timezone.now()
    idea.decided_by = by
    idea.full_clean()
    idea.save(update_fields=["status", "staff_note", "decided_at", "decided_by"])
    return idea
