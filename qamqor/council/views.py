"""The parent support centre's pages: every staff member of the organisation reads them (the
members, the meetings, the minutes, the open decisions); managers edit."""

from __future__ import annotations

from django.contrib import messages
from django.db.models import Count, Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.utils import timezone
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qamqor.core.academic_year import academic_year_label, current_academic_year
from qamqor.core.access import manager_required, staff_required
from qamqor.core.actions import run_and_report, run_form_and_report
from qamqor.core.scoping import visible_to
from qamqor.council import documents, services
from qamqor.council.forms import AgendaItemForm, AttendanceForm, DecisionDoneForm, DecisionForm, MeetingForm, MemberForm
from qamqor.council.models import AgendaItem, Decision, Meeting, Member
from qamqor.orgs.models import Organization


def _org_rows(request: HttpRequest, model):
    return visible_to(request.user, model.objects.all())


def get_meeting_for(request: HttpRequest, pk: int) -> Meeting:
    meetings = _org_rows(request, Meeting).filter(organization_id=request.organization_id)  # type: ignore[attr-defined]
    related = ("organization", "chair__membership__user", "secretary__membership__user")
    return get_object_or_404(meetings.select_related(*related), pk=pk)


def get_member_for(request: HttpRequest, pk: int) -> Member:
    members = _org_rows(request, Member).filter(organization_id=request.organization_id)  # type: ignore[attr-defined]
    return get_object_or_404(members, pk=pk)


def get_agenda_item_for(request: HttpRequest, pk: int) -> AgendaItem:
    items = _org_rows(request, AgendaItem).filter(meeting__organization_id=request.organization_id)  # type: ignore[attr-defined]
    return get_object_or_404(items.select_related("meeting"), pk=pk)


def get_decision_for(request: HttpRequest, pk: int) -> Decision:
    decisions = _org_rows(request, Decision).filter(agenda_item__meeting__organization_id=request.organization_id)  # type: ignore[attr-defined]
    return get_object_or_404(decisions.select_related("agenda_item__meeting"), pk=pk)


def _year_of(request: HttpRequest) -> int:
    try:
        year = int(request.GET.get("year", ""))
    except ValueError:
        return current_academic_year()
    return year if 2000 <= year <= 2100 else current_academic_year()


def _can_edit(request: HttpRequest) -> bool:
    return request.scope.manages(request.organization_id)  # type: ignore[attr-defined]


def _decisions(queryset):
    return queryset.select_related("responsible__user", "agenda_item__meeting").order_by("deadline", "pk")


@staff_required
def home(request: HttpRequest) -> HttpResponse:
    """The centre: its members, the meetings of an academic year, the decisions still open."""
    year = _year_of(request)
    org_id = request.organization_id  # type: ignore[attr-defined]
    members = _org_rows(request, Member).filter(organization_id=org_id).active().select_related("membership__user")
    meetings = (
        _org_rows(request, Meeting)
        .filter(organization_id=org_id)
        .of_year(year)
        .annotate(agenda_count=Count("agenda_items"))
        .order_by("date", "number")
    )
    open_decisions = _decisions(_org_rows(request, Decision).filter(agenda_item__meeting__organization_id=org_id).open())
    return render(
        request,
        "council/home.html",
        {
            "members": members,
            "meetings": meetings,
            "open_decisions": open_decisions,
            "today": timezone.localdate(),
            "year": year,
            "year_label": academic_year_label(year),
            "previous_year": year - 1,
            "next_year": year + 1,
            "warning": services.planned_meetings_warning(organization_id=org_id, academic_year=year),
            "can_edit": _can_edit(request),
        },
    )


# --- Members


@manager_required
def member_new(request: HttpRequest) -> HttpResponse:
    form = MemberForm(request.POST or None, organization_id=request.organization_id)  # type: ignore[attr-defined]

    def add() -> Member:
        organization = Organization.objects.get(pk=request.organization_id)  # type: ignore[attr-defined]
        return services.member_add(organization=organization, **form.cleaned_data)

    return run_form_and_report(
        request, form, add, _("The member is added to the centre."), then="council:home", template="council/member_form.html"
    )


