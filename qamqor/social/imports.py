"""Class lists from XLSX, keyed by IIN (issue 6, item 1): a dry run first, then the import.

The sheet's first five columns, in this order: the child's IIN, the class (or group), the
child's full name, the parent's full name, the parent's phone. A first row that does not start
with an IIN is a header and skipped. A child already registered in the organisation is found
by the IIN and needs only the first two columns; a new child needs all five (birth date and sex
are read from the IIN).

`class_list_check` lists every row's problems; `class_list_import` re-checks the rows (the
classes or children may have changed since the preview) and imports nothing unless all are clean.
"""

from __future__ import annotations

import datetime as dt
import io
from dataclasses import asdict, dataclass, field

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qamqor.core.academic_year import academic_year_label
from qamqor.core.iin import IINError, parse_iin
from qamqor.core.validators import normalize_phone
from qamqor.families.models import Child, Parent
from qamqor.families.services import child_create, parent_create
from qamqor.orgs.models import Organization
from qamqor.social.models import Enrolment, SchoolClass
from qamqor.social.services import enrolment_create

MAX_ROWS = 3000
MAX_BYTES = 5 * 1024 * 1024

ENROL = "enrol"
NEW_CHILD = "new_child"
ALREADY = "already"


@dataclass
class ImportRow:
    line: int
    iin: str
    class_name: str
    full_name: str = ""
    parent_name: str = ""
    parent_phone: str = ""
    action: str = ""
    problems: list[str] = field(default_factory=list)

    def as_dict(self) -> dict:
        return asdict(self)


def _cell(value) -> str:
    if value is None:
        return ""
    if isinstance(value, float) and value.is_integer():
        value = int(value)
    if isinstance(value, int):
        # A spreadsheet keeps an IIN typed as a number without its leading zero (born 2000–2009).
        return str(value).zfill(12) if len(str(value)) in (11, 12) else str(value)
    return " ".join(str(value).split())


def read_class_list(upload) -> list[ImportRow]:
    """The rows of the first sheet; a file that is not an XLSX workbook is refused."""
    from openpyxl import load_workbook

    if upload.size > MAX_BYTES:
        raise ValidationError(_("The file is larger than 5 MB."))
    try:
        workbook = load_workbook(io.BytesIO(upload.read()), read_only=True, data_only=True)
    except Exception as exc:  # openpyxl raises many kinds for a file that is not a workbook
        raise ValidationError(_("This file is not an Excel workbook (.xlsx).")) from exc
    rows: list[ImportRow] = []
    for line, values in enumerate(workbook.worksheets[0].iter_rows(max_col=5, values_only=True), start=1):
        cells = [_cell(v) for v in (*values, None, None, None, None, None)[:5]]
        if not any(cells):
            continue
        if line == 1 and not cells[0].isdigit():
            continue  # the header
        rows.append(ImportRow(line, *cells))
        if len(rows) > MAX_ROWS:
            raise ValidationError(_("A file may hold at most %(count)s rows.") % {"count": MAX_ROWS})
    workbook.close()
    if not rows:
        raise ValidationError(_("The file has no rows."))
    return rows


IIN_PROBLEMS = {
    "format": lambda: _("An IIN is 12 digits."),
    "century": lambda: _("The IIN's 7th digit (century and sex) is wrong."),
    "date": lambda: _("The IIN does not hold a valid birth date."),
    "checksum": lambda: _("The IIN's check digit is wrong."),
}


