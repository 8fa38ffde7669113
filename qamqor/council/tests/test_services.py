"""The centre's rules: numbering per year, the three-meetings warning, decisions that need a
responsible person, decisions carried to the next meeting, chair and secretary."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from qamqor.core.testing import factories as f
from qamqor.council import services
from qamqor.council.models import Decision, Meeting, Member
from qamqor.council.tests.world import centre


def meeting(org, day, **fields):
    return services.meeting_create(organization=org, date=day, **fields)


def test_meetings_are_numbered_per_academic_year(kindergarten, other_kindergarten):
    numbers = [meeting(kindergarten, d).number for d in (dt.date(2026, 9, 20), dt.date(2026, 12, 10), dt.date(2027, 5, 20))]
    assert numbers == [1, 2, 3]
    # A new academic year starts again from 1; another organisation has its own numbers.
    assert meeting(kindergarten, dt.date(2027, 9, 15)).number == 1
    assert meeting(other_kindergarten, dt.date(2026, 10, 1)).number == 1
    made = Meeting.objects.get(organization=kindergarten, number=3, academic_year=2026)
    assert made.date == dt.date(2027, 5, 20)


def test_a_meeting_cannot_move_to_another_academic_year(kindergarten):
    made = meeting(kindergarten, dt.date(2026, 9, 20))
    with pytest.raises(ValidationError) as refused:
        services.meeting_update(meeting=made, date=dt.date(2027, 9, 20))
    assert "date" in refused.value.error_dict
    made.refresh_from_db()
    assert made.date == dt.date(2026, 9, 20)


def test_a_remote_meeting_says_how_to_join(kindergarten):
    with pytest.raises(ValidationError) as refused:
        meeting(kindergarten, dt.date(2026, 9, 20), format="remote")
    assert "place" in refused.value.error_dict
    assert not Meeting.objects.exists()
    assert meeting(kindergarten, dt.date(2026, 9, 20), format="remote", place="https://meet.example.kz/apqo").number == 1


def test_the_warning_while_fewer_than_three_planned_meetings_are_scheduled(kindergarten):
    def warning():
        return services.planned_meetings_warning(organization_id=kindergarten.pk, academic_year=2026)

    assert "0" in warning() and "2026–2027" in warning()
    meeting(kindergarten, dt.date(2026, 9, 20))
    meeting(kindergarten, dt.date(2026, 12, 10))
    meeting(kindergarten, dt.date(2027, 1, 10), kind="unplanned")  # unplanned ones do not count
    assert warning() is not None
    third = meeting(kindergarten, dt.date(2027, 5, 20))
    assert warning() is None
    services.meeting_set_status(meeting=third, status="cancelled")  # nor do cancelled ones
    assert warning() is not None


def test_the_chair_and_secretary_are_taken_by_a_new_meeting(kindergarten):
    chair, secretary, member = centre(kindergarten)
    made = meeting(kindergarten, dt.date(2026, 9, 20))
    assert (made.chair, made.secretary) == (chair, secretary)
    # A new chair takes the place over; the one before stays a member.
    services.member_set_position(member=member, position="chair")
    chair.refresh_from_db()
    assert chair.position == "member"
    assert meeting(kindergarten, dt.date(2026, 10, 20)).chair == member


def test_a_member_is_staff_of_the_organisation(kindergarten, other_kindergarten):
    with pytest.raises(ValidationError):
        services.member_add(organization=kindergarten, membership=f.staff(other_kindergarten, "methodist"))
    assert not Member.objects.exists()


def test_a_decision_without_a_responsible_person_is_refused(kindergarten):
    item = services.agenda_item_add(meeting=meeting(kindergarten, dt.date(2026, 9, 20)), topic="Жылдық жоспар")
    with pytest.raises(ValidationError) as refused:
        services.decision_add(agenda_item=item, text="Жоспарды бекіту", responsible=None, deadline=dt.date(2026, 10, 1))
    assert "responsible" in refused.value.error_dict
    assert "жауаптысы болуы керек" in " ".join(refused.value.messages)  # in Kazakh, the default language
    with pytest.raises(ValidationError) as refused:
        services.decision_add(
            agenda_item=item, text="Жоспарды бекіту", responsible=f.staff(kindergarten, "methodist"), deadline=None
        )
    assert "deadline" in refused.value.error_dict
    assert not Decision.objects.exists()


def test_open_decisions_are_carried_to_the_next_meetings_until_done(kindergarten):
    first = meeting(kindergarten, dt.date(2026, 9, 20))
    item = services.agenda_item_add(meeting=first, topic="Кеңес беру кестесі")
    who = f.staff(kindergarten, "methodist")
    open_one = services.decision_add(agenda_item=item, text="Кестені жариялау", responsible=who, deadline=dt.date(2026, 10, 1))
    done_one = services.decision_add(agenda_item=item, text="Сауалнама", responsible=who, deadline=dt.date(2026, 10, 1))
    services.decision_done(decision=done_one, done_on=dt.date(2026, 9, 30), result_note="Өткізілді")
    second = meeting(kindergarten, dt.date(2026, 12, 10))
    third = meeting(kindergarten, dt.date(2027, 3, 10))
    assert list(Decision.objects.carried_to(second)) == [open_one]
    assert list(Decision.objects.carried_to(third)) == [open_one]
    assert list(Decision.objects.carried_to(first)) == []  # not carried to its own meeting
    assert list(Decision.objects.overdue(dt.date(2026, 10, 2))) == [open_one]
    services.decision_done(decision=open_one)
    assert not Decision.objects.carried_to(third).exists()
    services.decision_reopen(decision=open_one)
    assert list(Decision.objects.carried_to(third)) == [open_one]


def test_attendance_takes_members_of_this_centre_only(kindergarten, other_kindergarten):
    chair, secretary, member = centre(kindergarten)
    stranger = services.member_add(organization=other_kindergarten, membership=f.staff(other_kindergarten, "methodist"))
    made = meeting(kindergarten, dt.date(2026, 9, 20))
    services.meeting_set_attendance(meeting=made, present=[chair, secretary], invited="Ата-аналар комитетінің төрағасы")
    assert set(made.present.all()) == {chair, secretary}
    with pytest.raises(ValidationError):
        services.meeting_set_attendance(meeting=made, present=[stranger])


def test_a_meeting_is_not_held_before_its_date(kindergarten):
    made = meeting(kindergarten, dt.date.today() + dt.timedelta(days=30))
    with pytest.raises(ValidationError):
        services.meeting_set_status(meeting=made, status="held")


def test_the_minutes_record_the_decisions_open_on_the_day_of_the_meeting(kindergarten):
    from qamqor.council import documents

    first = meeting(kindergarten, dt.date(2026, 9, 20))
    item = services.agenda_item_add(meeting=first, topic="Кесте")
    who = f.staff(kindergarten, "methodist", full_name="Ахметова Гүлнар")
    early = services.decision_add(agenda_item=item, text="Ерте орындалған", responsible=who, deadline=dt.date(2026, 10, 1))
    late = services.decision_add(agenda_item=item, text="Кейін орындалған", responsible=who, deadline=dt.date(2026, 12, 1))
    still = services.decision_add(agenda_item=item, text="Әлі ашық", responsible=who, deadline=dt.date(2027, 1, 1))
    services.decision_done(decision=early, done_on=dt.date(2026, 10, 1))
    services.decision_done(decision=late, done_on=dt.date(2026, 12, 20))
    second = meeting(kindergarten, dt.date(2026, 12, 10))
    assert set(Decision.objects.open_on(second)) == {late, still}
    assert list(Decision.objects.carried_to(second)) == [still]
    carried = documents.minutes_context(second)["carried"]
    assert len(carried) == 2 and all("орындалуда / на исполнении" in text for text in carried)
