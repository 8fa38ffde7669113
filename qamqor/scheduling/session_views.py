"""The staff's pages for sessions: the upcoming ones, scheduling one, a session with its
participants (managers add and remove them; every specialist of the session marks attendance)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied, ValidationError
from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qamqor.audit.access import records_read
from qamqor.core.access import manager_required, staff_required
from qamqor.core.actions import run_and_report
from qamqor.core.forms import add_service_errors
from qamqor.core.scoping import visible_to
from qamqor.families.models import Child, Parent
from qamqor.orgs.models import Organization
from qamqor.scheduling import sessions
from qamqor.scheduling.forms import ParticipantForm, SessionForm, StatusForm
from qamqor.scheduling.models import Appointment, AppointmentSpecialist, Participant

UPCOMING_SHOWN = 200


def _sessions_for(request: HttpRequest):
    return visible_to(request.user, Appointment.objects.filter(organization_id=request.organization_id)).sessions()  # type: ignore[attr-defined]


def get_session_for(request: HttpRequest, pk: int) -> Appointment:
    """A session of the current organisation the user may see; 404 otherwise."""
    return get_object_or_404(_sessions_for(request).select_related("room"), pk=pk)


def get_participant_for(request: HttpRequest, pk: int) -> Participant:
    participants = Participant.objects.filter(appointment__in=_sessions_for(request))
    return get_object_or_404(participants.select_related("appointment", "child", "parent"), pk=pk)


_SPECIALISTS = Prefetch("specialist_links", queryset=AppointmentSpecialist.objects.select_related("membership__user"))


@staff_required
def session_list(request: HttpRequest) -> HttpResponse:
    upcoming = (
        _sessions_for(request)
        .active()
        .upcoming()
        .with_places_taken()
        .select_related("room")
        .prefetch_related(_SPECIALISTS)
        .order_by("starts_at", "pk")[:UPCOMING_SHOWN]
    )
    return render(
        request,
        "scheduling/session_list.html",
        {"sessions": upcoming, "can_schedule": request.scope.manages(request.organization_id)},  # type: ignore[attr-defined]
    )


@manager_required
def session_new(request: HttpRequest) -> HttpResponse:
    form = SessionForm(request.POST or None, organization_id=request.organization_id)  # type: ignore[attr-defined]
    if request.method == "POST" and form.is_valid():
        try:
            organization = Organization.objects.get(pk=request.organization_id)  # type: ignore[attr-defined]
            session = sessions.session_schedule(organization=organization, booked_by=request.user, **form.service_kwargs())
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The session is scheduled."))
            return redirect("scheduling:session", pk=session.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "scheduling/session_form.html", {"form": form}, status=status)


def _participant_form(request: HttpRequest, data=None) -> ParticipantForm:
    org = request.organization_id  # type: ignore[attr-defined]
    return ParticipantForm(
        data,
        children=visible_to(request.user, Child.objects.filter(organization_id=org)).consenting().order_by("full_name"),
        parents=visible_to(request.user, Parent.objects.filter(organization_id=org)).consenting().order_by("full_name"),
    )


@staff_required
def session_detail(request: HttpRequest, pk: int) -> HttpResponse:
    session = get_session_for(request, pk)
    manages = request.scope.manages(request.organization_id)  # type: ignore[attr-defined]
    if request.method == "POST" and not manages:
        raise PermissionDenied
    form = _participant_form(request, request.POST or None) if manages else None
    if form is not None and request.method == "POST" and form.is_valid():
        try:
            sessions.participant_add(session=session, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The participant is added."))
            return redirect("scheduling:session", pk=session.pk)
    participants = list(session.participants.select_related("child", "parent").order_by("added_at", "pk"))
    records_read(*participants)  # the families' names are shown: the reads go to the access log
    specialists = list(session.specialist_links.select_related("membership__user"))
    status = 400 if form is not None and form.is_bound and form.errors else 200
    return render(
        request,
        "scheduling/session_detail.html",
        {
            "session": session,
            "specialists": specialists,
            "participants": [p for p in participants if p.status != Participant.Status.WAITING],
            # In the order of arrival (the query's): the order the places are given in.
            "waiting_list": [p for p in participants if p.status == Participant.Status.WAITING],
            "places_taken": sum(p.is_active for p in participants),
            "form": form,
            "manages": manages,
        },
        status=status,
    )


@require_POST
@staff_required
def participant_status(request: HttpRequest, pk: int) -> HttpResponse:
    """Mark came / did not come: htmx swaps the row; without JavaScript the page reloads."""
    participant = get_participant_for(request, pk)
    form = StatusForm(request.POST)
    error = ""
    try:
        if not form.is_valid():
            raise ValidationError(_("Choose came or did not come."))
        participant = sessions.participant_set_status(participant=participant, status=form.cleaned_data["status"])
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if getattr(request, "htmx", False):
        context = {
            "p": participant,
            "error": error,
            "manages": request.scope.manages(request.organization_id),  # type: ignore[attr-defined]
        }
        return render(request, "scheduling/_participant_row.html", context, status=400 if error else 200)
    if error:
        messages.error(request, error)
    return redirect("scheduling:session", pk=participant.appointment_id)


@require_POST
@manager_required
def session_public(request: HttpRequest, pk: int) -> HttpResponse:
    """Open the session to parents' sign-up on the public site, or close it."""
    session = get_session_for(request, pk)
    public = request.POST.get("public") == "1"
    said = _("The session is open to sign-up on the site.") if public else _("Sign-up on the site is closed.")
    run_and_report(request, lambda: sessions.session_set_public(session=session, public=public), said)
    return redirect("scheduling:session", pk=session.pk)


@require_POST
@manager_required
def participant_remove(request: HttpRequest, pk: int) -> HttpResponse:
    participant = get_participant_for(request, pk)
    sessions.participant_remove(participant=participant)
    messages.success(request, _("The participant is removed from the session."))
    return redirect("scheduling:session", pk=participant.appointment_id)
