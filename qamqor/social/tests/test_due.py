"""Housing inspections due (seed 004, annual plan items 6–7): children without parental care twice a
year, children on the risk registers once a year (issue 6, bar 2)."""

from __future__ import annotations

import datetime as dt

import pytest

from qamqor.social.passport import add_months, inspections_due
from qamqor.social.services import housing_act_create
from qamqor.social.tests.factories import category, pupil

D = dt.date
TODAY = D(2025, 10, 1)


def act(child, day):
    return housing_act_create(child=child, visited_on=day, visitors="Қасымова Ж.", living_conditions="Жақсы")


@pytest.fixture
def due(kindergarten):
    def rows():
        return {r.child.full_name: r for r in inspections_due(organization=kindergarten, today=TODAY)}

    return rows


def test_an_orphan_visited_more_than_six_months_ago_is_overdue(kindergarten, due):
    child = pupil(kindergarten, "Жетім")
    category(child, "orphan", D(2025, 1, 1))
    act(child, D(2025, 3, 10))
    row = due()["Жетім"]
    assert (row.every_months, row.last_visit, row.due_on, row.overdue) == (6, D(2025, 3, 10), D(2025, 9, 10), True)


def test_a_child_on_the_police_register_is_due_a_year_after_the_last_act(kindergarten, due):
    child = pupil(kindergarten, "Есепте")
    category(child, "police_register", D(2025, 2, 1))
    act(child, D(2025, 5, 1))
    row = due()["Есепте"]
    assert (row.every_months, row.due_on, row.overdue, row.due_soon) == (12, D(2026, 5, 1), False, False)


def test_without_any_act_the_first_visit_is_due_a_month_after_the_category_began(kindergarten, due):
    category(pupil(kindergarten, "Қамқорсыз"), "without_parental_care", D(2025, 9, 20))
    row = due()["Қамқорсыз"]
    assert (row.last_visit, row.due_on, row.overdue, row.due_soon) == (None, D(2025, 10, 20), False, True)


def test_a_visit_before_the_category_began_does_not_count(kindergarten, due):
    child = pupil(kindergarten, "Мектепішілік")
    act(child, D(2025, 5, 1))
    category(child, "school_risk_register", D(2025, 6, 1))
    row = due()["Мектепішілік"]
    assert (row.last_visit, row.due_on, row.overdue) == (D(2025, 5, 1), D(2025, 7, 1), True)


def test_the_stricter_rule_wins_and_the_latest_act_counts(kindergarten, due):
    child = pupil(kindergarten, "Екеуі")
    category(child, "school_risk_register", D(2024, 9, 1))
    category(child, "orphan", D(2024, 9, 1))
    act(child, D(2024, 10, 1))
    act(child, D(2025, 6, 1))
    row = due()["Екеуі"]
    assert (row.every_months, row.due_on, row.overdue) == (6, D(2025, 12, 1), False)
    assert len(row.categories) == 2


def test_other_categories_and_ended_ones_are_not_listed(kindergarten, due, other_kindergarten):
    category(pupil(kindergarten, "Аз қамтылған"), "low_income", D(2025, 1, 1))
    category(pupil(kindergarten, "Бұрынғы"), "orphan", D(2024, 1, 1), D(2025, 9, 1))
    category(pupil(other_kindergarten, "Басқа ұйым"), "orphan", D(2024, 1, 1))
    assert due() == {}


def test_the_soonest_first(kindergarten):
    later, sooner = pupil(kindergarten, "Кейін"), pupil(kindergarten, "Ерте")
    category(later, "police_register", D(2025, 9, 1))
    category(sooner, "orphan", D(2025, 1, 1))
    assert [r.child.full_name for r in inspections_due(organization=kindergarten, today=TODAY)] == ["Ерте", "Кейін"]


def test_add_months_keeps_the_day_or_falls_to_the_months_last():
    assert add_months(D(2025, 8, 31), 6) == D(2026, 2, 28)
    assert add_months(D(2025, 3, 10), 12) == D(2026, 3, 10)
