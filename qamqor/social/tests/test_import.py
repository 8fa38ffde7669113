"""Class lists from XLSX keyed by IIN: the dry run lists each row's problem and nothing is
imported until the file is clean (issue 6, item 1 and bar 2)."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from openpyxl import Workbook

from qamqor.families.models import Child, Parent
from qamqor.social.imports import ALREADY, ENROL, NEW_CHILD, class_list_check, class_list_import, read_class_list
from qamqor.social.models import Enrolment
from qamqor.social.tests.factories import iin_for, pupil, school_class

YEAR = 2025
BORN = dt.date(2014, 5, 20)


def xlsx(rows: list[list], header: bool = True) -> SimpleUploadedFile:
    workbook = Workbook()
    sheet = workbook.active
    if header:
        sheet.append(["ЖСН", "Сынып", "Баланың аты-жөні", "Ата-анасы", "Телефон"])
    for row in rows:
        sheet.append(row)
    out = io.BytesIO()
    workbook.save(out)
    return SimpleUploadedFile("list.xlsx", out.getvalue())


@pytest.fixture
def classes(kindergarten):
    return school_class(kindergarten, "5А", YEAR), school_class(kindergarten, "5Б", YEAR)


def check(kindergarten, upload):
    return class_list_check(organization=kindergarten, academic_year=YEAR, rows=read_class_list(upload))


def test_the_dry_run_names_each_rows_problem_and_imports_nothing(kindergarten, classes):
    known = pupil(kindergarten, "Белгілі Бала", iin=iin_for(BORN, "m", 1), birth_date=BORN)
    good_new = iin_for(BORN, "f", 2)
    bad_check_digit = good_new[:11] + str((int(good_new[11]) + 1) % 10)
    duplicate = iin_for(BORN, "m", 30)
    rows = check(
        kindergarten,
        xlsx(
            [
                [known.iin, "5А"],  # line 2: enrol a registered child
                [good_new, "5б", "Жаңа Айша", "Жаңа Динара", "+7 701 222 33 44"],  # 3: new (class name case ignored)
                [bad_check_digit, "5А", "Қате Бала", "Қате Ана", "+7 701 222 33 45"],  # 4
                [iin_for(BORN, "m", 40), "9В", "Жоқ Сынып", "Ана", "+7 701 222 33 46"],  # 5: unknown class
                [duplicate, "5А", "Қос Бала", "Ана", "+7 701 222 33 47"],  # 6
                [duplicate, "5Б", "Қос Бала", "Ана", "+7 701 222 33 47"],  # 7: the same IIN again
                [iin_for(BORN, "m", 50), "5А"],  # 8: unknown child without names
                ["12345", "5А"],  # 9: not 12 digits
                [iin_for(BORN, "f", 60), "5А", "Телефонсыз", "Ана", "12"],  # 10: a phone that is not one
            ]
        ),
    )
    by_line = {r.line: r for r in rows}
    assert by_line[2].action == ENROL and not by_line[2].problems
    assert by_line[3].action == NEW_CHILD and not by_line[3].problems
    assert by_line[4].problems == ["The IIN's check digit is wrong."]
    assert by_line[5].problems == ["There is no class «9В» in 2025–2026."]
    assert not by_line[6].problems
    assert by_line[7].problems == ["This IIN is also on line 6."]
    assert by_line[8].problems == [
        "No child with this IIN is registered: give the child's and parent's full names and the parent's phone."
    ]
    assert by_line[9].problems == ["An IIN is 12 digits."]
    assert len(by_line[10].problems) == 1
    with pytest.raises(ValidationError, match="nothing was imported"):
        class_list_import(
            organization=kindergarten, academic_year=YEAR, rows=rows, enrolled_on=dt.date(2025, 9, 1), consent_on_file=True
        )
    assert not Enrolment.objects.exists()
    assert not Child.objects.filter(full_name="Жаңа Айша").exists()


def test_a_clean_file_is_imported(kindergarten, classes, django_assert_max_num_queries):
    known = pupil(kindergarten, "Белгілі Бала", iin=iin_for(BORN, "m", 1), birth_date=BORN)
    new_iin = iin_for(BORN, "f", 2)
    rows = check(
        kindergarten,
        xlsx([[int(known.iin), "5А"], [new_iin, "5Б", "Жаңа  Айша", "Жаңа Динара", "8 701 222 33 44"]], header=False),
    )
    assert [r.problems for r in rows] == [[], []]
    counts = class_list_import(
        organization=kindergarten, academic_year=YEAR, rows=rows, enrolled_on=dt.date(2025, 9, 1), consent_on_file=True
    )
    assert counts == {ENROL: 1, NEW_CHILD: 1, ALREADY: 0}
    aisha = Child.objects.get(iin=new_iin)
    assert (aisha.full_name, aisha.birth_date, aisha.sex) == ("Жаңа Айша", BORN, "f")
    assert aisha.parent.phone == "+77012223344" and aisha.parent.has_consent("child")
    assert Enrolment.objects.get(child=aisha).school_class == classes[1]
    assert Enrolment.objects.get(child=known).school_class == classes[0]
    # The same file again: everyone is already in their class; nothing changes.
    again = class_list_check(organization=kindergarten, academic_year=YEAR, rows=rows)
    assert [r.action for r in again] == [ALREADY, ALREADY]
    assert Parent.objects.filter(phone="+77012223344").count() == 1


def test_new_children_need_the_consents_on_file(kindergarten, classes):
    rows = check(kindergarten, xlsx([[iin_for(BORN, "f", 2), "5А", "Жаңа Айша", "Жаңа Динара", "+7 701 222 33 44"]]))
    with pytest.raises(ValidationError) as refused:
        class_list_import(
            organization=kindergarten, academic_year=YEAR, rows=rows, enrolled_on=dt.date(2025, 9, 1), consent_on_file=False
        )
    assert "consent_on_file" in refused.value.error_dict
    assert not Child.objects.exists()


def test_a_child_in_another_class_is_a_problem(kindergarten, classes):
    child = pupil(kindergarten, "Бала", in_class=classes[0], iin=iin_for(BORN, "m", 1), birth_date=BORN)
    rows = class_list_check(
        organization=kindergarten,
        academic_year=YEAR,
        rows=read_class_list(xlsx([[child.iin, "5Б"]])),
    )
    assert rows[0].problems and "5А" in rows[0].problems[0]


def test_a_file_that_is_not_a_workbook_is_refused():
    with pytest.raises(ValidationError, match="not an Excel workbook"):
        read_class_list(SimpleUploadedFile("list.xlsx", b"name,iin\n"))


def test_an_empty_workbook_is_refused():
    with pytest.raises(ValidationError, match="no rows"):
        read_class_list(xlsx([]))


def test_the_check_costs_the_same_queries_for_more_rows(kindergarten, classes, django_assert_num_queries):
    # 1 classes, 2 children by IIN, 3 their enrolments this year
    pupil(kindergarten, "Белгілі", iin=iin_for(BORN, "m", 0), birth_date=BORN)
    small = read_class_list(xlsx([[iin_for(BORN, "m", n), "5А", "Бала", "Ана", "+7 701 222 33 44"] for n in range(2)]))
    large = read_class_list(xlsx([[iin_for(BORN, "m", n), "5А", "Бала", "Ана", "+7 701 222 33 44"] for n in range(40)]))
    with django_assert_num_queries(3):
        class_list_check(organization=kindergarten, academic_year=YEAR, rows=small)
    with django_assert_num_queries(3):
        class_list_check(organization=kindergarten, academic_year=YEAR, rows=large)
