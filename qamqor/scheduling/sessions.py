"""Sessions of the consultation point's forms of work (seed 001 §6) and their participants.

A session is an Appointment with a format and a number of places: it is booked by
appointment_book(), so the specialists' hours and the no-overlap rules for specialists and rooms
are those of every booking. Its participants (children and/or parents) are added here, with the
rules of the format (formats.py):

- the places are never exceeded: on PostgreSQL the session's row is locked while its places
  are counted; on SQLite every write transaction is IMMEDIATE (one writer at a time);
- a child is never in two overlapping sessions nor in a session and a one-family appointment:
  the child's row is locked (as appointment_book() does), both are checked, and on PostgreSQL an
  exclusion constraint refuses what slips through (migration 0004);
- a child in a format that requires the parent (seed 001 §3.10) comes with the parent, recorded
  as attending;
- a full session keeps a waiting list when asked to (`wait_if_full`): a waiting participant holds
  no place; when a place frees (a participant removed or withdrawn), the first in the order of
  arrival gets it, under the same row lock that counts the places (_promote).
A refusal is a ValidationError with a clear message; nothing is written.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Sequence

from django.core.exceptions import ValidationError
from django.db import IntegrityError, connection, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qamqor.families.models import Child, Parent
from qamqor.orgs.models import Membership, Organization, Room
from qamqor.scheduling.formats import FORMATS
from qamqor.scheduling.models import Appointment, Participant
from qamqor.scheduling.services import SlotTaken, _lock, appointment_book
from qamqor.scheduling.signals import participant_promoted


class SessionFull(ValidationError):
    """No place left: a clear message, nothing written."""

    http_status = 409  # core.forms.add_refusal


def session_schedule(
    *,
    organization: Organization,
    format: str,  # noqa: A002 (the model's field)
    specialists: Sequence[Membership],
    starts_at: dt.datetime,
    booked_by,
    minutes: int | None = None,
    room: Room | None = None,
    capacity: int | None = None,
    meeting_url: str = "",
    public_sign_up: bool = False,
) -> Appointment:
    """Schedule a session of a format with one or several specialists, or raise a clear error.
    `public_sign_up` opens it at once to parents' sign-up on the public site."""
    rules = FORMATS.get(format)
    if rules is None:
        raise ValidationError({"format": _("Choose a format of work from the list.")}, code="format")
    if capacity is None:
        capacity = rules.max_places
    if not rules.min_places <= capacity <= rules.max_places:
        if rules.min_places == rules.max_places:
            message = _("%(format)s takes exactly %(max)s participant.") % {"format": rules.label, "max": rules.max_places}
        else:
            message = _("%(format)s takes from %(min)s to %(max)s participants.") % {
                "format": rules.label,
                "min": rules.min_places,
                "max": rules.max_places,
            }
        raise ValidationError({"capacity": message}, code="capacity")
    if rules.online and not meeting_url:
        raise ValidationError({"meeting_url": _("An online session needs a meeting link.")}, code="no_link")
    if not rules.online and meeting_url:
        raise ValidationError({"meeting_url": _("Only an online session has a meeting link.")}, code="link_offline")
    if public_sign_up:
        _check_can_open(rules)
    with transaction.atomic():
        session = appointment_book(
            organization=organization,
            specialists=specialists,
            starts_at=starts_at,
            booked_by=booked_by,
            minutes=minutes,
            room=room,
            is_online=rules.online,
            meeting_url=meeting_url,
            format=format,
            capacity=capacity,
        )
        if public_sign_up:
            session.public_sign_up = True
            session.save(update_fields=["public_sign_up"])
    return session


def _check_can_open(rules) -> None:
    if rules.is_individual:
        raise ValidationError(
            {"public_sign_up": _("Individual work is booked as a consultation: only a group session is opened to sign-up.")},
            code="individual",
        )


