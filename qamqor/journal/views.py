from __future__ import annotations

import datetime as dt

from django.contrib import messages
from django.core.cache import cache
from django.core.exceptions import ValidationError
from django.core.paginator import Paginator
from django.http import HttpRequest, HttpResponse
from django.shortcuts import get_object_or_404, redirect, render
from django.template.loader import render_to_string
from django.urls import reverse
from django.utils import formats, timezone, translation
from django.utils.safestring import mark_safe
from django.utils.translation import gettext as _
from django.views.decorators.http import require_POST

from qamqor.audit.access import records_read
from qamqor.core.access import manager_required, staff_required
from qamqor.core.actions import run_and_report
from qamqor.core.forms import add_service_errors
from qamqor.core.scoping import visible_to
from qamqor.journal import services
from qamqor.journal.exports import journal_columns, journal_pdf, journal_xlsx
from qamqor.journal.forms import CancelForm, CompleteForm, IntakeForm, JournalFilterForm, ScheduleForm
from qamqor.journal.models import Request, Status
from qamqor.journal.selectors import journal_cache_key, journal_rows, journal_values
from qamqor.orgs.models import Membership, Organization
from qamqor.scheduling.services import free_slots

PAGE_SIZE = 50
RECOMMENDATIONS_SHOWN = 160  # characters of a row's recommendations on the screen
# A changed journal never reads its old entries again; the time only bounds how long an entry can
# outlive a process that died between a commit and the new version (qamqor/journal/signals.py).
JOURNAL_CACHE_SECONDS = 600


def get_request_for(user, pk: int) -> Request:
    """The request if this user may see it; 404 otherwise (also for other organisations)."""
    return get_object_or_404(visible_to(user, Request.objects.select_related("parent", "child", "topic", "organization")), pk=pk)


def _specialists(organization_id: int):
    return Membership.objects.consultants(organization_id)


def _filtered_journal(request: HttpRequest) -> tuple[JournalFilterForm, object]:
    form = JournalFilterForm(
        request.GET or None, specialists_queryset=_specialists(request.organization_id), statuses=Status.choices
    )
    requests = visible_to(request.user, Request.objects.in_organization(request.organization_id))
    if form.is_bound and form.is_valid():
        d = form.cleaned_data
        requests = requests.received_between(d.get("date_from"), d.get("date_to"))
        if d.get("specialist"):
            requests = requests.filter(specialists=d["specialist"])
        if d.get("status"):
            requests = requests.filter(status=d["status"])
        if d.get("q"):
            requests = requests.filter(parent__full_name__icontains=d["q"])
    elif form.is_bound:
        requests = requests.none()
    return form, requests


@staff_required
def journal(request: HttpRequest) -> HttpResponse:
    """The journal page. Its content (filters, rows, pages) is cached under a key that holds the
    organisation's journal version, what the user may see, the language and the query, so any
    change to what it shows leads to a new key: an entry is never stale, only unused."""
    key = journal_cache_key(
        organization_id=request.organization_id,
        visibility=request.scope.journal_visibility(request.organization_id),
        language=translation.get_language(),
        query=request.GET.urlencode(),
    )
    content = cache.get(key) if key else None
    if content is None:
        content = _journal_content(request)
        if key:
            cache.set(key, content, JOURNAL_CACHE_SECONDS)
    return render(request, "journal/journal.html", {"content": mark_safe(content)})  # noqa: S308 (our own escaped HTML)


def _journal_content(request: HttpRequest) -> str:
    form, requests = _filtered_journal(request)
    page = Paginator(journal_values(requests), PAGE_SIZE).get_page(request.GET.get("page"))
    query = request.GET.copy()
    query.pop("page", None)
    specialists = form.fields["specialist"].queryset
    return render_to_string(
        "journal/_journal_content.html",
        {
            "form": form,
            "values": {name: form.data.get(name, "") for name in form.fields},
            "specialist_choices": [(m.pk, form.fields["specialist"].label_from_instance(m)) for m in specialists],
            "page": page,
            "rows": journal_rows(list(page.object_list), shorten_to=RECOMMENDATIONS_SHOWN),
            # One reverse() for the page, not one per row.
            "detail_prefix": reverse("journal:detail", args=[0]).removesuffix("0/"),
            "query": query.urlencode(),
            "is_manager": request.scope.manages(request.organization_id),
        },
        request=request,
    )


