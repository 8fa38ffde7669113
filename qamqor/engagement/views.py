"""Events, registrations, attendance, ideas and participation figures: the back office's pages
(managers plan events; every staff member of the organisation marks attendance) and the public
site's (an organisation's events and ideas, sign-up, the parent's private link)."""

from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import Http404, HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qamqor.core.access import manager_required, staff_required
from qamqor.core.actions import run_and_report, run_form_and_report
from qamqor.core.forms import add_refusal, add_service_errors
from qamqor.core.periods import day_start
from qamqor.core.scoping import visible_to
from qamqor.engagement import services
from qamqor.engagement.forms import EventForm, IdeaForm, IdeaStatusForm, PeriodForm, PersonForm, SignUpForm, WalkInForm
from qamqor.engagement.links import LinkInvalid, registration_for_token, registration_token
from qamqor.engagement.models import Event, HonorBookEntry, Idea, Registration
from qamqor.engagement.selectors import participation
from qamqor.orgs.models import Organization
from qamqor.portal.views import _language_of_page, client_address

IDEAS_PER_PAGE = 50
PUBLIC_IDEAS_SHOWN = 20
PUBLIC_HONOR_ENTRIES_SHOWN = 30


# --- Fetching with permission (404 for what the user may not see)


def get_event_for(request: HttpRequest, pk: int) -> Event:
    """An event of the organisation the user works in now; 404 otherwise."""
    events = visible_to(request.user, Event.objects.filter(organization_id=request.organization_id))  # type: ignore[attr-defined]
    return get_object_or_404(events.select_related("organization"), pk=pk)


def get_registration_for(request: HttpRequest, pk: int) -> Registration:
    registrations = Registration.objects.filter(
        event__in=visible_to(request.user, Event.objects.filter(organization_id=request.organization_id))  # type: ignore[attr-defined]
    )
    return get_object_or_404(registrations.select_related("event"), pk=pk)


def get_idea_for(request: HttpRequest, pk: int) -> Idea:
    ideas = visible_to(request.user, Idea.objects.filter(organization_id=request.organization_id))  # type: ignore[attr-defined]
    return get_object_or_404(ideas, pk=pk)


# --- The back office: events


def _month_of(request: HttpRequest) -> dt.date:
    """The month asked for (?month=2026-12), else the current one, as its first day."""
    try:
        year, month = map(int, request.GET.get("month", "").split("-"))
        return dt.date(year, month, 1)
    except ValueError:
        return timezone.localdate().replace(day=1)


@manager_required
def event_list(request: HttpRequest) -> HttpResponse:
    month = _month_of(request)
    next_month = (month + dt.timedelta(days=32)).replace(day=1)
    previous_month = (month - dt.timedelta(days=1)).replace(day=1)
    events = (
        visible_to(request.user, Event.objects.filter(organization_id=request.organization_id))
        .starting_between(day_start(month), day_start(next_month))
        .with_counts()
        .order_by("starts_at", "pk")
    )
    return render(
        request,
        "engagement/staff/event_list.html",
        {"events": events, "month": month, "next_month": next_month, "previous_month": previous_month},
    )


def _event_form_page(request: HttpRequest, event: Event | None) -> HttpResponse:
    form = EventForm(request.POST or None, instance=event, organization_id=request.organization_id)  # type: ignore[attr-defined]

    def save() -> Event:
        if event is None:
            organization = Organization.objects.get(pk=request.organization_id)  # type: ignore[attr-defined]
            return services.event_create(organization=organization, by=request.user, **form.service_kwargs())
        return services.event_update(event=event, **form.service_kwargs())

    return run_form_and_report(
        request,
        form,
        save,
        _("The event is saved."),
        then=lambda saved: reverse("engagement:event", args=[saved.pk]),
        template="engagement/staff/event_form.html",
        context={"event": event},
    )


@manager_required
def event_new(request: HttpRequest) -> HttpResponse:
    return _event_form_page(request, None)


@manager_required
def event_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _event_form_page(request, get_event_for(request, pk))


def _lists(event: Event) -> dict:
    """The event's people in two queries' worth: places, waiting list (in order), walk-ins."""
    registrations = list(event.registrations.present().select_related("parent").order_by("registered_at", "pk"))
    waiting = [r for r in registrations if r.status == Registration.Status.WAITING]
    return {
        "registered": [r for r in registrations if r.status == Registration.Status.REGISTERED],
        "waiting": waiting,
        "walk_ins": [r for r in registrations if r.status == Registration.Status.WALK_IN],
        "everyone": registrations,
    }


