"""manage.py import_orgs: a whole file of districts and organisations, or nothing."""

from __future__ import annotations

import csv
from io import StringIO

import openpyxl
import pytest
from django.core.management import CommandError, call_command
from django.utils import translation

from qamqor.core.iin import check_digit
from qamqor.core.testing import factories as f
from qamqor.orgs.models import District, Organization

HEADER = [
    "region_kato",
    "district_kato",
    "district_name_kk",
    "district_name_ru",
    "org_name_kk",
    "org_name_ru",
    "kind",
    "bin",
    "address",
    "phone",
]
ASTANA, ALMATY = "710000000", "750000000"


def a_bin(serial: int) -> str:
    """A BIN with a correct check digit (registered in February 2008)."""
    while True:
        first = f"0802400{serial:04d}"
        digit = check_digit(first)
        if digit is not None:
            return f"{first}{digit}"
        serial += 1


def row(
    org: str,
    *,
    region: str = ASTANA,
    district: str = "711110000",
    kind: str = "kindergarten",
    bin_: str = "",
    phone: str = "",
    address: str = "",
    name_ru: str | None = None,
) -> list[str]:
    return [
        region,
        district,
        "Алматы ауданы",
        "район Алматы",
        org,
        name_ru if name_ru is not None else f"{org} (ru)",
        kind,
        bin_,
        address,
        phone,
    ]


def good_rows() -> list[list[str]]:
    return [
        row("№1 «Балапан» балабақшасы", bin_=a_bin(1), address="Сарыарқа д-лы, 5", phone="8 7172 12 34 56"),
        row("№2 «Айгөлек» балабақшасы", kind="school"),
    ]


def write_csv(path, rows, *, delimiter: str = ",", bom: bool = False, header=HEADER):
    with path.open("w", encoding="utf-8-sig" if bom else "utf-8", newline="") as fh:
        writer = csv.writer(fh, delimiter=delimiter)
        writer.writerow(header)
        writer.writerows(rows)
    return path


def write_xlsx(path, rows):
    workbook = openpyxl.Workbook()
    sheet = workbook.active
    sheet.append([name.upper() for name in HEADER])  # header names are case-insensitive
    for r in rows:
        sheet.append(r)
    workbook.save(path)
    return path


def run(*args) -> tuple[str, str]:
    out, err = StringIO(), StringIO()
    call_command("import_orgs", *[str(a) for a in args], stdout=out, stderr=err)
    return out.getvalue(), err.getvalue()


def run_failing(*args) -> tuple[str, CommandError]:
    err = StringIO()
    with pytest.raises(CommandError) as exc:
        call_command("import_orgs", *[str(a) for a in args], stdout=StringIO(), stderr=err)
    return err.getvalue(), exc.value


def counts() -> tuple[int, int]:
    return District.objects.count(), Organization.objects.count()


@pytest.fixture(autouse=True)
def english():
    with translation.override("en"):
        yield


@pytest.fixture
def almaly(db):
    """A district of Almaty that is already there, with one organisation."""
    district = f.DistrictFactory(kato="751110000", name="Алмалы ауданы", name_kk="Алмалы ауданы", name_ru="Алмалинский район")
    f.OrganizationFactory(district=district, name="№5 бөбекжай", name_kk="№5 бөбекжай", bin=a_bin(50))
    return district