def class_list_check(*, organization: Organization, academic_year: int, rows: list[ImportRow]) -> list[ImportRow]:
    """Each row's action and problems, in three queries whatever the number of rows."""
    classes = {c.name.casefold(): c for c in SchoolClass.objects.filter(organization=organization, academic_year=academic_year)}
    iins = [r.iin for r in rows if r.iin]
    children = {c.iin: c for c in Child.objects.filter(organization=organization, iin__in=iins)}
    current = {
        e.child_id: e
        for e in Enrolment.objects.filter(child__in=children.values(), school_class__academic_year=academic_year)
        .on(max(timezone.localdate(), dt.date(academic_year, 9, 1)))
        .select_related("school_class")
    }
    first_line: dict[str, int] = {}
    for row in rows:
        row.problems, row.action, info = [], "", None
        if not row.iin:
            row.problems.append(_("The IIN is missing."))
        else:
            try:
                info = parse_iin(row.iin)
            except IINError as exc:
                row.problems.append(IIN_PROBLEMS[exc.code]())
            if row.iin in first_line:
                row.problems.append(_("This IIN is also on line %(line)s.") % {"line": first_line[row.iin]})
            else:
                first_line[row.iin] = row.line
        school_class = classes.get(row.class_name.casefold())
        if not row.class_name:
            row.problems.append(_("The class is missing."))
        elif school_class is None:
            row.problems.append(
                _("There is no class «%(name)s» in %(year)s.")
                % {"name": row.class_name, "year": academic_year_label(academic_year)}
            )
        child = children.get(row.iin)
        if child is not None:
            enrolment = current.get(child.pk)
            if enrolment is None:
                row.action = ENROL
            elif school_class is not None and enrolment.school_class_id == school_class.pk:
                row.action = ALREADY
            else:
                row.problems.append(
                    _("The child is already in class %(name)s; record a move on the child's page.")
                    % {"name": enrolment.school_class.name}
                )
        elif row.iin and not row.problems:
            row.action = NEW_CHILD
            if not (row.full_name and row.parent_name and row.parent_phone):
                row.problems.append(
                    _("No child with this IIN is registered: give the child's and parent's full names and the parent's phone.")
                )
            else:
                try:
                    normalize_phone(row.parent_phone)
                except ValidationError as exc:
                    row.problems.extend(exc.messages)
                if info is not None and info.birth_date > timezone.localdate():
                    row.problems.append(_("The birth date in the IIN is in the future."))
    return rows


@transaction.atomic
def class_list_import(
    *,
    organization: Organization,
    academic_year: int,
    rows: list[ImportRow],
    enrolled_on: dt.date,
    consent_on_file: bool,
    by=None,
) -> dict[str, int]:
    """Enrol the rows' children (adding the new ones); nothing at all when a row has a problem."""
    rows = class_list_check(organization=organization, academic_year=academic_year, rows=rows)
    if any(r.problems for r in rows):
        raise ValidationError(_("The file has rows with problems; nothing was imported."))
    if any(r.action == NEW_CHILD for r in rows) and not consent_on_file:
        raise ValidationError(
            {"consent_on_file": _("New children are added only when their parents' written consents are on file.")}
        )
    classes = {c.name.casefold(): c for c in SchoolClass.objects.filter(organization=organization, academic_year=academic_year)}
    children = {c.iin: c for c in Child.objects.filter(organization=organization, iin__in=[r.iin for r in rows])}
    counts = {ENROL: 0, NEW_CHILD: 0, ALREADY: 0}
    for row in rows:
        counts[row.action] += 1
        if row.action == ALREADY:
            continue
        child = children.get(row.iin)
        if row.action == NEW_CHILD:
            info = parse_iin(row.iin)
            phone = normalize_phone(row.parent_phone)
            parent = Parent.objects.filter(organization=organization, phone=phone).order_by("pk").first()
            if parent is None:
                parent = parent_create(
                    organization=organization, full_name=row.parent_name, phone=phone, consent_method="paper", recorded_by=by
                )
            child = child_create(
                parent=parent,
                full_name=row.full_name,
                birth_date=info.birth_date,
                sex=info.sex,
                iin=row.iin,
                consent_method="paper",
                recorded_by=by,
            )
        enrolment_create(school_class=classes[row.class_name.casefold()], child=child, enrolled_on=enrolled_on)
    return counts
