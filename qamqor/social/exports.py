"""The social passport in its printable shape (HTML print page and PDF, WeasyPrint as in
qamqor/engagement/letters.py) and as XLSX; the counts-only table as XLSX. Called inside
`translation.override(language)`: the headings come out in the document's language."""

from __future__ import annotations

import datetime as dt
import io

from django.contrib.staticfiles import finders
from django.template.loader import render_to_string
from django.utils.translation import gettext as _
from openpyxl import Workbook
from openpyxl.styles import Alignment, Font

from qamqor.core.academic_year import academic_year_label, academic_year_of
from qamqor.engagement.letters import head_name, letter_date
from qamqor.social.models import Category
from qamqor.social.passport import Passport


def category_codes() -> list[str]:
    return list(Category.values)


def counts_columns() -> list[str]:
    return [_("Number of children"), *(str(label) for label in Category.labels)]


def passport_title(result: Passport) -> str:
    if result.school_class is not None:
        return _("Social passport of class %(name)s") % {"name": result.school_class.name}
    return _("Social passport of the organisation")


def passport_context(result: Passport, *, for_pdf: bool = False) -> dict:
    from django.utils import translation

    language = translation.get_language() or "kk"
    return {
        "passport": result,
        "title": passport_title(result),
        "organization_name": result.organization.name,
        "year": academic_year_label(academic_year_of(result.day)),
        "date": letter_date(result.day, language if language in ("kk", "ru") else "ru"),
        "head": head_name(result.organization.pk),
        "for_pdf": for_pdf,
    }


def passport_pdf(result: Passport) -> bytes:
    from weasyprint import CSS, HTML  # imported here: loading Pango is slow and only PDFs need it

    html = render_to_string("social/passport_print.html", passport_context(result, for_pdf=True))
    # The journal's print stylesheet: the same A4 table layout and fonts with every Kazakh letter.
    stylesheet = CSS(filename=finders.find("qamqor/journal-print.css"))
    return HTML(string=html).write_pdf(stylesheets=[stylesheet])


def _bold_row(sheet) -> None:
    for cell in sheet[sheet.max_row]:
        cell.font = Font(bold=True)
        cell.alignment = Alignment(wrap_text=True, vertical="top")


def passport_xlsx(result: Passport) -> bytes:
    """Two sheets: the counts per category, and the named lists."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Counts")[:31]
    sheet.append([passport_title(result)])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([result.organization.name])
    sheet.append([_("As of %(date)s") % {"date": result.day.strftime("%d.%m.%Y")}])
    sheet.append([])
    sheet.append([_("Category"), _("Number of children")])
    _bold_row(sheet)
    sheet.append([_("Children in the class or organisation"), result.total])
    for category in result.categories:
        sheet.append([category.label, category.count])
    sheet.column_dimensions["A"].width = 55
    lists = workbook.create_sheet(_("Lists")[:31])
    lists.append([_("Category"), _("Class"), _("Child"), _("Birth date"), _("From"), _("Document")])
    _bold_row(lists)
    for category in result.categories:
        for entry in category.entries:
            record = entry.record
            document = " ".join(
                filter(None, [record.document_number, record.document_date.strftime("%d.%m.%Y") if record.document_date else ""])
            )
            lists.append(
                [category.label, entry.class_name, entry.child.full_name, entry.child.birth_date, record.starts_on, document]
            )
    for row in lists.iter_rows(min_row=2):
        for cell in row:
            if isinstance(cell.value, dt.date):
                cell.number_format = "DD.MM.YYYY"
    for letter, width in zip("ABCDEF", (40, 10, 36, 12, 12, 24)):
        lists.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def counts_xlsx(*, day: dt.date, table: list, hidden: bool) -> bytes:
    """Figures only: one row per organisation, no names."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Counts")[:31]
    sheet.append([_("Social passport: counts")])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([_("As of %(date)s") % {"date": day.strftime("%d.%m.%Y")}])
    if hidden:
        sheet.append([_("Counts from 1 to 4 are shown as “fewer than 5”, so that no child can be picked out.")])
    sheet.append([])
    sheet.append([_("Organisation"), *counts_columns()])
    _bold_row(sheet)
    for organization, values in table:
        sheet.append([organization.name, *(str(v) if not isinstance(v, int) else v for v in values)])
    sheet.column_dimensions["A"].width = 40
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()


def shared_xlsx(*, children: list, records: list, day: dt.date) -> bytes:
    """The named list a joint plan allows: only the given children, with their categories."""
    workbook = Workbook()
    sheet = workbook.active
    sheet.title = _("Lists")[:31]
    sheet.append([_("Children given by a joint plan")])
    sheet["A1"].font = Font(bold=True, size=13)
    sheet.append([_("As of %(date)s") % {"date": day.strftime("%d.%m.%Y")}])
    sheet.append([])
    sheet.append([_("Child"), _("Birth date"), _("Category")])
    _bold_row(sheet)
    categories: dict[int, list[str]] = {}
    for record in records:
        categories.setdefault(record.child_id, []).append(str(record.get_category_display()))
    for child in children:
        sheet.append([child.full_name, child.birth_date, "; ".join(categories.get(child.pk, []))])
        sheet.cell(row=sheet.max_row, column=2).number_format = "DD.MM.YYYY"
    for letter, width in zip("ABC", (36, 12, 60)):
        sheet.column_dimensions[letter].width = width
    out = io.BytesIO()
    workbook.save(out)
    return out.getvalue()
