"""Every write to regions, districts and organisations.

The organisation import (the `import_orgs` command) checks a whole file before it writes
anything: a region's list of kindergartens is loaded once, all of it or none of it, so a
half-imported file never has to be found and cleaned up by hand.
"""

from __future__ import annotations

import csv
import datetime as dt
import io
import zipfile
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass, field
from pathlib import Path

import openpyxl
from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _
from openpyxl.utils.exceptions import InvalidFileException

from qamqor.core.iin import has_valid_check_digit
from qamqor.core.validators import normalize_phone
from qamqor.orgs.models import District, Organization, Region

REQUIRED_COLUMNS = (
    "region_kato",
    "district_kato",
    "district_name_kk",
    "district_name_ru",
    "org_name_kk",
    "org_name_ru",
    "kind",
)
OPTIONAL_COLUMNS = ("bin", "address", "phone")
COLUMNS = REQUIRED_COLUMNS + OPTIONAL_COLUMNS

# Which column of the file a model field's error belongs to.
DISTRICT_FIELD_COLUMNS = {
    "kato": "district_kato",
    "name": "district_name_kk",
    "name_kk": "district_name_kk",
    "name_ru": "district_name_ru",
}
ORGANIZATION_FIELD_COLUMNS = {
    "name": "org_name_kk",
    "name_kk": "org_name_kk",
    "name_ru": "org_name_ru",
    "kind": "kind",
    "bin": "bin",
    "address": "address",
    "address_kk": "address",
    "phone": "phone",
}


class UnreadableFile(ValidationError):
    """The file as a whole cannot be imported: wrong type, not readable, columns missing."""


@dataclass(frozen=True)
class OrganizationRow:
    """One data row of an import file; `line` is its row number as a spreadsheet shows it
    (the header is row 1), so people can find the row the report talks about."""

    line: int
    values: Mapping[str, str]

    def get(self, column: str) -> str:
        return self.values.get(column, "").strip()


@dataclass(frozen=True)
class RowProblem:
    line: int
    column: str  # "" when the problem is the row as a whole
    message: str

    def __str__(self) -> str:
        if self.column:
            return _("Row %(line)d, %(column)s: %(message)s") % {
                "line": self.line,
                "column": self.column,
                "message": self.message,
            }
        return _("Row %(line)d: %(message)s") % {"line": self.line, "message": self.message}


@dataclass
class ImportReport:
    rows: int = 0
    districts_created: int = 0
    organizations_created: int = 0
    problems: list[RowProblem] = field(default_factory=list)
    dry_run: bool = False

    @property
    def ok(self) -> bool:
        return not self.problems

    @property
    def bad_lines(self) -> list[int]:
        return sorted({p.line for p in self.problems})


# Reading files --------------------------------------------------------------------------


def _cell_text(value: object) -> str:
    """A cell as the text a person sees: Excel keeps codes such as KATO and BIN as numbers."""
    if value is None:
        return ""
    if isinstance(value, bool):
        return str(value)
    if isinstance(value, float) and value.is_integer():
        return str(int(value))
    if isinstance(value, dt.datetime | dt.date):
        return value.isoformat()
    return str(value).strip()


def _rows_from_records(records: Iterable[Sequence[object]]) -> list[OrganizationRow]:
    """Rows keyed by header name; blank rows are skipped but still counted."""
    header: list[str] | None = None
    rows: list[OrganizationRow] = []
    for line, record in enumerate(records, start=1):
        cells = [_cell_text(v) for v in record]
        if not any(cells):
            continue
        if header is None:
            header = [c.strip().lower() for c in cells]
            missing = [c for c in REQUIRED_COLUMNS if c not in header]
            if missing:
                raise UnreadableFile(
                    _("The header (row %(line)d) lacks the columns %(columns)s. Expected columns: %(expected)s.")
                    % {"line": line, "columns": ", ".join(missing), "expected": ", ".join(COLUMNS)},
                    code="columns",
                )
            continue
        # The first of two columns with the same name wins; columns we do not know are ignored.
        values: dict[str, str] = {}
        for name, cell in zip(header, cells):
            if name in COLUMNS and name not in values:
                values[name] = cell
        rows.append(OrganizationRow(line=line, values=values))
    if header is None:
        raise UnreadableFile(_("The file is empty."), code="empty")
    if not rows:
        raise UnreadableFile(_("The file has a header but no rows to import."), code="no_rows")
    return rows


