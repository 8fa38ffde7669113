"""Every write to the request journal: intake, phone answers, routing, booking, closing.

Each status change is explicit and kept (StatusChange) with who made it and when.
"""

from __future__ import annotations

import datetime as dt
from collections.abc import Mapping, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qamqor.core.academic_year import academic_year_of
from qamqor.families.models import Child, Parent
from qamqor.journal.hooks import completion_extensions
from qamqor.journal.models import Channel, JournalCounter, Request, Status, StatusChange, Topic
from qamqor.orgs.models import Membership, Organization, Room
from qamqor.scheduling.models import Appointment
from qamqor.scheduling.services import appointment_book, appointment_set_status, specialists_for_roles

# Seed 001 §3.7: help by phone when it needs no more than 15 minutes.
PHONE_ANSWER_MAX_MINUTES = 15


def _set_status(request: Request, to_status: str, *, by, note: str = "") -> None:
    if to_status not in request.allowed_next():
        raise ValidationError(
            _("A request that is %(current)s cannot become %(new)s.")
            % {"current": request.get_status_display(), "new": Status(to_status).label},
            code="bad_transition",
        )
    StatusChange.objects.create(request=request, from_status=request.status, to_status=to_status, changed_by=by, note=note)
    request.status = to_status
    if to_status in (Status.DONE, Status.CANCELLED):
        request.closed_at = timezone.now()
        request.closed_by = by
    request.save()


def _next_number(organization: Organization, academic_year: int) -> int:
    """The next journal number, with the counter row locked until our transaction ends."""
    JournalCounter.objects.bulk_create(
        [JournalCounter(organization=organization, academic_year=academic_year)], ignore_conflicts=True
    )
    counter = JournalCounter.objects.select_for_update().get(organization=organization, academic_year=academic_year)
    counter.last_number += 1
    counter.save(update_fields=["last_number"])
    return counter.last_number


@transaction.atomic
def request_intake(
    *,
    organization: Organization,
    channel: str,
    parent: Parent,
    topic: Topic,
    question: str,
    received_by,
    child: Child | None = None,
    received_at: dt.datetime | None = None,
    answer: str = "",
    recommendations: str = "",
    call_minutes: int | None = None,
) -> Request:
    """Record a request in the journal under the next number of the academic year.

    With an `answer`, the question was settled on the spot (seed 001 §3.7: a phone answer
    takes at most 15 minutes) and the request closes at once."""
    if parent.organization_id != organization.pk:
        raise ValidationError(_("The parent belongs to another organisation."), code="parent_org")
    if child is not None and child.parent_id != parent.pk:
        raise ValidationError(_("This child is not this parent's child."), code="child_parent")
    if channel not in Channel.values:
        raise ValidationError(_("Choose how the request came in."), code="channel")
    received_at = received_at or timezone.now()
    if received_at > timezone.now() + dt.timedelta(minutes=5):
        raise ValidationError(_("A request cannot be received in the future."), code="future")
    if answer and channel == Channel.PHONE and (call_minutes is None or call_minutes > PHONE_ANSWER_MAX_MINUTES):
        raise ValidationError(
            _("A phone answer takes at most %(minutes)d minutes; route a longer question to a specialist.")
            % {"minutes": PHONE_ANSWER_MAX_MINUTES},
            code="call_too_long",
        )
    year = academic_year_of(timezone.localtime(received_at).date())
    request = Request(
        organization=organization,
        academic_year=year,
        number=0,
        received_at=received_at,
        channel=channel,
        parent=parent,
        child=child,
        topic=topic,
        question=question.strip(),
        received_by=received_by,
    )
    request.full_clean(exclude=["number"])
    request.number = _next_number(organization, year)
    request.save()
    StatusChange.objects.create(
        request=request, from_status="", to_status=Status.NEW, changed_by=received_by, changed_at=received_at
    )
    if answer:
        request.answer = answer.strip()
        request.recommendations = recommendations.strip()
        request.answered_by_phone = channel == Channel.PHONE
        request.call_minutes = call_minutes
        _set_status(request, Status.DONE, by=received_by, note=_("answered at once"))
    return request


def suggested_specialists(request: Request) -> list[Membership]:
    """Specialists whose roles fit the request's topic (the editable topic-to-roles map)."""
    roles = list(request.topic.roles or [])
    return sorted(specialists_for_roles(request.organization_id, roles), key=lambda m: roles.index(m.role))


@transaction.atomic
def request_route(*, request: Request, specialists: Sequence[Membership], by, note: str = "") -> Request:
    if not specialists:
        raise ValidationError(_("Choose at least one specialist."), code="no_specialist")
    if any(m.organization_id != request.organization_id for m in specialists):
        raise ValidationError(_("A specialist from another organisation cannot take this request."), code="specialist_org")
    request = Request.objects.select_for_update().get(pk=request.pk)
    _set_status(request, Status.ROUTED, by=by, note=note or ", ".join(m.person_name for m in specialists))
    request.specialists.set(specialists)
    return request


