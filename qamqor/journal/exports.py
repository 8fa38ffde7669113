"""The journal in its official shape (seed 000, seed 001 §7): print view, PDF and XLSX.

Columns: date, time, parent's full name, child, topic, specialist's full name,
recommendations; the same rows for all three formats."""

from __future__ import annotations

import io

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from qamqor.journal.selectors import JournalRow


def journal_columns() -> list[str]:
    return [
        _("№"),
        _("Date"),
        _("Time"),
        _("Parent's full name"),
        _("Child"),
        _("Topic"),
        _("Specialist's full name"),
        _("Recommendations"),
    ]


def journal_pdf(context: dict) -> bytes:
    from weasyprint import CSS, HTML  # imported here: loading Pango is slow and only PDFs need it

    html = render_to_string("journal/journal_print.html", {**context, "for_pdf": True})
    # The print view's stylesheet, read from the source (no inline <style>: the CSP forbids it).
    stylesheet = CSS(filename=finders.find("qamqor/journal-print.css"))
    return HTML(string=html).write_pdf(stylesheets=[stylesheet])


def journal_xlsx(*, title: str, subtitle: str, rows: list[JournalRow]) -> bytes:
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Journal")[:31]
    sheet.append([title])
    sheet.append([subtitle])
    sheet.append([])
    sheet.append(journal_columns())
    for cell in sheet[4]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet["A1"].font = Font(bold=True, size=13)
    for row in rows:
        sheet.append(
            [row.number, row.date, row.time, row.parent, row.child, row.topic, row.specialists, row.recommendations]
        )
    for letter, width in zip("ABCDEFGH", (6, 12, 8, 30, 24, 34, 30, 50)):
        sheet.column_dimensions[letter].width = width
    for line in sheet.iter_rows(min_row=5):
        for cell in line:
            cell.alignment = Alignment(wrap_text=True, vertical="top")
    sheet.freeze_panes = "A5"
    sheet.print_title_rows = "4:4"
    sheet.page_setup.orientation = "landscape"
    buffer = io.BytesIO()
    workbook.save(buffer)
    return buffer.getvalue()