def _export_context(request: HttpRequest) -> tuple[dict, list]:
    form, requests = _filtered_journal(request)
    organization = Organization.objects.get(pk=request.organization_id)
    rows = journal_rows(list(journal_values(requests.order_by("received_at", "number"))))
    d = form.cleaned_data if form.is_bound and form.is_valid() else {}
    period = " — ".join(formats.date_format(day, "SHORT_DATE_FORMAT") for day in (d.get("date_from"), d.get("date_to")) if day)
    subtitle = organization.name + (f", {period}" if period else "")
    if d.get("specialist"):
        subtitle += f", {d['specialist'].person_name}"
    return {
        "title": _("Journal of parents' requests to the consultation point"),
        "subtitle": subtitle,
        "columns": journal_columns(),
        "rows": rows,
        "organization": organization,
    }, rows


def _export_language(request: HttpRequest) -> str:
    lang = request.GET.get("lang", "")
    return lang if lang in ("kk", "ru", "en") else translation.get_language()


@staff_required
def journal_print(request: HttpRequest) -> HttpResponse:
    with translation.override(_export_language(request)):
        context, _rows = _export_context(request)
        return render(request, "journal/journal_print.html", context)


@staff_required
def journal_export_pdf(request: HttpRequest) -> HttpResponse:
    lang = _export_language(request)
    with translation.override(lang):
        context, _rows = _export_context(request)
        pdf = journal_pdf(context)
    response = HttpResponse(pdf, content_type="application/pdf")
    response["Content-Disposition"] = f'attachment; filename="journal-{timezone.localdate():%Y%m%d}-{lang}.pdf"'
    return response


@staff_required
def journal_export_xlsx(request: HttpRequest) -> HttpResponse:
    lang = _export_language(request)
    with translation.override(lang):
        context, rows = _export_context(request)
        data = journal_xlsx(title=context["title"], subtitle=context["subtitle"], rows=rows)
    response = HttpResponse(data, content_type="application/vnd.openxmlformats-officedocument.spreadsheetml.sheet")
    response["Content-Disposition"] = f'attachment; filename="journal-{timezone.localdate():%Y%m%d}-{lang}.xlsx"'
    return response


@manager_required
def request_new(request: HttpRequest) -> HttpResponse:
    form = IntakeForm(request.POST or None, organization_id=request.organization_id, initial={"channel": "phone"})
    if request.method == "POST" and form.is_valid():
        try:
            created = services.request_register(
                organization=Organization.objects.get(pk=request.organization_id),
                received_by=request.user,
                **form.service_kwargs(),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("Request %(number)s is in the journal.") % {"number": created.display_number})
            return redirect("journal:detail", pk=created.pk)
    return render(request, "journal/request_new.html", {"form": form})


