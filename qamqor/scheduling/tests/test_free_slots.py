import datetime as dt

from qamqor.core.testing import factories as f
from qamqor.orgs.models import ConsultationPoint
from qamqor.scheduling.calendar import public_holidays, working_weekday
from qamqor.scheduling.models import ClosedDay
from qamqor.scheduling.services import appointment_book, free_slots


def test_slots_follow_working_hours(psychologist):
    monday = f.next_working_monday()
    slots = free_slots(specialists=[psychologist], start=monday, days=1)
    # 09:00-13:00 in 30-minute slots
    assert [s.starts_at for s in slots] == [f.at(monday, f"{h:02d}:{m:02d}") for h in range(9, 13) for m in (0, 30)]
    assert all(s.room_id for s in slots)


def test_weekend_and_public_holidays_are_closed(psychologist):
    assert working_weekday(dt.date(2026, 12, 16), {}) is None  # Independence Day
    assert dt.date(2026, 12, 16) in public_holidays(2026)
    monday = f.next_working_monday()
    saturday = monday + dt.timedelta(days=5)
    assert free_slots(specialists=[psychologist], start=saturday, days=2) == []


def test_own_closed_and_transferred_days(psychologist):
    monday = f.next_working_monday()
    ClosedDay.objects.create(organization=psychologist.organization, date=monday, is_closed=True, note="санитарный день")
    saturday = monday + dt.timedelta(days=5)
    ClosedDay.objects.create(organization=psychologist.organization, date=saturday, is_closed=False, works_as=0)
    assert free_slots(specialists=[psychologist], start=monday, days=1) == []
    assert len(free_slots(specialists=[psychologist], start=saturday, days=1)) == 8


def test_booked_time_is_not_free(psychologist, methodist):
    monday = f.next_working_monday()
    appointment_book(
        organization=psychologist.organization,
        specialists=[psychologist],
        starts_at=f.at(monday, "10:00"),
        booked_by=methodist.user,
    )
    starts = [s.starts_at for s in free_slots(specialists=[psychologist], start=monday, days=1)]
    assert f.at(monday, "10:00") not in starts
    assert f.at(monday, "10:30") in starts


def test_several_specialists_need_a_common_time(psychologist, speech_therapist, methodist):
    monday = f.next_working_monday()
    appointment_book(
        organization=psychologist.organization,
        specialists=[speech_therapist],
        starts_at=f.at(monday, "09:00"),
        booked_by=methodist.user,
    )
    starts = [s.starts_at for s in free_slots(specialists=[psychologist, speech_therapist], start=monday, days=1)]
    assert f.at(monday, "09:00") not in starts
    assert f.at(monday, "09:30") in starts


def test_specialist_without_hours_has_no_slots(kindergarten):
    nurse = f.staff(kindergarten, "nurse")
    assert free_slots(specialists=[nurse], start=f.next_working_monday(), days=14) == []


def test_time_taken_in_the_room_by_someone_else_is_not_free(kindergarten, psychologist, room, methodist):
    educator = f.staff(kindergarten, "educator")
    f.weekly_hours(educator, room=room)
    monday = f.next_working_monday()
    appointment_book(organization=kindergarten, specialists=[educator], starts_at=f.at(monday, "11:00"), booked_by=methodist.user)
    starts = [s.starts_at for s in free_slots(specialists=[psychologist], start=monday, days=1)]
    assert f.at(monday, "11:00") not in starts
    assert f.at(monday, "11:30") in starts


def test_slot_length_comes_from_the_point_or_the_default(psychologist, settings):
    monday = f.next_working_monday()
    ConsultationPoint.objects.filter(organization=psychologist.organization).update(slot_minutes=60)
    assert [s.starts_at for s in free_slots(specialists=[psychologist], start=monday, days=1)] == [
        f.at(monday, f"{h:02d}:00") for h in range(9, 13)
    ]
    ConsultationPoint.objects.filter(organization=psychologist.organization).delete()
    settings.QAMQOR_DEFAULT_SLOT_MINUTES = 120
    assert len(free_slots(specialists=[psychologist], start=monday, days=1)) == 2


def test_free_slots_query_count_does_not_grow_with_days(psychologist, django_assert_num_queries):
    monday = f.next_working_monday()
    # working hours with the point's slot length; the organisation's own days; the appointments
    # of the specialists and of their rooms
    with django_assert_num_queries(3):
        free_slots(specialists=[psychologist], start=monday, days=1)
    with django_assert_num_queries(3):
        free_slots(specialists=[psychologist], start=monday, days=60)


def test_free_slots_query_count_does_not_grow_with_specialists(psychologist, speech_therapist, django_assert_num_queries):
    with django_assert_num_queries(3):
        free_slots(specialists=[psychologist, speech_therapist], start=f.next_working_monday(), days=14)