@manager_required
def event_detail(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for(request, pk)
    form = PersonForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.registration_create(event=event, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            if registration.status == Registration.Status.WAITING:
                messages.warning(request, _("All places are taken: %(name)s is on the waiting list.") % {"name": registration})
            else:
                messages.success(request, _("%(name)s is registered.") % {"name": registration})
            return redirect("engagement:event", pk=event.pk)
    event.parents = list(event.parent_organizers.all())
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "engagement/staff/event_detail.html", {"event": event, "form": form, **_lists(event)}, status=status)


@require_POST
@manager_required
def event_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for(request, pk)
    run_and_report(request, lambda: services.event_cancel(event=event), _("The event is cancelled."))
    return redirect("engagement:event", pk=event.pk)


@require_POST
@manager_required
def event_held(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for(request, pk)
    run_and_report(request, lambda: services.event_mark_held(event=event), _("The event is marked as held."))
    return redirect("engagement:event", pk=event.pk)


@require_POST
@manager_required
def registration_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    registration = get_registration_for(request, pk)

    def said(cancelled: services.Cancelled) -> str:
        text = _("The registration is cancelled.")
        if cancelled.promoted:
            text += " " + _("%(name)s from the waiting list got the place.") % {"name": cancelled.promoted[0]}
        return text

    run_and_report(request, lambda: services.registration_cancel(registration=registration), said)
    return redirect("engagement:event", pk=registration.event_id)


# --- The back office: attendance (any staff member of the organisation, on a phone)


@staff_required
def attendance(request: HttpRequest, pk: int) -> HttpResponse:
    event = get_event_for(request, pk)
    form = WalkInForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        try:
            services.registration_walk_in(event=event, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("%(name)s is marked as present.") % {"name": form.cleaned_data["full_name"]})
            return redirect("engagement:attendance", pk=event.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "engagement/staff/attendance.html", {"event": event, "form": form, **_lists(event)}, status=status)


@require_POST
@staff_required
def attended(request: HttpRequest, pk: int) -> HttpResponse:
    """Toggle "came" for one person: htmx swaps the row; without JavaScript the page reloads."""
    registration = get_registration_for(request, pk)
    error = ""
    try:
        registration = services.registration_set_attended(registration=registration, attended=request.POST.get("attended") == "1")
    except ValidationError as exc:
        error = " ".join(exc.messages)
    if getattr(request, "htmx", False):
        return render(
            request, "engagement/staff/_attendance_row.html", {"r": registration, "error": error}, status=400 if error else 200
        )
    if error:
        messages.error(request, error)
    return redirect("engagement:attendance", pk=registration.event_id)


# --- The back office: ideas and figures


@manager_required
def idea_list(request: HttpRequest) -> HttpResponse:
    show = request.GET.get("status", Idea.Status.NEW)
    ideas = visible_to(request.user, Idea.objects.filter(organization_id=request.organization_id))
    if show in Idea.Status.values:
        ideas = ideas.filter(status=show)
    else:
        show = "all"
    page = Paginator(ideas.order_by("-submitted_at", "-pk"), IDEAS_PER_PAGE).get_page(request.GET.get("page"))
    return render(request, "engagement/staff/idea_list.html", {"page": page, "show": show, "statuses": Idea.Status.choices})


@manager_required
def idea_detail(request: HttpRequest, pk: int) -> HttpResponse:
    idea = get_idea_for(request, pk)
    form = IdeaStatusForm(request.POST or None, initial={"status": idea.status, "note": idea.staff_note})
    if request.method == "POST" and form.is_valid():
        try:
            services.idea_set_status(idea=idea, by=request.user, **form.cleaned_data)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The idea's status is saved."))
            return redirect("engagement:idea", pk=idea.pk)
    status = 400 if form.is_bound and form.errors else 200
    return render(request, "engagement/staff/idea_detail.html", {"idea": idea, "form": form}, status=status)


@manager_required
def participation_figures(request: HttpRequest) -> HttpResponse:
    start, end = PeriodForm.default_period()
    form = PeriodForm(request.GET or None, initial={"start": start, "end": end})
    figures = None
    if not form.is_bound:
        figures = participation(organization_id=request.organization_id, start=start, end=end)  # type: ignore[attr-defined]
    elif form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
        figures = participation(organization_id=request.organization_id, start=start, end=end)  # type: ignore[attr-defined]
    return render(
        request,
        "engagement/staff/participation.html",
        {"form": form, "figures": figures, "start": start, "end": end},
        status=400 if form.is_bound and form.errors else 200,
    )


# --- The public site


def _organization(pk: int) -> Organization:
    return get_object_or_404(Organization.objects.select_related("district__region", "consultation_point"), pk=pk)


def public_events(request: HttpRequest, pk: int) -> HttpResponse:
    """An organisation's upcoming events and the parents' ideas it took up."""
    organization = _organization(pk)
    events = Event.objects.filter(organization=organization).upcoming().with_counts()
    ideas = Idea.objects.filter(organization=organization).public()[:PUBLIC_IDEAS_SHOWN]
    # The Honor Book: only the entries whose family's consent is in force (recognition.py).
    honor_book = HonorBookEntry.objects.filter(organization=organization).published()[:PUBLIC_HONOR_ENTRIES_SHOWN]
    return render(
        request,
        "engagement/events.html",
        {"organization": organization, "events": events, "ideas": ideas, "honor_book": honor_book},
    )


def public_event(request: HttpRequest, pk: int) -> HttpResponse:
    """One event and its sign-up form; a refusal (past, cancelled, full, same phone) is said on the
    form and changes nothing."""
    event = get_object_or_404(Event.objects.select_related("organization").with_counts(), pk=pk)
    organization = event.organization
    form = SignUpForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            registration = services.registration_create(
                event=event,
                full_name=form.cleaned_data["full_name"],
                phone=form.cleaned_data["phone"],
                client_address=client_address(request),
            )
        except ValidationError as exc:
            status = add_refusal(form, exc)
        else:
            return redirect("engagement:my_registration", token=registration_token(registration))
    if form.is_bound and form.errors and status == 200:
        status = 400
    return render(request, "engagement/event.html", {"organization": organization, "event": event, "form": form}, status=status)


def _registration_or_404(token: str) -> Registration:
    try:
        return registration_for_token(token)
    except LinkInvalid as exc:
        raise Http404 from exc


def _waiting_position(registration: Registration) -> int | None:
    if registration.status != Registration.Status.WAITING:
        return None
    ahead = registration.event.registrations.waiting_in_order().filter(registered_at__lte=registration.registered_at)
    return ahead.exclude(registered_at=registration.registered_at, pk__gt=registration.pk).count()


def my_registration(request: HttpRequest, token: str) -> HttpResponse:
    """The parent's confirmation page, behind their private link: where they stand, and a button
    to give the place back."""
    registration = _registration_or_404(token)
    return render(
        request,
        "engagement/my_registration.html",
        {
            "registration": registration,
            "event": registration.event,
            "organization": registration.event.organization,
            "position": _waiting_position(registration),
            "token": token,
            "cancellable": registration.status != Registration.Status.CANCELLED
            and registration.event.status == Event.Status.PLANNED
            and not registration.event.is_past,
        },
    )


@require_POST
def my_registration_cancel(request: HttpRequest, token: str) -> HttpResponse:
    registration = _registration_or_404(token)
    run_and_report(
        request,
        lambda: services.registration_cancel(registration=registration),
        _("Your registration is cancelled. Thank you for letting us know."),
    )
    return redirect("engagement:my_registration", token=token)


def idea_new(request: HttpRequest, pk: int) -> HttpResponse:
    organization = _organization(pk)
    form = IdeaForm(request.POST or None)
    status = 200
    if request.method == "POST" and form.is_valid():
        try:
            services.idea_submit(
                organization=organization,
                text=form.cleaned_data["text"],
                name=form.cleaned_data["name"],
                client_address=client_address(request),
                language=_language_of_page(),
            )
        except ValidationError as exc:
            status = add_refusal(form, exc)
        else:
            messages.success(request, _("Thank you! The organisation will consider your idea."))
            return redirect(reverse("engagement:public_events", args=[organization.pk]) + "#ideas")
    if form.is_bound and form.errors and status == 200:
        status = 400
    return render(request, "engagement/idea_new.html", {"organization": organization, "form": form}, status=status)