def _csv_records(path: Path) -> list[list[str]]:
    try:
        # utf-8-sig: Excel saves "CSV UTF-8" with a byte-order mark.
        text = path.read_text(encoding="utf-8-sig")
    except UnicodeDecodeError as exc:
        raise UnreadableFile(_("The CSV file is not UTF-8 text. Save it as “CSV UTF-8”."), code="encoding") from exc
    except OSError as exc:
        raise UnreadableFile(_("The file cannot be read: %(error)s") % {"error": exc.strerror or exc}, code="unreadable") from exc
    first_line = next((line for line in text.splitlines() if line.strip()), "")
    # Column names hold no separators, so the header tells us which one the file uses
    # (Excel with a Russian or Kazakh locale writes semicolons). csv.Sniffer guesses from
    # data rows too and is misled by commas inside addresses.
    delimiter = max(";,\t", key=first_line.count)
    if first_line.count(delimiter) == 0:
        delimiter = ","
    return list(csv.reader(io.StringIO(text, newline=""), delimiter=delimiter))


def _xlsx_records(path: Path) -> list[tuple[object, ...]]:
    try:
        workbook = openpyxl.load_workbook(path, read_only=True, data_only=True)
    except (InvalidFileException, zipfile.BadZipFile, KeyError, OSError) as exc:
        raise UnreadableFile(_("The file is not an Excel workbook (.xlsx) that can be read."), code="xlsx") from exc
    try:
        sheet = workbook.worksheets[0]
        # min_row=1 keeps row numbers as the spreadsheet shows them even above the first filled row.
        return list(sheet.iter_rows(min_row=1, values_only=True))
    finally:
        workbook.close()


def organization_rows_from_file(path: str | Path) -> list[OrganizationRow]:
    """The data rows of an .xlsx (first sheet) or .csv file whose first row is the header."""
    path = Path(path)
    suffix = path.suffix.lower()
    if suffix not in {".csv", ".xlsx"}:
        raise UnreadableFile(
            _("Cannot import a “%(suffix)s” file: use an Excel workbook (.xlsx) or a CSV file (.csv).")
            % {"suffix": suffix or path.name},
            code="file_type",
        )
    if not path.is_file():
        raise UnreadableFile(_("There is no file %(path)s.") % {"path": path}, code="missing")
    records = _csv_records(path) if suffix == ".csv" else _xlsx_records(path)
    return _rows_from_records(records)


# Checking and importing -----------------------------------------------------------------


@dataclass
class _PlannedDistrict:
    district: District
    line: int  # the row that creates it


@dataclass
class _Plan:
    problems: list[RowProblem] = field(default_factory=list)
    new_districts: dict[str, _PlannedDistrict] = field(default_factory=dict)
    organizations: list[Organization] = field(default_factory=list)  # in file order


class _RowProblems(list[RowProblem]):
    def __init__(self, line: int) -> None:
        super().__init__()
        self.line = line

    def add(self, column: str, message: str) -> None:
        self.append(RowProblem(self.line, column, message))

    def add_model_errors(self, error: ValidationError, columns: Mapping[str, str]) -> None:
        """The model's own messages, for the columns we have not already explained."""
        explained = {p.column for p in self}
        for name, messages in error.message_dict.items():
            column = columns.get(name, "")
            if column not in explained:
                for message in messages:
                    self.add(column, str(message))


