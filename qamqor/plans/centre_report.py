"""The parent support centre's half-year information and annual report to the head (seed 002
§3.2.1, §4.1), made from what Qamqor already holds: the meetings of the period, their
decisions, and the items of the centre's annual plan. Print view, PDF and DOCX.

It lives with the plans, not with the council, because it reads both (plans sit above the
council in the apps' order)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

from django.contrib.staticfiles import finders
from django.db.models import Count, Prefetch
from django.template.loader import render_to_string
from django.utils import timezone
from django.utils.translation import gettext as _

from qamqor.core.academic_year import academic_year_bounds, academic_year_label
from qamqor.council import docx
from qamqor.council.models import Decision, Meeting, Member
from qamqor.orgs.models import Membership, Organization
from qamqor.plans.models import Plan, PlanItem

HALF_YEAR, ANNUAL = "half_year", "annual"
# Recurring periods run through the whole year: their items are reported in either period.
RECURRING = (
    PlanItem.Period.ALL_YEAR,
    PlanItem.Period.MONTHLY,
    PlanItem.Period.QUARTERLY,
    PlanItem.Period.SYSTEMATIC,
    PlanItem.Period.TIMES_A_YEAR,
)


def report_bounds(academic_year: int, kind: str) -> tuple[dt.date, dt.date]:
    """The half-year is the first one of the academic year (September – December)."""
    start, end = academic_year_bounds(academic_year)
    return (start, dt.date(academic_year, 12, 31)) if kind == HALF_YEAR else (start, end)


@dataclass
class ReportMeeting:
    number: int
    date: str
    kind: str
    present: int
    topics: list[str]


@dataclass
class CentreReport:
    kind: str
    title: str
    organization_name: str
    period: str
    chair: str
    meetings: list[ReportMeeting] = field(default_factory=list)
    planned_count: int = 0
    unplanned_count: int = 0
    decisions_total: int = 0
    decisions_done: int = 0
    open_decisions: list[str] = field(default_factory=list)
    items_total: int = 0
    items_by_status: list[tuple[str, int]] = field(default_factory=list)
    items: list[dict] = field(default_factory=list)
    made_on: str = ""

    @property
    def decisions_open(self) -> int:
        return self.decisions_total - self.decisions_done


def centre_report(*, organization: Organization, academic_year: int, kind: str, today: dt.date | None = None) -> CentreReport:
    today = today or timezone.localdate()
    start, end = report_bounds(academic_year, kind)
    meetings = list(
        Meeting.objects.filter(organization=organization, date__gte=start, date__lte=end, status=Meeting.Status.HELD)
        .annotate(present_count=Count("present", distinct=True))
        .prefetch_related("agenda_items")
        .order_by("date", "number")
    )
    decisions = list(
        Decision.objects.filter(agenda_item__meeting__in=meetings)
        .select_related("responsible__user", "agenda_item__meeting")
        .order_by("deadline", "pk")
    )
    chair = (
        Member.objects.active()
        .filter(organization=organization, position=Member.Position.CHAIR)
        .select_related("membership__user")
    )
    people = Prefetch("responsible_people", queryset=Membership.objects.select_related("user"))
    items = list(
        PlanItem.objects.filter(plan__organization=organization, plan__academic_year=academic_year)
        .filter(plan__kind=Plan.Kind.CENTRE_ANNUAL)
        .filter(due_on__lte=end)
        .prefetch_related(people)
        .order_by("plan", "position")
    ) + list(
        PlanItem.objects.filter(
            plan__organization=organization,
            plan__academic_year=academic_year,
            plan__kind=Plan.Kind.CENTRE_ANNUAL,
            period__in=RECURRING,
            due_on__gt=end,
        )
        .prefetch_related(people)
        .order_by("plan", "position")
    )
    items.sort(key=lambda i: (i.plan_id, i.position))
    by_status = {code: 0 for code in PlanItem.Status.values}
    for item in items:
        by_status[item.status] += 1
    title = (
        _("Half-year information on the work of the parent support centre")
        if kind == HALF_YEAR
        else _("Annual report on the work of the parent support centre")
    )
    first_chair = chair.first()
    return CentreReport(
        kind=kind,
        title=title,
        organization_name=organization.name,
        period=f"{start:%d.%m.%Y} – {end:%d.%m.%Y} ({academic_year_label(academic_year)})",
        chair=first_chair.full_name if first_chair else "",
        meetings=[
            ReportMeeting(
                number=m.number,
                date=m.date.strftime("%d.%m.%Y"),
                kind=str(m.get_kind_display()),
                present=m.present_count,
                topics=[a.topic for a in m.agenda_items.all()],
            )
            for m in meetings
        ],
        planned_count=sum(1 for m in meetings if m.kind == Meeting.Kind.PLANNED),
        unplanned_count=sum(1 for m in meetings if m.kind == Meeting.Kind.UNPLANNED),
        decisions_total=len(decisions),
        decisions_done=sum(1 for d in decisions if d.status == Decision.Status.DONE),
        open_decisions=[
            f"{d.text} — {d.responsible_name}, {d.deadline:%d.%m.%Y}" + (f" ({_('overdue')})" if d.is_overdue(today) else "")
            for d in decisions
            if d.status == Decision.Status.OPEN
        ],
        items_total=len(items),
        items_by_status=[(str(label), by_status[code]) for code, label in PlanItem.Status.choices],
        items=[
            {
                "number": i.number,
                "activity": i.activity,
                "period": i.period_label(),
                "status": str(i.get_status_display()),
                "result": i.result_note,
            }
            for i in items
        ],
        made_on=today.strftime("%d.%m.%Y"),
    )


def report_pdf(report: CentreReport) -> bytes:
    from weasyprint import CSS, HTML  # imported here: loading Pango is slow and only PDFs need it

    html = render_to_string("plans/centre_report.html", {"report": report, **summary_lines(report), "for_pdf": True})
    stylesheet = CSS(filename=finders.find("plans/plan-print.css"))
    return HTML(string=html).write_pdf(stylesheets=[stylesheet])


def _report_template():
    d = docx.new_document()
    docx.paragraph(d, "{{ report.organization_name }}", center=True)
    docx.paragraph(d, "{{ report.title }}", bold=True, center=True, size=14)
    docx.paragraph(d, "{{ report.period }}", center=True)
    docx.paragraph(d, "1. " + _("Meetings of the centre"), bold=True)
    docx.paragraph(d, "{{ meetings_line }}")
    docx.loop_table(
        d,
        headers=[_("№"), _("Date"), _("Kind"), _("Present"), _("Agenda")],
        loop="m in meetings",
        cells=["{{ m.number }}", "{{ m.date }}", "{{ m.kind }}", "{{ m.present }}", "{{ m.topics_text }}"],
    )
    docx.paragraph(d, "2. " + _("Decisions"), bold=True)
    docx.paragraph(d, "{{ decisions_line }}")
    docx.paragraph(d, "{%p for text in open_decisions %}")
    docx.paragraph(d, "— {{ text }}")
    docx.paragraph(d, "{%p endfor %}")
    docx.paragraph(d, "3. " + _("The centre's annual plan"), bold=True)
    docx.paragraph(d, "{{ items_line }}")
    docx.loop_table(
        d,
        headers=[_("№"), _("Activity"), _("Period"), _("Status"), _("Result")],
        loop="i in plan_rows",
        cells=["{{ i.number }}", "{{ i.activity }}", "{{ i.period }}", "{{ i.status }}", "{{ i.result }}"],
    )
    docx.paragraph(d, "")
    docx.paragraph(d, _("Chair of the centre") + ": ____________ {{ report.chair }}")
    docx.paragraph(d, "{{ report.made_on }}")
    return d


def summary_lines(report: CentreReport) -> dict[str, str]:
    """The report's sentences, shared by the print view and the DOCX."""
    return {
        "meetings_line": _("Meetings held: %(total)s (planned: %(planned)s, unplanned: %(unplanned)s).")
        % {"total": len(report.meetings), "planned": report.planned_count, "unplanned": report.unplanned_count},
        "decisions_line": _("Decisions taken: %(total)s; done: %(done)s; open: %(open)s.")
        % {"total": report.decisions_total, "done": report.decisions_done, "open": report.decisions_open},
        "items_line": _("Plan items of the period: %(total)s; %(by_status)s.")
        % {"total": report.items_total, "by_status": ", ".join(f"{label}: {n}" for label, n in report.items_by_status)},
    }


def report_docx(report: CentreReport) -> bytes:
    meetings = [{**m.__dict__, "topics_text": "\n".join(m.topics)} for m in report.meetings]
    # Lists go in under their own names: "items" would be a dict's method inside the template.
    context = {
        "report": report,
        "meetings": meetings,
        "open_decisions": report.open_decisions,
        "plan_rows": report.items,
        **summary_lines(report),
    }
    return docx.render(_report_template, context)
