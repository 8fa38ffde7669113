from __future__ import annotations

import datetime as dt
from collections import defaultdict

from django.db.models import Prefetch
from django.http import HttpRequest, HttpResponse
from django.shortcuts import render
from django.utils import timezone

from qamqor.audit.access import records_read
from qamqor.core.access import staff_required
from qamqor.core.scoping import visible_to
from qamqor.journal.models import Request
from qamqor.orgs.models import Membership, Organization
from qamqor.scheduling.calendar import public_holidays
from qamqor.scheduling.models import Appointment, AppointmentSpecialist, ClosedDay, Weekday, WorkingHours


@staff_required
def my_day(request: HttpRequest) -> HttpResponse:
    """A specialist's home page: today's appointments with their requests."""
    try:
        day = dt.date.fromisoformat(request.GET.get("day", ""))
    except ValueError:
        day = timezone.localdate()
    appointments = (
        visible_to(request.user, Appointment.objects.all())
        .filter(specialist_links__person_id=request.user.pk, organization_id=request.organization_id)
        .active()
        .on_day(day)
        .select_related("room", "child", "request__parent", "request__topic")
        .prefetch_related(Prefetch("specialist_links", queryset=AppointmentSpecialist.objects.select_related("membership__user")))
        .order_by("starts_at")
    )
    # Each consultation shows its family (the parent, the child, the question): the reads go to
    # the access log, in one insert. The list of requests waiting shows names only, like the journal.
    appointments = list(appointments)
    records_read(*(a for a in appointments if a.request_id or a.child_id))
    return render(
        request,
        "scheduling/my_day.html",
        {
            "day": day,
            "appointments": appointments,
            "prev_day": day - dt.timedelta(days=1),
            "next_day": day + dt.timedelta(days=1),
            "open_statuses": {"scheduled", "routed"},
            "routed_waiting": visible_to(request.user, Request.objects.filter(status="routed", specialists__user=request.user))
            .in_organization(request.organization_id)
            .select_related("parent", "topic")[:20],
        },
    )


def _work_schedule_context(organization_id: int) -> dict:
    organization = Organization.objects.select_related("consultation_point").get(pk=organization_id)
    specialists = Membership.objects.consultants(organization_id).prefetch_related(
        Prefetch(
            "working_hours",
            queryset=WorkingHours.objects.filter(kind=WorkingHours.Kind.CONSULTATION)
            .select_related("room")
            .order_by("weekday", "starts"),
        )
    )
    rows = []
    for m in specialists:
        by_day = defaultdict(list)
        for block in m.working_hours.all():
            by_day[block.weekday].append(block)
        if by_day:
            rows.append({"membership": m, "days": [by_day.get(d, []) for d in range(7)]})
    weekdays = [label for value, label in Weekday.choices]
    show_weekend = any(r["days"][5] or r["days"][6] for r in rows)
    if not show_weekend:
        weekdays = weekdays[:5]
        for r in rows:
            r["days"] = r["days"][:5]
    today = timezone.localdate()
    closed = ClosedDay.objects.filter(organization_id=organization_id, date__gte=today, date__lte=today + dt.timedelta(days=62))
    holidays = sorted(
        d for d in public_holidays(today.year) | public_holidays(today.year + 1) if today <= d <= today + dt.timedelta(days=62)
    )
    return {"organization": organization, "rows": rows, "weekdays": weekdays, "closed_days": closed, "holidays": holidays}


@staff_required
def work_schedule(request: HttpRequest) -> HttpResponse:
    return render(request, "scheduling/work_schedule.html", _work_schedule_context(request.organization_id))


@staff_required
def work_schedule_print(request: HttpRequest) -> HttpResponse:
    return render(request, "scheduling/work_schedule_print.html", _work_schedule_context(request.organization_id))