def _plan(rows: Sequence[OrganizationRow]) -> _Plan:
    """Check every row against the database and the rest of the file; nothing is written.

    The database is read a fixed number of times however long the file is."""
    plan = _Plan()
    regions = {r.kato: r for r in Region.objects.all()}
    district_katos = {row.get("district_kato") for row in rows}
    districts = {d.kato: d for d in District.objects.filter(kato__in=district_katos).select_related("region")}
    bins = {row.get("bin").replace(" ", "") for row in rows} - {""}
    registered_bins = dict(Organization.objects.filter(bin__in=bins).values_list("bin", "name"))
    existing_names = {
        (kato, name.casefold())
        for kato, name in Organization.objects.filter(district__kato__in=district_katos).values_list("district__kato", "name_kk")
        if name
    }
    bin_lines: dict[str, int] = {}
    name_lines: dict[tuple[str, str], int] = {}

    for row in rows:
        problems = _RowProblems(row.line)
        for column in ("region_kato", "district_kato", "org_name_kk", "org_name_ru", "kind"):
            if not row.get(column):
                problems.add(column, _("This column is empty."))

        region_kato = row.get("region_kato")
        region = regions.get(region_kato)
        if region_kato and region is None:
            problems.add("region_kato", _("There is no region with KATO code %(kato)s.") % {"kato": region_kato})

        district_kato = row.get("district_kato")
        district = districts.get(district_kato)
        planned = plan.new_districts.get(district_kato)
        if district is not None:
            if region is not None and district.region_id != region.pk:
                problems.add(
                    "district_kato",
                    _("District %(kato)s «%(district)s» belongs to %(actual)s, not to %(region)s.")
                    % {"kato": district_kato, "district": district.name, "actual": district.region.name, "region": region.name},
                )
        elif planned is not None:
            district = planned.district
            if region is not None and district.region_id != region.pk:
                problems.add(
                    "district_kato",
                    _("District %(kato)s is in another region in row %(line)d.") % {"kato": district_kato, "line": planned.line},
                )
            if (row.get("district_name_kk"), row.get("district_name_ru")) != (district.name_kk, district.name_ru):
                problems.add(
                    "district_name_kk",
                    _("District %(kato)s has other names in row %(line)d.") % {"kato": district_kato, "line": planned.line},
                )
        elif district_kato and region is not None:
            for column in ("district_name_kk", "district_name_ru"):
                if not row.get(column):
                    problems.add(column, _("District %(kato)s is new, so it needs a name here.") % {"kato": district_kato})
            district = District(
                region=region,
                kato=district_kato,
                name=row.get("district_name_kk"),
                name_kk=row.get("district_name_kk"),
                name_ru=row.get("district_name_ru"),
            )
            try:
                # Uniqueness of the KATO code was settled by the lookup above.
                district.full_clean(validate_unique=False, validate_constraints=False)
            except ValidationError as exc:
                problems.add_model_errors(exc, DISTRICT_FIELD_COLUMNS)
            else:
                plan.new_districts[district_kato] = _PlannedDistrict(district, row.line)

        kind = row.get("kind").lower()
        if kind and kind not in Organization.Kind.values:
            problems.add(
                "kind",
                _("“%(kind)s” is not a kind of organisation: write %(kinds)s.")
                % {"kind": row.get("kind"), "kinds": " / ".join(Organization.Kind.values)},
            )

        bin_ = row.get("bin").replace(" ", "")
        if bin_:
            if not (len(bin_) == 12 and bin_.isdigit()):
                problems.add("bin", _("A BIN is exactly 12 digits (format the column as text so leading zeros stay)."))
            elif not has_valid_check_digit(bin_):
                problems.add("bin", _("This BIN has a wrong check digit; please check the number."))
            elif bin_ in registered_bins:
                problems.add(
                    "bin", _("BIN %(bin)s is already registered, to «%(name)s».") % {"bin": bin_, "name": registered_bins[bin_]}
                )
            elif bin_ in bin_lines:
                problems.add("bin", _("BIN %(bin)s is already in row %(line)d.") % {"bin": bin_, "line": bin_lines[bin_]})
            else:
                bin_lines[bin_] = row.line

        phone = row.get("phone")
        if phone:
            try:
                phone = normalize_phone(phone)
            except ValidationError as exc:
                problems.add("phone", " ".join(exc.messages))

        name_kk = " ".join(row.get("org_name_kk").split())
        name_ru = " ".join(row.get("org_name_ru").split())
        # Without a BIN, the name is what tells a second run of the same file from new rows.
        name_key = (district_kato, name_kk.casefold())
        if name_kk and name_key in existing_names:
            problems.add("org_name_kk", _("This district already has an organisation named «%(name)s».") % {"name": name_kk})
        elif name_kk and name_key in name_lines:
            problems.add("org_name_kk", _("The same organisation is already in row %(line)d.") % {"line": name_lines[name_key]})
        elif name_kk:
            name_lines[name_key] = row.line

        address = " ".join(row.get("address").split())
        organization = Organization(
            district=district,
            kind=kind,
            name=name_kk,
            name_kk=name_kk,
            name_ru=name_ru,
            bin=bin_,
            address=address,
            address_kk=address,
            phone=phone,
        )
        try:
            # The district may not exist yet; it is checked above. BINs too, against the whole file.
            organization.full_clean(exclude=["district"], validate_unique=False, validate_constraints=False)
        except ValidationError as exc:
            problems.add_model_errors(exc, ORGANIZATION_FIELD_COLUMNS)

        if problems:
            plan.problems.extend(problems)
        else:
            plan.organizations.append(organization)
    return plan


@transaction.atomic
def organizations_import(*, rows: Sequence[OrganizationRow], dry_run: bool = False) -> ImportReport:
    """Create the districts and organisations of `rows`, or nothing at all.

    Every row is checked first; if any is bad the report lists each problem with its row
    number and nothing is written. A dry run checks and counts without writing."""
    plan = _plan(rows)
    report = ImportReport(rows=len(rows), problems=plan.problems, dry_run=dry_run)
    if plan.problems:
        return report
    report.districts_created = len(plan.new_districts)
    report.organizations_created = len(plan.organizations)
    if dry_run:
        return report

    for planned in plan.new_districts.values():
        planned.district.full_clean()
        planned.district.save()
    for organization in plan.organizations:
        organization.district_id = organization.district.pk  # a new district has only now got its id
        # The one constraint, a unique BIN, was checked for the whole file above in this same
        # transaction (and the database enforces it); checking it again row by row would be
        # two queries per row, most of an import's time.
        organization.full_clean(validate_constraints=False)
        organization.save()
    return report