def test_good_csv_is_imported(almaly, tmp_path):
    rows = [*good_rows(), row("№3 «Нұр» балабақшасы", region=ALMATY, district=almaly.kato)]
    before = counts()

    out, err = run(write_csv(tmp_path / "orgs.csv", rows))

    assert err == ""
    assert "Districts created: 1. Organisations created: 3." in out
    assert counts() == (before[0] + 1, before[1] + 3)
    district = District.objects.get(kato="711110000")
    assert (district.region.kato, district.name, district.name_kk, district.name_ru) == (
        ASTANA,
        "Алматы ауданы",
        "Алматы ауданы",
        "район Алматы",
    )
    balapan = Organization.objects.get(bin=a_bin(1))
    assert balapan.district == district
    assert (balapan.name, balapan.name_kk, balapan.name_ru) == ("№1 «Балапан» балабақшасы",) * 2 + (
        "№1 «Балапан» балабақшасы (ru)",
    )
    assert balapan.kind == Organization.Kind.KINDERGARTEN
    assert balapan.phone == "+77172123456"  # stored as E.164
    assert balapan.address_kk == "Сарыарқа д-лы, 5"
    assert Organization.objects.get(name_kk="№2 «Айгөлек» балабақшасы").kind == Organization.Kind.SCHOOL
    assert Organization.objects.get(name_kk="№3 «Нұр» балабақшасы").district == almaly  # reused, not created


def test_good_xlsx_is_imported(db, tmp_path):
    rows = good_rows()
    # Excel keeps codes and phones typed without quotes as numbers.
    rows[1][0], rows[1][1], rows[1][9] = int(ASTANA), 711110000, 87011234567
    before = counts()

    out, _err = run(write_xlsx(tmp_path / "orgs.xlsx", rows))

    assert "Districts created: 1. Organisations created: 2." in out
    assert counts() == (before[0] + 1, before[1] + 2)
    assert Organization.objects.get(name_kk="№2 «Айгөлек» балабақшасы").phone == "+77011234567"


def test_semicolon_csv_with_bom_is_imported(db, tmp_path):
    """What Excel writes as "CSV UTF-8" on a computer set to Kazakh or Russian."""
    path = write_csv(tmp_path / "orgs.csv", good_rows(), delimiter=";", bom=True)
    assert path.read_bytes().startswith(b"\xef\xbb\xbf")

    out, _err = run(path)

    assert "Organisations created: 2." in out
    assert Organization.objects.filter(district__kato="711110000").count() == 2


@pytest.mark.parametrize(
    ("bad_row", "message"),
    [
        (row("№9 балабақша", region="990000000"), "Row 3, region_kato: There is no region with KATO code 990000000."),
        (row("№9 балабақша", bin_="12345"), "Row 3, bin: A BIN is exactly 12 digits"),
        (
            row("№9 балабақша", bin_=a_bin(9)[:-1] + str((int(a_bin(9)[-1]) + 1) % 10)),
            "Row 3, bin: This BIN has a wrong check digit",
        ),
        (row("№9 балабақша", phone="+7 701 123"), "Row 3, phone: "),
        (row(""), "Row 3, org_name_kk: This column is empty."),
        (row("№9 балабақша", name_ru=""), "Row 3, org_name_ru: This column is empty."),
        (row("№9 балабақша", kind="university"), "Row 3, kind: “university” is not a kind of organisation"),
        (row("№9 балабақша", district="751110000"), "Row 3, district_kato: District 751110000 «Алмалы ауданы» belongs to"),
        (
            row("№9 балабақша", bin_=a_bin(50)),
            f"Row 3, bin: BIN {a_bin(50)} is already registered, to «№5 бөбекжай».",
        ),
        (row("№9 балабақша", bin_=a_bin(1)), f"Row 3, bin: BIN {a_bin(1)} is already in row 2."),
        (row("№1 «Балапан» балабақшасы"), "Row 3, org_name_kk: The same organisation is already in row 2."),
    ],
    ids=[
        "unknown region",
        "short BIN",
        "BIN check digit",
        "bad phone",
        "missing name",
        "missing Russian name",
        "unknown kind",
        "district in another region",
        "BIN registered",
        "BIN twice in the file",
        "organisation twice in the file",
    ],
)
def test_one_bad_row_stops_the_whole_import(almaly, tmp_path, bad_row, message):
    first, second = good_rows()
    before = counts()

    err, exc = run_failing(write_csv(tmp_path / "orgs.csv", [first, bad_row, second]))

    assert message in err
    assert "Row 2" not in err and "Row 4" not in err
    assert str(exc) == "1 of 3 rows has problems; nothing was imported."
    assert exc.returncode == 1
    assert counts() == before