@transaction.atomic
def request_schedule(
    *,
    request: Request,
    specialists: Sequence[Membership],
    starts_at: dt.datetime,
    by,
    room: Room | None = None,
    is_online: bool = False,
    meeting_url: str = "",
    allow_past: bool = False,
) -> Appointment:
    """Route the request to `specialists` (if not already) and book their time together."""
    request = Request.objects.select_for_update().get(pk=request.pk)
    for appointment in request.appointments.filter(status=Appointment.Status.BOOKED):
        appointment_set_status(appointment=appointment, status=Appointment.Status.CANCELLED)
    if request.status != Status.ROUTED or set(request.specialists.all()) != set(specialists):
        request = request_route(request=request, specialists=specialists, by=by)
    appointment = appointment_book(
        organization=request.organization,
        specialists=specialists,
        starts_at=starts_at,
        child=request.child,
        request=request,
        room=room,
        is_online=is_online,
        meeting_url=meeting_url,
        booked_by=by,
        allow_past=allow_past,
    )
    _set_status(request, Status.SCHEDULED, by=by, note=f"{timezone.localtime(starts_at):%d.%m.%Y %H:%M}")
    return appointment


@transaction.atomic
def request_complete(
    *, request: Request, recommendations: str, outcome: str = "", by, extra: Mapping[str, Any] | None = None
) -> Request:
    """After the consultation: the specialist's recommendations and the outcome close it.

    `extra` holds the values of the fields the apps above the journal added to the completion
    form (qamqor/journal/hooks.py); each extension gets them inside this transaction."""
    if not recommendations.strip():
        raise ValidationError({"recommendations": _("Write the recommendations given to the parent.")})
    request = Request.objects.select_for_update().get(pk=request.pk)
    if request.status not in (Status.SCHEDULED, Status.ROUTED):
        raise ValidationError(_("Only a routed or scheduled request can be completed."), code="bad_transition")
    for appointment in request.appointments.filter(status=Appointment.Status.BOOKED):
        appointment_set_status(appointment=appointment, status=Appointment.Status.DONE)
    request.recommendations = recommendations.strip()
    request.outcome = outcome.strip()
    _set_status(request, Status.DONE, by=by)
    # The apps above the journal act here (materials for the parent, the feedback letter)
    # without the journal importing them; every caller of this service sets them off alike.
    for extension in completion_extensions():
        extension.completed(request=request, data=extra or {}, by=by)
    return request


@transaction.atomic
def request_mark_no_show(*, request: Request, by) -> Request:
    request = Request.objects.select_for_update().get(pk=request.pk)
    if request.status != Status.SCHEDULED:
        raise ValidationError(_("Only a scheduled request can be marked as a no-show."), code="bad_transition")
    for appointment in request.appointments.filter(status=Appointment.Status.BOOKED):
        appointment_set_status(appointment=appointment, status=Appointment.Status.NO_SHOW)
    _set_status(request, Status.NO_SHOW, by=by)
    return request


@transaction.atomic
def request_cancel(*, request: Request, by, note: str = "") -> Request:
    """Cancel the request and free the times booked for it."""
    request = Request.objects.select_for_update().get(pk=request.pk)
    for appointment in request.appointments.filter(status=Appointment.Status.BOOKED):
        appointment_set_status(appointment=appointment, status=Appointment.Status.CANCELLED)
    _set_status(request, Status.CANCELLED, by=by, note=note)
    return request


@transaction.atomic
def request_register(
    *,
    organization: Organization,
    received_by,
    channel: str,
    topic: Topic,
    question: str,
    parent: Parent | None = None,
    new_parent: dict | None = None,
    child: Child | None = None,
    new_child: dict | None = None,
    answer: str = "",
    recommendations: str = "",
    call_minutes: int | None = None,
) -> Request:
    """The intake form's one unit of work: a new parent and child (with their consents) and
    the request are saved together or not at all."""
    from qamqor.families.services import child_create, parent_create

    if parent is None:
        if not new_parent:
            raise ValidationError(_("Choose a parent or enter a new one."), code="no_parent")
        parent = parent_create(organization=organization, recorded_by=received_by, **new_parent)
    if child is None and new_child:
        child = child_create(parent=parent, recorded_by=received_by, **new_child)
    return request_intake(
        organization=organization,
        channel=channel,
        parent=parent,
        child=child,
        topic=topic,
        question=question,
        received_by=received_by,
        answer=answer,
        recommendations=recommendations,
        call_minutes=call_minutes,
    )
