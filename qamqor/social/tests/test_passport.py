"""The social passport as of a date, against counts worked out by hand (issue 6, bar 2)."""

from __future__ import annotations

import datetime as dt

import pytest

from qamqor.core.testing import factories as f
from qamqor.social.passport import category_counts, movement, passport
from qamqor.social.tests.factories import category, pupil, school_class

D = dt.date


@pytest.fixture
def school(kindergarten):
    """Two classes of 2025–2026 and their children (see each line for the dates):

    Aru     5А from 1 Sep           orphan since 2020; low-income 1 Sep – 10 Jan (ended on the 10th)
    Bolat   5А 1 Sep – 15 Dec       large family since 2024
    Dana    5Б from 1 Sep           large family from 1 Oct; low-income from 20 Nov
    Erlan   5Б from 1 Nov           semi-orphan from 5 Nov
    Zhanna  5А from 1 Sep, 5Б from 1 Feb   kandas from 1 Sep
    Mira    in no class             orphan (not counted: not a pupil)
    and an orphan of another organisation in a class there (not counted)."""
    a, b = school_class(kindergarten, "5А", 2025), school_class(kindergarten, "5Б", 2025)
    aru = pupil(kindergarten, "Әлиева Ару", in_class=a)
    category(aru, "orphan", D(2020, 1, 1))
    category(aru, "low_income", D(2025, 9, 1), D(2026, 1, 10))
    bolat = pupil(kindergarten, "Бекұлы Болат", in_class=a)
    bolat.social_enrolments.update(left_on=D(2025, 12, 15))
    category(bolat, "large_family", D(2024, 1, 1))
    dana = pupil(kindergarten, "Дәулетова Дана", in_class=b)
    category(dana, "large_family", D(2025, 10, 1))
    category(dana, "low_income", D(2025, 11, 20))
    erlan = pupil(kindergarten, "Ерланов Ерлан", in_class=b, on=D(2025, 11, 1))
    category(erlan, "semi_orphan", D(2025, 11, 5))
    zhanna = pupil(kindergarten, "Жақсыбекова Жанна", in_class=a)
    from qamqor.social.services import enrolment_create

    enrolment_create(school_class=b, child=zhanna, enrolled_on=D(2026, 2, 1))
    category(zhanna, "kandas", D(2025, 9, 1))
    category(pupil(kindergarten, "Мұратова Мира"), "orphan", D(2020, 1, 1))
    other = f.OrganizationFactory()
    category(pupil(other, "Басқа Бала", in_class=school_class(other, "5А", 2025)), "orphan", D(2020, 1, 1))
    return {"org": kindergarten, "5А": a, "5Б": b}


def counts(result) -> dict[str, int]:
    return {c.code: c.count for c in result.categories if c.count}


def names(result, code: str) -> list[str]:
    return [e.child.full_name for c in result.categories if c.code == code for e in c.entries]


def test_the_organisation_on_15_october(school):
    result = passport(organization=school["org"], day=D(2025, 10, 15))
    assert result.total == 4  # Erlan has not arrived yet
    assert counts(result) == {"orphan": 1, "low_income": 1, "large_family": 2, "kandas": 1}
    assert names(result, "large_family") == ["Бекұлы Болат", "Дәулетова Дана"]  # by class, then name
    assert result.with_any_category == 4


def test_the_organisation_on_the_day_a_child_left(school):
    result = passport(organization=school["org"], day=D(2025, 12, 15))
    assert result.total == 4  # Bolat left on the 15th, Erlan came
    assert counts(result) == {"orphan": 1, "low_income": 2, "large_family": 1, "semi_orphan": 1, "kandas": 1}


def test_a_category_does_not_hold_on_the_day_it_ended(school):
    assert counts(passport(organization=school["org"], day=D(2026, 1, 9)))["low_income"] == 2
    assert counts(passport(organization=school["org"], day=D(2026, 1, 10)))["low_income"] == 1
    assert names(passport(organization=school["org"], day=D(2026, 1, 10)), "low_income") == ["Дәулетова Дана"]


def test_a_class_before_and_after_a_move(school):
    before = passport(organization=school["org"], day=D(2025, 10, 15), school_class=school["5А"])
    assert before.total == 3
    assert counts(before) == {"orphan": 1, "low_income": 1, "large_family": 1, "kandas": 1}
    after_a = passport(organization=school["org"], day=D(2026, 2, 1), school_class=school["5А"])
    after_b = passport(organization=school["org"], day=D(2026, 2, 1), school_class=school["5Б"])
    assert (after_a.total, counts(after_a)) == (1, {"orphan": 1})
    assert after_b.total == 3
    assert counts(after_b) == {"large_family": 1, "low_income": 1, "semi_orphan": 1, "kandas": 1}


def test_a_day_before_the_year_began_has_nobody(school):
    result = passport(organization=school["org"], day=D(2025, 8, 31))
    assert result.total == 0 and counts(result) == {}


def test_counts_only_for_several_organisations(school):
    other = f.OrganizationFactory()
    result = category_counts(organization_ids=[school["org"].pk, other.pk], day=D(2025, 12, 15))
    mine = result[school["org"].pk]
    assert mine["total"] == 4 and mine["low_income"] == 2 and mine["orphan"] == 1 and mine["police_register"] == 0
    assert result[other.pk]["total"] == 0


def test_the_passport_costs_two_queries_whatever_the_number_of_children(school, django_assert_num_queries):
    # 1 the enrolments on the day, 2 the categories holding with their children
    with django_assert_num_queries(2):
        passport(organization=school["org"], day=D(2025, 12, 15))
    for n in range(5):
        category(pupil(school["org"], f"Қосымша {n}", in_class=school["5А"]), "orphan", D(2025, 9, 1))
    with django_assert_num_queries(2):
        assert counts(passport(organization=school["org"], day=D(2025, 12, 15)))["orphan"] == 6


def test_the_monthly_movement(school):
    november = movement(organization=school["org"], month=D(2025, 11, 1))
    assert [e.child.full_name for e in november.arrived] == ["Ерланов Ерлан"]
    assert november.left == [] and november.ended == []
    assert [(r.child.full_name, r.category) for r in november.began] == [
        ("Ерланов Ерлан", "semi_orphan"),
        ("Дәулетова Дана", "low_income"),
    ]
    december_a = movement(organization=school["org"], month=D(2025, 12, 1), school_class=school["5А"])
    assert [e.child.full_name for e in december_a.left] == ["Бекұлы Болат"]
    february_a = movement(organization=school["org"], month=D(2026, 2, 1), school_class=school["5А"])
    february_b = movement(organization=school["org"], month=D(2026, 2, 1), school_class=school["5Б"])
    assert [e.child.full_name for e in february_a.left] == ["Жақсыбекова Жанна"]
    assert [e.child.full_name for e in february_b.arrived] == ["Жақсыбекова Жанна"]
    january = movement(organization=school["org"], month=D(2026, 1, 1))
    assert [(r.child.full_name, r.category) for r in january.ended] == [("Әлиева Ару", "low_income")]