@staff_required
def request_detail(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_request_for(request.user, pk)
    # The page shows the parent's contacts and the child's card: the reads go to the access log.
    records_read(item, item.parent, item.child)
    context = {
        "item": item,
        "history": item.status_changes.select_related("changed_by"),
        "appointments": item.appointments.select_related("room").prefetch_related("specialist_links__membership__user"),
        "can_manage": request.scope.manages(item.organization_id),
        "suggested": services.suggested_specialists(item) if item.is_open else [],
        # Built for this request only when it can be completed: the extensions' fields ask the database.
        "complete_form": CompleteForm(item=item) if item.status in (Status.SCHEDULED, Status.ROUTED) else None,
        "cancel_form": CancelForm(),
    }
    return render(request, "journal/request_detail.html", context)


@manager_required
def request_schedule(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_request_for(request.user, pk)
    if not item.is_open:
        messages.error(request, _("This request is closed."))
        return redirect("journal:detail", pk=pk)
    specialists = _specialists(item.organization_id)
    suggested = services.suggested_specialists(item)
    # Rescheduling starts from the specialists already chosen; a new request from the best fit.
    already = list(item.specialists.all())
    form = ScheduleForm(request.POST or None, specialists_queryset=specialists, initial={"specialists": already or suggested[:1]})
    if request.method == "POST" and "route_only" in request.POST:
        form.fields["starts_at"].required = False
    if request.method == "POST" and form.is_valid() and "route_only" in request.POST:
        try:
            services.request_route(request=item, specialists=list(form.cleaned_data["specialists"]), by=request.user)
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The request is routed; book a time when the parent agrees."))
            return redirect("journal:detail", pk=pk)
    elif request.method == "POST" and form.is_valid():
        d = form.cleaned_data
        try:
            services.request_schedule(
                request=item,
                specialists=list(d["specialists"]),
                starts_at=d["starts_at"],
                by=request.user,
                is_online=d["is_online"],
                meeting_url=d.get("meeting_url", ""),
            )
        except ValidationError as exc:
            add_service_errors(form, exc)
        else:
            messages.success(request, _("The consultation is booked."))
            return redirect("journal:detail", pk=pk)
    chosen = list(form.cleaned_data["specialists"]) if form.is_bound and form.is_valid() else (already or suggested[:1])
    start = _start_day(request)
    slots = free_slots(specialists=chosen, start=start, days=7) if chosen else []
    return render(
        request,
        "journal/request_schedule.html",
        {
            "item": item,
            "form": form,
            "suggested_ids": {m.pk for m in suggested},
            "chosen": chosen,
            **_week_context(start, slots),
        },
    )


@manager_required
def slots_partial(request: HttpRequest, pk: int) -> HttpResponse:
    """The free times for the chosen specialists (htmx swaps it into the booking page)."""
    item = get_request_for(request.user, pk)
    ids = [int(i) for i in request.GET.getlist("specialists") if i.isdigit()]
    chosen = list(_specialists(item.organization_id).filter(pk__in=ids))
    start = _start_day(request)
    slots = free_slots(specialists=chosen, start=start, days=7) if chosen else []
    return render(request, "journal/_slots.html", {"item": item, "chosen": chosen, **_week_context(start, slots)})


def _start_day(request: HttpRequest) -> dt.date:
    try:
        start = dt.date.fromisoformat(request.GET.get("start", ""))
    except ValueError:
        start = timezone.localdate()
    return max(start, timezone.localdate())


def _week_context(start: dt.date, slots) -> dict:
    today = timezone.localdate()
    return {
        "days": _by_day(slots),
        "start": start,
        "today": today,
        "prev_start": max(today, start - dt.timedelta(days=7)),
        "next_start": start + dt.timedelta(days=7),
    }


def _by_day(slots) -> list[tuple[dt.date, list]]:
    days: dict[dt.date, list] = {}
    for slot in slots:
        days.setdefault(timezone.localtime(slot.starts_at).date(), []).append(slot)
    return list(days.items())


def _request_action(request: HttpRequest, pk: int, action, success: str) -> HttpResponse:
    """Run one service on a request the user may see; say what happened; back to the request."""
    item = get_request_for(request.user, pk)
    run_and_report(request, lambda: action(item), success)
    return redirect("journal:detail", pk=pk)


@require_POST
@staff_required
def request_complete(request: HttpRequest, pk: int) -> HttpResponse:
    item = get_request_for(request.user, pk)  # 404 before any hint about the form
    form = CompleteForm(request.POST, item=item)
    if not form.is_valid():
        if "recommendations" in form.errors:
            messages.error(request, _("Write the recommendations given to the parent."))
        else:
            messages.error(request, " ".join(e for errors in form.errors.values() for e in errors))
        return redirect("journal:detail", pk=pk)
    return _request_action(
        request,
        pk,
        lambda item: services.request_complete(
            request=item,
            by=request.user,
            recommendations=form.cleaned_data["recommendations"],
            outcome=form.cleaned_data["outcome"],
            extra=form.extra_data(),
        ),
        _("The consultation is recorded and the request is closed."),
    )


@require_POST
@staff_required
def request_no_show(request: HttpRequest, pk: int) -> HttpResponse:
    return _request_action(
        request,
        pk,
        lambda item: services.request_mark_no_show(request=item, by=request.user),
        _("Marked: the parent did not come. You can book another time."),
    )


@require_POST
@manager_required
def request_cancel(request: HttpRequest, pk: int) -> HttpResponse:
    note = CancelForm(request.POST).data.get("note", "")[:300]
    return _request_action(
        request,
        pk,
        lambda item: services.request_cancel(request=item, by=request.user, note=note),
        _("The request is cancelled and its time is free again."),
    )