def test_every_bad_row_is_reported_by_its_spreadsheet_row_number(almaly, tmp_path):
    rows = [
        good_rows()[0],
        row("A", region="990000000"),  # row 3
        [""] * len(HEADER),  # row 4: blank rows are skipped but keep the numbering
        row("B", bin_="12345"),  # row 5
        row("C", phone="12345"),  # row 6
        good_rows()[1],  # row 7
        row("D", kind=""),  # row 8
        row("E", district=almaly.kato),  # row 9
        row("F", bin_=a_bin(1)),  # row 10
    ]
    path = write_xlsx(tmp_path / "orgs.xlsx", rows)
    before = counts()

    err, exc = run_failing(path)

    reported = sorted({int(line.split(",")[0].removeprefix("Row ")) for line in err.splitlines()})
    assert reported == [3, 5, 6, 8, 9, 10]
    assert "6 of 8 rows have problems" in str(exc)
    assert counts() == before


def test_dry_run_checks_and_writes_nothing(db, tmp_path):
    before = counts()

    out, _err = run(write_csv(tmp_path / "orgs.csv", good_rows()), "--dry-run")

    assert "Dry run: all 2 rows are correct; nothing was written." in out
    assert "Districts to create: 1. Organisations to create: 2." in out
    assert counts() == before


def test_dry_run_reports_bad_rows_too(db, tmp_path):
    err, _exc = run_failing(write_csv(tmp_path / "orgs.csv", [row("A", kind="zoo")]), "--dry-run")

    assert "Row 2, kind:" in err


def test_importing_the_same_file_twice_is_refused(db, tmp_path):
    path = write_csv(tmp_path / "orgs.csv", good_rows())
    run(path)
    before = counts()

    err, _exc = run_failing(path)

    assert f"Row 2, bin: BIN {a_bin(1)} is already registered" in err
    assert "Row 3, org_name_kk: This district already has an organisation named «№2 «Айгөлек» балабақшасы»." in err
    assert counts() == before


def test_a_new_district_must_have_its_names(db, tmp_path):
    bad = row("A")
    bad[3] = ""

    err, _exc = run_failing(write_csv(tmp_path / "orgs.csv", [bad]))

    assert "Row 2, district_name_ru: District 711110000 is new, so it needs a name here." in err


def test_unsupported_file_type_is_refused(db, tmp_path):
    path = tmp_path / "orgs.xls"
    path.write_bytes(b"\xd0\xcf\x11\xe0")

    _err, exc = run_failing(path)

    assert "Cannot import a “.xls” file: use an Excel workbook (.xlsx) or a CSV file (.csv)." in str(exc)


def test_a_file_that_is_not_a_workbook_is_refused(db, tmp_path):
    path = tmp_path / "orgs.xlsx"
    path.write_text("region_kato,district_kato\n", encoding="utf-8")

    _err, exc = run_failing(path)

    assert "not an Excel workbook" in str(exc)


def test_missing_columns_are_named(db, tmp_path):
    path = write_csv(tmp_path / "orgs.csv", [], header=["region_kato", "district_kato", "org_name_kk"])

    _err, exc = run_failing(path)

    assert "lacks the columns district_name_kk, district_name_ru, org_name_ru, kind" in str(exc)


def test_a_csv_that_is_not_utf8_is_refused(db, tmp_path):
    path = tmp_path / "orgs.csv"
    path.write_bytes(";".join(HEADER).encode() + "\n710000000;711110000;Алматы;Алматы;А;А;school;;;\n".encode("cp1251"))

    _err, exc = run_failing(path)

    assert "not UTF-8" in str(exc)
