"""A plan as staff sign it: the table №, activity, period, responsible (seed 004), with its
section headings, as a print view, a PDF (WeasyPrint) and a DOCX (docxtpl).

The three share `plan_context`; the rows are in the active language (periods and roles are
translated, what staff typed is printed as typed)."""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import gettext as _

from qamqor.council import docx
from qamqor.plans.models import Plan, PlanItem

DOCX_TYPE = docx.DOCX_TYPE


@dataclass(frozen=True)
class PlanRow:
    number: str
    activity: str
    period: str
    responsible: str
    is_section: bool = False


def plan_rows(items: list[PlanItem]) -> list[PlanRow]:
    """The table's rows: a heading row where the section changes, then the item."""
    rows: list[PlanRow] = []
    section = ""
    for item in items:
        if item.section and item.section != section:
            rows.append(PlanRow(number="", activity=item.section, period="", responsible="", is_section=True))
        section = item.section
        rows.append(
            PlanRow(
                number=item.number,
                activity=item.activity,
                period=item.period_label(),
                responsible="\n".join(item.responsible_lines()),
            )
        )
    return rows


def plan_columns() -> list[str]:
    return [_("№"), _("Activity"), _("Period"), _("Responsible")]


def approval_line(plan: Plan) -> str:
    meeting = plan.approved_at_meeting
    if meeting is not None:
        return _("Approved by the minutes of the meeting of the parent support centre No. %(number)s of %(date)s") % {
            "number": meeting.number,
            "date": meeting.date.strftime("%d.%m.%Y"),
        }
    return plan.approval_note


def plan_context(plan: Plan, items: list[PlanItem]) -> dict:
    return {
        "plan": plan,
        "organization_name": plan.organization.name,
        "title": str(plan),
        "year_label": _("%(year)s academic year") % {"year": plan.year_label},
        "approval": approval_line(plan),
        "columns": plan_columns(),
        "rows": plan_rows(items),
    }


def plan_pdf(plan: Plan, items: list[PlanItem]) -> bytes:
    from weasyprint import CSS, HTML  # imported here: loading Pango is slow and only PDFs need it

    html = render_to_string("plans/plan_print.html", {**plan_context(plan, items), "for_pdf": True})
    stylesheet = CSS(filename=finders.find("plans/plan-print.css"))
    return HTML(string=html).write_pdf(stylesheets=[stylesheet])


def _plan_template():
    document = docx.new_document()
    docx.paragraph(document, "{{ organization_name }}", center=True)
    docx.paragraph(document, "{% if approval %}{{ approval }}{% endif %}")
    docx.paragraph(document, "{{ title }}", bold=True, center=True, size=14)
    docx.paragraph(document, "{{ year_label }}", center=True)
    docx.loop_table(
        document,
        headers=plan_columns(),
        loop="row in rows",
        cells=["{{ row.number }}", "{{ row.activity }}", "{{ row.period }}", "{{ row.responsible }}"],
    )
    return document


def plan_docx(plan: Plan, items: list[PlanItem]) -> bytes:
    return docx.render(_plan_template, plan_context(plan, items))