@require_POST
@manager_required
def member_position(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_member_for(request, pk)
    run_and_report(
        request,
        lambda: services.member_set_position(member=member, position=request.POST.get("position", "")),
        _("The member's place on the centre is saved."),
    )
    return redirect("council:home")


@require_POST
@manager_required
def member_remove(request: HttpRequest, pk: int) -> HttpResponse:
    member = get_member_for(request, pk)
    services.member_remove(member=member)
    messages.success(request, _("%(name)s is no longer a member of the centre.") % {"name": member.full_name})
    return redirect("council:home")


# --- Meetings


def _meeting_form_page(request: HttpRequest, meeting: Meeting | None) -> HttpResponse:
    form = MeetingForm(request.POST or None, instance=meeting, organization_id=request.organization_id)  # type: ignore[attr-defined]

    def save() -> Meeting:
        if meeting is None:
            organization = Organization.objects.get(pk=request.organization_id)  # type: ignore[attr-defined]
            return services.meeting_create(organization=organization, by=request.user, **form.service_kwargs())
        return services.meeting_update(meeting=meeting, **form.service_kwargs())

    return run_form_and_report(
        request,
        form,
        save,
        _("The meeting is saved."),
        then=Meeting.get_absolute_url,
        template="council/meeting_form.html",
        context={"meeting": meeting},
    )


@manager_required
def meeting_new(request: HttpRequest) -> HttpResponse:
    return _meeting_form_page(request, None)


@manager_required
def meeting_edit(request: HttpRequest, pk: int) -> HttpResponse:
    return _meeting_form_page(request, get_meeting_for(request, pk))


@staff_required
def meeting_detail(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for(request, pk)
    decisions = Prefetch("decisions", queryset=Decision.objects.select_related("responsible__user").order_by("pk"))
    items = list(meeting.agenda_items.prefetch_related(decisions).order_by("position"))
    can_edit = _can_edit(request)
    return render(
        request,
        "council/meeting_detail.html",
        {
            "meeting": meeting,
            "items": items,
            "present": list(meeting.present.select_related("membership__user")),
            "carried": _decisions(Decision.objects.carried_to(meeting)),
            "today": timezone.localdate(),
            "can_edit": can_edit,
            "attendance_form": AttendanceForm(
                meeting=meeting, initial={"present": list(meeting.present.all()), "invited": meeting.invited}
            )
            if can_edit
            else None,
            "statuses": Meeting.Status.choices,
        },
    )


@require_POST
@manager_required
def meeting_status(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for(request, pk)
    run_and_report(
        request,
        lambda: services.meeting_set_status(meeting=meeting, status=request.POST.get("status", "")),
        _("The meeting's status is saved."),
    )
    return redirect(meeting.get_absolute_url())


@require_POST
@manager_required
def meeting_attendance(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for(request, pk)
    form = AttendanceForm(request.POST, meeting=meeting)
    if form.is_valid():
        run_and_report(
            request,
            lambda: services.meeting_set_attendance(meeting=meeting, **form.cleaned_data),
            _("Who was present is saved."),
        )
    else:
        messages.error(request, _("Choose members of this centre."))
    return redirect(meeting.get_absolute_url())


# --- The agenda and decisions


def _agenda_form_page(request: HttpRequest, meeting: Meeting, item: AgendaItem | None) -> HttpResponse:
    form = AgendaItemForm(request.POST or None, instance=item)

    def save() -> AgendaItem:
        if item is None:
            return services.agenda_item_add(meeting=meeting, **form.cleaned_data)
        return services.agenda_item_update(item=item, **form.cleaned_data)

    return run_form_and_report(
        request,
        form,
        save,
        _("The agenda item is saved."),
        then=meeting.get_absolute_url(),
        template="council/agenda_form.html",
        context={"meeting": meeting, "item": item},
    )


@manager_required
def agenda_new(request: HttpRequest, pk: int) -> HttpResponse:
    return _agenda_form_page(request, get_meeting_for(request, pk), None)


@manager_required
def agenda_edit(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_agenda_item_for(request, pk)
    return _agenda_form_page(request, item.meeting, item)


@require_POST
@manager_required
def agenda_delete(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_agenda_item_for(request, pk)
    services.agenda_item_delete(item=item)
    messages.success(request, _("The agenda item is deleted."))
    return redirect(item.meeting.get_absolute_url())


@manager_required
def decision_new(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_agenda_item_for(request, pk)
    form = DecisionForm(request.POST or None, organization_id=request.organization_id)  # type: ignore[attr-defined]
    return run_form_and_report(
        request,
        form,
        lambda: services.decision_add(agenda_item=item, **form.cleaned_data),
        _("The decision is saved."),
        then=item.meeting.get_absolute_url(),
        template="council/decision_form.html",
        context={"item": item, "meeting": item.meeting},
    )


@require_POST
@manager_required
def decision_done(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_decision_for(request, pk)
    form = DecisionDoneForm(request.POST)
    if form.is_valid():
        run_and_report(
            request,
            lambda: services.decision_done(
                decision=decision, done_on=form.cleaned_data["done_on"], result_note=form.cleaned_data["result_note"] or ""
            ),
            _("The decision is marked done."),
        )
    else:
        messages.error(request, _("Give the date as day, month and year."))
    # Marked done from the centre's list of open decisions, or from its meeting's page.
    if request.POST.get("back") == "home":
        return redirect("council:home")
    return redirect(decision.agenda_item.meeting.get_absolute_url())


@require_POST
@manager_required
def decision_reopen(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_decision_for(request, pk)
    services.decision_reopen(decision=decision)
    messages.success(request, _("The decision is open again."))
    return redirect(decision.agenda_item.meeting.get_absolute_url())


@require_POST
@manager_required
def decision_delete(request: HttpRequest, pk: int) -> HttpResponse:
    decision = get_decision_for(request, pk)
    services.decision_delete(decision=decision)
    messages.success(request, _("The decision is deleted."))
    return redirect(decision.agenda_item.meeting.get_absolute_url())


# --- The minutes


@staff_required
def minutes_print(request: HttpRequest, pk: int) -> HttpResponse:
    return render(request, "council/minutes_print.html", documents.minutes_context(get_meeting_for(request, pk)))


@staff_required
def minutes_pdf(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for(request, pk)
    response = HttpResponse(documents.minutes_pdf(meeting), content_type="application/pdf")
    response["Content-Disposition"] = f'inline; filename="minutes-{meeting.academic_year}-{meeting.number}.pdf"'
    return response


@staff_required
def minutes_docx(request: HttpRequest, pk: int) -> HttpResponse:
    meeting = get_meeting_for(request, pk)
    response = HttpResponse(documents.minutes_docx(meeting), content_type=documents.docx.DOCX_TYPE)
    response["Content-Disposition"] = f'attachment; filename="minutes-{meeting.academic_year}-{meeting.number}.docx"'
    return response
