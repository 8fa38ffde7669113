"""The half-year and annual reports (seed 002: half-year information and an annual report;
seed 003: the yearly summary at organisation, district and region level) as XLSX (openpyxl)
and PDF (WeasyPrint, as qamqor/engagement/letters.py), in Kazakh or Russian.

A report is built once as plain rows (`Report`), in the language of the document, then
written in either format, so both carry the same numbers. The district and region reports
carry no personal data: organisations' names and counts, sensitive counts suppressed."""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import dataclass, field

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils import formats
from django.utils.translation import gettext as _

from qamqor.reports.figures import Figures, kind_rows, organization_figures, rollup, suppressed, topic_rows

FORMATS = {
    "xlsx": "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet",
    "pdf": "application/pdf",
}
LANGUAGES = ("kk", "ru")


@dataclass
class Report:
    title: str
    period: str
    sections: list[tuple[str, list[tuple[str, object]]]] = field(default_factory=list)
    table_heading: str = ""
    table_columns: list[str] = field(default_factory=list)
    table_rows: list[list[object]] = field(default_factory=list)


def _period_text(start: dt.date, end: dt.date) -> str:
    return f"{formats.date_format(start, 'SHORT_DATE_FORMAT')} – {formats.date_format(end, 'SHORT_DATE_FORMAT')}"


def _dash(value) -> object:
    return "—" if value is None else value


def _sections(figures: Figures, *, exact: bool) -> list[tuple[str, list[tuple[str, object]]]]:
    """The figures as labelled rows; `exact` False suppresses the sensitive counts (officers)."""
    sensitive = (lambda v: v) if exact else suppressed
    return [
        (
            _("Requests and consultations"),
            [
                (_("Requests"), figures.requests),
                (_("Handled"), figures.handled),
                (_("Answered by phone at once"), figures.answered_by_phone),
                (_("Appointments"), figures.appointments),
                (_("Consultations held"), figures.appointments_held),
                (_("No-shows"), figures.no_shows),
                (_("Average days from request to consultation"), _dash(figures.average_wait_days)),
            ],
        ),
        (
            _("Effectiveness criteria (the «Үндестік» project)"),
            [
                (_("Parents' feedback, average of 1–5"), _dash(figures.feedback_average)),
                (_("Feedback given"), figures.feedback),
                (_("Satisfaction surveys, average of 1–5"), _dash(figures.survey_average)),
                (_("Families that took part in events, %"), _dash(figures.share_took_part)),
                (_("Events organised by parents, per 100 children"), _dash(figures.parent_events_per_100_children)),
                (_("Offences"), sensitive(figures.offences)),
                (_("Bullying cases"), sensitive(figures.bullying)),
                (_("Suicide cases"), sensitive(figures.suicide)),
            ],
        ),
        (_("Requests by topic"), topic_rows(figures)),
        (_("Appointments by kind of help"), kind_rows(figures)),
    ]


def _safety_cell(figures: Figures, name: str) -> object:
    """A sensitive count of one organisation in the officers' table: suppressed, "—" when the
    head recorded nothing for the period."""
    if not figures.safety_recorded:
        return "—"
    value = suppressed(getattr(figures, name))
    return value if isinstance(value, int) else str(value)  # "fewer than 5" as text in the document's language


def organization_report(*, organization, start: dt.date, end: dt.date) -> Report:
    figures = organization_figures(organization_id=organization.pk, start=start, end=end)
    return Report(title=organization.name, period=_period_text(start, end), sections=_sections(figures, exact=True))


def area_report(*, area, organizations, start: dt.date, end: dt.date) -> Report:
    level = "district_id" if area._meta.model_name == "district" else "region_id"
    result = rollup(organizations=organizations, area={level: area.pk}, start=start, end=end)
    return Report(
        title=area.name,
        period=_period_text(start, end),
        sections=_sections(result.total, exact=False),
        table_heading=_("Organisations compared"),
        table_columns=[
            _("Organisation"),
            _("Requests"),
            _("Handled"),
            _("Answered by phone at once"),
            _("Appointments"),
            _("No-shows"),
            _("Parents' feedback, average of 1–5"),
            _("Families that took part in events, %"),
            _("Offences"),
            _("Bullying cases"),
            _("Suicide cases"),
        ],
        table_rows=[
            [
                org.name,
                f.requests,
                f.handled,
                f.answered_by_phone,
                f.appointments,
                f.no_shows,
                _dash(f.feedback_average),
                _dash(f.share_took_part),
                *(_safety_cell(f, name) for name in ("offences", "bullying", "suicide")),
            ]
            for org, f in result.by_organization
        ],
    )


def render(report: Report, *, fmt: str, language: str) -> tuple[bytes, str]:
    """The report as a file; call inside translation.override(language)."""
    if fmt == "pdf":
        return _pdf(report, language), FORMATS["pdf"]
    return _xlsx(report), FORMATS["xlsx"]


def _xlsx(report: Report) -> bytes:
    from openpyxl import Workbook
    from openpyxl.styles import Font

    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Report")[:31]
    sheet.append([report.title])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([report.period])
    for heading, rows in report.sections:
        sheet.append([])
        sheet.append([heading])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        for label, value in rows:
            sheet.append([label, str(value) if not isinstance(value, int | float) else value])
    if report.table_rows:
        sheet.append([])
        sheet.append([report.table_heading])
        sheet.cell(row=sheet.max_row, column=1).font = Font(bold=True)
        sheet.append(report.table_columns)
        for cell in sheet[sheet.max_row]:
            cell.font = Font(bold=True)
        for row in report.table_rows:
            sheet.append(row)
    sheet.column_dimensions["A"].width = 50
    for letter in "BCDEFGHIJ":
        sheet.column_dimensions[letter].width = 16
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def _pdf(report: Report, language: str) -> bytes:
    from weasyprint import CSS, HTML  # imported here: loading Pango is slow and only PDFs need it

    html = render_to_string("reports/report_pdf.html", {"report": report, "language": language})
    stylesheet = CSS(filename=finders.find("reports/report.css"))
    return HTML(string=html).write_pdf(stylesheets=[stylesheet])