@transaction.atomic
def session_set_public(*, session: Appointment, public: bool) -> Appointment:
    """Open a session to parents' sign-up on the public site, or close it (the places already
    taken stay taken). Only a group session that has not started and is not cancelled opens."""
    session = Appointment.objects.select_for_update().get(pk=session.pk)
    if not session.is_session:
        raise ValidationError(_("This appointment is booked for one family; it cannot be opened to sign-up."), code="not_session")
    if public:
        _check_can_open(session.rules)
        if session.status == Appointment.Status.CANCELLED:
            raise ValidationError(_("The session is cancelled."), code="cancelled")
        if session.starts_at <= timezone.now():
            raise ValidationError(_("The session has already started: it can no longer be opened to sign-up."), code="started")
    if session.public_sign_up != public:
        session.public_sign_up = public
        session.save(update_fields=["public_sign_up"])
    return session


def participant_add(
    *,
    session: Appointment,
    by,
    child: Child | None = None,
    parent: Parent | None = None,
    parent_present: bool = False,
    wait_if_full: bool = False,
) -> Participant:
    """Add a child and/or a parent to a session, or raise a clear error (nothing written). With
    `wait_if_full`, a full session puts them on its waiting list instead of refusing."""
    try:
        return _participant_add(
            session=session, by=by, child=child, parent=parent, parent_present=parent_present, wait_if_full=wait_if_full
        )
    except IntegrityError as exc:
        # Only a concurrent write can get here (the checks below saw the committed ones).
        raise SlotTaken(_("The child already has another session at this time."), code="child_taken") from exc


@transaction.atomic
def _participant_add(
    *, session: Appointment, by, child: Child | None, parent: Parent | None, parent_present: bool, wait_if_full: bool = False
) -> Participant:
    if not session.is_session:
        raise ValidationError(
            _("This appointment is booked for one family; schedule a session to add participants."), code="not_session"
        )
    rules = session.rules
    if child is None and parent is None:
        raise ValidationError(_("Choose a child or a parent."), code="nobody")
    if rules.for_children and child is None:
        raise ValidationError({"child": _("This format is work with children: choose a child.")}, code="no_child")
    if child is not None and child.organization_id != session.organization_id:
        raise ValidationError({"child": _("The child belongs to another organisation.")}, code="child_org")
    if parent is not None and parent.organization_id != session.organization_id:
        raise ValidationError({"parent": _("The parent belongs to another organisation.")}, code="parent_org")
    if child is not None and parent is not None and child.parent_id != parent.pk:
        raise ValidationError({"parent": _("This is not the child's parent.")}, code="not_parent")
    if rules.parent_required:
        if parent is None and child is not None:
            parent = child.parent
        if child is not None and not parent_present:
            message = _("In this format a child takes part only with the parent present: mark that the parent attends.")
            raise ValidationError({"parent_present": message}, code="parent_absent")
        if child is None:
            parent_present = True  # the parent is the participant

    if connection.features.has_select_for_update:
        # The session's row first, then the child's (the order appointment_book() keeps for the
        # child): concurrent adds queue here and each counts what the previous one committed.
        _lock(Appointment, [session.pk])
        if child is not None:
            _lock(Child, [child.pk])
    session.refresh_from_db(fields=["status", "starts_at", "ends_at", "capacity"])
    if session.status == Appointment.Status.CANCELLED:
        raise ValidationError(_("The session is cancelled."), code="cancelled")

    present = Participant.objects.active().filter(appointment=session)
    if child is not None and present.filter(child=child).exists():
        raise ValidationError({"child": _("The child is already in this session.")}, code="duplicate")
    if child is None and present.filter(parent=parent, child__isnull=True).exists():
        raise ValidationError({"parent": _("The parent is already in this session.")}, code="duplicate")
    waiting = Participant.objects.waiting_in_order().filter(appointment=session)
    if (child is not None and waiting.filter(child=child).exists()) or (
        child is None and waiting.filter(parent=parent, child__isnull=True).exists()
    ):
        raise ValidationError(_("You are already on this session's waiting list."), code="already_waiting")
    full = present.count() >= session.capacity
    if full and not wait_if_full:
        raise SessionFull(_("There are no places left in this session."), code="full")
    if child is not None and _child_busy(child, session):
        raise SlotTaken(_("The child already has another session at this time."), code="child_taken")

    participant = Participant(
        appointment=session,
        child=child,
        parent=parent,
        parent_present=parent_present,
        starts_at=session.starts_at,
        ends_at=session.ends_at,
        added_by=by,
        # Read once the lock is ours: the waiting list's order is the order sign-ups got through.
        added_at=timezone.now(),
    )
    if full:
        participant.status, participant.is_active = Participant.Status.WAITING, False
    participant.full_clean(exclude=["appointment", "child", "parent", "added_by"])
    participant.save()
    return participant


