"""Plan items: periods, due dates, overdue logic, numbering and the refusals."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from qamqor.core.testing import factories as f
from qamqor.council import services as council
from qamqor.engagement.tests.factories import event
from qamqor.plans import services
from qamqor.plans.models import Plan, PlanItem
from qamqor.plans.tests.world import plan

YEAR = 2026  # 1 September 2026 – 31 August 2027


@pytest.fixture
def annual(kindergarten):
    return services.plan_create(organization=kindergarten, academic_year=YEAR, kind=Plan.Kind.CENTRE_ANNUAL)


def item(annual, **fields):
    fields.setdefault("activity", "Ата-аналарға арналған дөңгелек үстел")
    return services.plan_item_create(plan=annual, **fields)


def test_the_last_month_of_a_period_decides_when_it_is_due(annual):
    # September to October of 2026; March to April of 2027 (the same academic year).
    assert item(annual, period="months", months=[10, 9]).due_on == dt.date(2026, 10, 31)
    assert item(annual, period="months", months=[3, 4]).due_on == dt.date(2027, 4, 30)
    assert item(annual, period="months", months=[2]).due_on == dt.date(2027, 2, 28)
    assert item(annual, period="all_year").due_on == dt.date(2027, 8, 31)
    assert item(annual, period="times_a_year", times=2).due_on == dt.date(2027, 8, 31)
    assert item(annual, period="date", date=dt.date(2026, 12, 20)).due_on == dt.date(2026, 12, 20)


def test_months_are_kept_in_the_academic_years_order(annual):
    assert item(annual, period="months", months=[4, 3, 9]).months == [9, 3, 4]


@pytest.mark.parametrize(
    ("fields", "language", "label"),
    [
        ({"period": "months", "months": [9, 10]}, "kk", "Қыркүйек – Қазан"),
        ({"period": "months", "months": [9, 10]}, "ru", "Сентябрь – Октябрь"),
        ({"period": "months", "months": [6, 7, 8]}, "kk", "Маусым, Шілде, Тамыз"),
        ({"period": "all_year"}, "kk", "Жыл бойы"),
        ({"period": "monthly"}, "ru", "Ежемесячно"),
        ({"period": "systematic"}, "kk", "Жүйелі түрде"),
        ({"period": "times_a_year", "times": 2}, "kk", "Жылына 2 рет"),
        ({"period": "times_a_year", "times": 2}, "ru", "2 раза в год"),
        ({"period": "date", "date": dt.date(2027, 3, 8)}, "kk", "08.03.2027"),
        ({"period": "quarterly", "period_text": "Тоқсанына 1 рет"}, "ru", "Тоқсанына 1 рет"),
    ],
)
def test_period_labels(annual, fields, language, label):
    made = item(annual, **fields)
    with translation.override(language):
        assert made.period_label() == label


def test_a_date_outside_the_academic_year_is_refused_and_nothing_is_saved(annual):
    with pytest.raises(ValidationError) as refused:
        item(annual, period="date", date=dt.date(2027, 9, 1))
    assert "2026–2027" in str(refused.value)
    assert "01.09.2027" in str(refused.value)
    assert not PlanItem.objects.exists()


def test_a_whole_table_is_refused_when_one_row_is_bad(annual):
    rows = [
        {"number": "1.", "activity": "Жоспар құру", "period": "months", "months": [9]},
        {"number": "2.", "activity": "Акция", "period": "date", "date": dt.date(2026, 8, 31)},
    ]
    with pytest.raises(ValidationError) as refused:
        services.plan_import_rows(plan=annual, rows=rows)
    assert "2." in str(refused.value)
    assert not annual.items.exists()


@pytest.mark.parametrize(
    ("fields", "field"),
    [
        ({"period": "months", "months": []}, "months"),
        ({"period": "months", "months": [13]}, "months"),
        ({"period": "times_a_year"}, "times"),
        ({"period": "date"}, "date"),
        ({"period": "all_year", "activity": "  "}, "activity"),
        ({"period": "all_year", "responsible_roles": ["janitor"]}, "responsible_roles"),
    ],
)
def test_incomplete_periods_are_refused(annual, fields, field):
    with pytest.raises(ValidationError) as refused:
        item(annual, **fields)
    assert field in refused.value.error_dict


def test_items_without_a_number_get_the_next_one(annual):
    assert [item(annual, period="all_year").number for _ in range(3)] == ["1.", "2.", "3."]
    assert item(annual, period="all_year", number="7").number == "7"


def test_overdue_items_are_open_items_past_their_period(annual):
    late = item(annual, period="months", months=[9])
    in_progress = item(annual, period="months", months=[10], status="in_progress")
    done = item(annual, period="months", months=[9], status="done")
    not_done = item(annual, period="months", months=[9], status="not_done")
    later = item(annual, period="all_year")
    today = dt.date(2026, 11, 15)
    assert set(PlanItem.objects.overdue(today)) == {late, in_progress}
    counted = Plan.objects.with_progress(today).get()
    assert (counted.item_count, counted.done_count, counted.overdue_count) == (5, 1, 2)
    assert done not in PlanItem.objects.overdue(today) and not_done not in PlanItem.objects.overdue(today)
    assert later not in PlanItem.objects.overdue(today)


def test_the_status_changes_and_an_unknown_one_is_refused(annual):
    made = item(annual, period="all_year")
    services.plan_item_set_status(item=made, status="done", result_note="Өткізілді, 25 ата-ана қатысты")
    made.refresh_from_db()
    assert (made.status, made.result_note) == ("done", "Өткізілді, 25 ата-ана қатысты")
    with pytest.raises(ValidationError):
        services.plan_item_set_status(item=made, status="forgotten")


def test_an_item_links_to_what_carried_it_out_in_its_own_organisation(annual, kindergarten, other_kindergarten, methodist):
    own = event(kindergarten)
    meeting = council.meeting_create(organization=kindergarten, date=dt.date(2026, 10, 5))
    made = item(annual, period="all_year", events=[own], meetings=[meeting], responsible_people=[methodist])
    assert list(made.events.all()) == [own] and list(made.meetings.all()) == [meeting]
    with translation.override("kk"):
        assert made.responsible_lines() == ["Ахметова Гүлнар Серікқызы"]
    with pytest.raises(ValidationError) as refused:
        item(annual, period="all_year", events=[event(other_kindergarten)])
    assert "events" in refused.value.error_dict
    stranger = f.staff(other_kindergarten, "psychologist")
    with pytest.raises(ValidationError):
        item(annual, period="all_year", responsible_people=[stranger])


def test_a_plan_is_approved_by_the_minutes_of_a_held_meeting(annual, kindergarten, other_kindergarten):
    meeting = council.meeting_create(organization=kindergarten, date=dt.date(2026, 9, 10))
    with pytest.raises(ValidationError):
        services.plan_approve(plan=annual, meeting=meeting)  # not held yet
    council.meeting_set_status(meeting=meeting, status="held")
    services.plan_approve(plan=annual, meeting=meeting)
    annual.refresh_from_db()
    assert annual.approved_at_meeting == meeting and annual.approved_on == dt.date(2026, 9, 10)
    foreign = council.meeting_create(organization=other_kindergarten, date=dt.date(2026, 9, 10))
    council.meeting_set_status(meeting=foreign, status="held")
    with pytest.raises(ValidationError):
        services.plan_approve(plan=annual, meeting=foreign)


def test_an_other_plan_needs_a_title(kindergarten):
    with pytest.raises(ValidationError) as refused:
        services.plan_create(organization=kindergarten, academic_year=YEAR, kind="other")
    assert "title" in refused.value.error_dict
    assert str(plan(kindergarten, kind="other", title="Ата-аналар клубының жоспары", items=0)) == "Ата-аналар клубының жоспары"


def test_a_plan_with_items_keeps_its_year(annual):
    item(annual, period="all_year")
    with pytest.raises(ValidationError):
        services.plan_update(plan=annual, academic_year=YEAR + 1)


def test_an_item_links_to_the_session_that_carried_it_out(kindergarten, other_kindergarten, psychologist):
    from qamqor.scheduling.sessions import session_schedule

    annual = services.plan_create(organization=kindergarten, academic_year=2026, kind="perspective")

    def session(org, specialist):
        day = f.next_working_monday()
        return session_schedule(
            organization=org, format="mini_group", specialists=[specialist], starts_at=f.at(day, "10:00"), booked_by=None
        )

    own = session(kindergarten, psychologist)
    made = item(annual, period="all_year", appointments=[own])
    assert list(made.appointments.all()) == [own]
    other_psychologist = f.staff(other_kindergarten, "psychologist")
    f.weekly_hours(other_psychologist, start="09:00", end="18:00")
    with pytest.raises(ValidationError) as refused:
        item(annual, period="all_year", appointments=[session(other_kindergarten, other_psychologist)])
    assert "appointments" in refused.value.error_dict


def test_an_item_keeps_its_number_when_the_field_is_emptied(annual):
    made = item(annual, period="all_year", number="7.")
    services.plan_item_update(item=made, number="", activity="Жаңартылған іс-шара")
    made.refresh_from_db()
    assert (made.number, made.activity) == ("7.", "Жаңартылған іс-шара")