def _child_busy(child: Child, session: Appointment) -> bool:
    """Has the child another active session or appointment overlapping this one?"""
    in_appointments = (
        Appointment.objects.active().filter(child=child).overlapping(session.starts_at, session.ends_at).exclude(pk=session.pk)
    )
    in_sessions = (
        Participant.objects.active()
        .filter(child=child, starts_at__lt=session.ends_at, ends_at__gt=session.starts_at)
        .exclude(appointment=session)
    )
    return in_appointments.exists() or in_sessions.exists()


@transaction.atomic
def participant_remove(*, participant: Participant) -> Participant:
    """Take a participant off the session (or off its waiting list): the place frees and goes to
    the first one waiting; the row stays (who was there when). The session's row is locked
    first, as a sign-up locks it, so the place is counted and given in one step."""
    if connection.features.has_select_for_update:
        _lock(Appointment, [participant.appointment_id])
    participant.status = Participant.Status.REMOVED
    participant.is_active = False
    participant.save(update_fields=["status", "is_active"])
    _promote(Appointment.objects.get(pk=participant.appointment_id))
    return participant


def _promote(session: Appointment) -> list[Participant]:
    """Give the free places to the waiting list, first come first served; the caller holds the
    session's lock. A cancelled or started session gives no place. One waiting whose child has
    since got another session at that time keeps their turn and is passed over."""
    if session.status == Appointment.Status.CANCELLED or session.starts_at <= timezone.now():
        return []
    free = session.capacity - Participant.objects.active().filter(appointment=session).count()
    promoted: list[Participant] = []
    for candidate in Participant.objects.waiting_in_order().filter(appointment=session).select_related("child"):
        if len(promoted) >= free:
            break
        if candidate.child_id is not None:
            if connection.features.has_select_for_update:
                _lock(Child, [candidate.child_id])
            if _child_busy(candidate.child, session):
                continue
        candidate.status, candidate.is_active = Participant.Status.REGISTERED, True
        candidate.starts_at, candidate.ends_at = session.starts_at, session.ends_at
        candidate.save(update_fields=["status", "is_active", "starts_at", "ends_at"])
        participant_promoted.send(sender=Participant, participant=candidate)
        promoted.append(candidate)
    return promoted


@transaction.atomic
def participant_withdraw(*, participant: Participant) -> Participant:
    """The family gives its place back (the parent's private link) before the session starts:
    the place frees for others. The session's row is locked first, as a sign-up locks it."""
    if connection.features.has_select_for_update:
        _lock(Appointment, [participant.appointment_id])
    participant = Participant.objects.select_related("appointment").get(pk=participant.pk)
    if not participant.is_active and participant.status != Participant.Status.WAITING:
        raise ValidationError(_("This place is already cancelled."), code="removed")
    if participant.appointment.starts_at <= timezone.now():
        raise ValidationError(_("The session has already started: the place can no longer be cancelled."), code="started")
    return participant_remove(participant=participant)


@transaction.atomic
def participant_set_status(*, participant: Participant, status: str) -> Participant:
    """Mark attendance: came, did not come, or back to registered."""
    if status not in {Participant.Status.REGISTERED, Participant.Status.ATTENDED, Participant.Status.ABSENT}:
        raise ValidationError(_("Choose came or did not come."), code="status")
    if participant.appointment.status == Appointment.Status.CANCELLED:
        raise ValidationError(_("The session is cancelled."), code="cancelled")
    if participant.status == Participant.Status.WAITING:
        raise ValidationError(_("This participant is on the waiting list."), code="waiting")
    if not participant.is_active:
        raise ValidationError(_("This participant was removed from the session."), code="removed")
    participant.status = status
    participant.save(update_fields=["status"])
    return participant
