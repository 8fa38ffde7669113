import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.db.models.signals import post_save
from factory.django import mute_signals

from qamqor.core.testing import factories as f
from qamqor.orgs.models import ConsultationPoint
from qamqor.scheduling.models import Appointment, AppointmentSpecialist, ClosedDay
from qamqor.scheduling.services import SlotTaken, appointment_book, appointment_set_status


def book(member, when, **kwargs):
    kwargs.setdefault("booked_by", None)
    kwargs.setdefault("specialists", [member])
    return appointment_book(organization=member.organization, starts_at=when, **kwargs)


def test_booking_takes_the_room_of_the_working_hours(psychologist, room):
    monday = f.next_working_monday()
    appointment = book(psychologist, f.at(monday, "09:00"))
    assert appointment.room == room
    assert appointment.ends_at - appointment.starts_at == dt.timedelta(minutes=30)
    assert list(appointment.specialists.all()) == [psychologist]


def test_clash_for_the_specialist_is_refused_and_leaves_nothing(psychologist):
    monday = f.next_working_monday()
    book(psychologist, f.at(monday, "09:00"))
    with pytest.raises(SlotTaken):
        book(psychologist, f.at(monday, "09:15"), minutes=30)
    assert Appointment.objects.count() == 1
    assert AppointmentSpecialist.objects.count() == 1


def test_same_person_cannot_be_in_two_organisations_at_once(psychologist, other_kindergarten):
    second = f.MembershipFactory(user=psychologist.user, organization=other_kindergarten, role="psychologist")
    f.weekly_hours(second)
    monday = f.next_working_monday()
    book(psychologist, f.at(monday, "09:00"))
    with pytest.raises(SlotTaken):
        book(second, f.at(monday, "09:00"))


def test_child_cannot_be_in_two_places(psychologist, speech_therapist, child):
    monday = f.next_working_monday()
    book(psychologist, f.at(monday, "09:00"), child=child)
    with pytest.raises(SlotTaken):
        book(speech_therapist, f.at(monday, "09:00"), child=child)


def test_room_cannot_be_double_booked(kindergarten, psychologist, room):
    educator = f.staff(kindergarten, "educator")
    f.weekly_hours(educator, room=room)
    monday = f.next_working_monday()
    book(psychologist, f.at(monday, "09:00"))
    with pytest.raises(SlotTaken):
        book(educator, f.at(monday, "09:00"))


def test_cancelled_time_is_free_again(psychologist):
    monday = f.next_working_monday()
    first = book(psychologist, f.at(monday, "09:00"))
    appointment_set_status(appointment=first, status=Appointment.Status.CANCELLED)
    book(psychologist, f.at(monday, "09:00"))
    assert Appointment.objects.active().count() == 1


@pytest.mark.parametrize(
    ("when", "code"),
    [
        (lambda monday: f.at(monday, "08:30"), "outside_hours"),
        (lambda monday: f.at(monday, "12:45"), "outside_hours"),
        (lambda monday: f.at(monday + dt.timedelta(days=5), "10:00"), "outside_hours"),
        (lambda monday: f.at(monday - dt.timedelta(days=30), "10:00"), "past"),
    ],
)
def test_bad_times_are_refused_with_a_reason(psychologist, when, code):
    with pytest.raises(ValidationError) as exc:
        book(psychologist, when(f.next_working_monday()))
    assert exc.value.code == code
    assert Appointment.objects.count() == 0


def test_only_consulting_staff_of_the_organisation(kindergarten, other_kindergarten, psychologist):
    stranger = f.staff(other_kindergarten, "psychologist")
    f.weekly_hours(stranger)
    with pytest.raises(ValidationError):
        appointment_book(
            organization=kindergarten, specialists=[stranger], starts_at=f.at(f.next_working_monday(), "09:00"), booked_by=None
        )


def test_online_needs_a_link(psychologist):
    with pytest.raises(ValidationError):
        book(psychologist, f.at(f.next_working_monday(), "09:00"), is_online=True)


def test_room_and_child_clashes_say_which(kindergarten, psychologist, speech_therapist, room, child):
    monday = f.next_working_monday()
    educator = f.staff(kindergarten, "educator")
    f.weekly_hours(educator, room=room)
    book(psychologist, f.at(monday, "09:00"), child=child)
    with pytest.raises(SlotTaken) as exc:
        book(educator, f.at(monday, "09:00"))
    assert exc.value.code == "room_taken"
    with pytest.raises(SlotTaken) as exc:
        book(speech_therapist, f.at(monday, "09:00"), child=child)
    assert exc.value.code == "child_taken"


def test_own_closed_day_is_outside_hours_and_a_transferred_day_follows_its_weekday(psychologist):
    monday = f.next_working_monday()
    saturday = monday + dt.timedelta(days=5)
    ClosedDay.objects.create(organization=psychologist.organization, date=monday, is_closed=True)
    ClosedDay.objects.create(organization=psychologist.organization, date=saturday, is_closed=False, works_as=0)
    with pytest.raises(ValidationError) as exc:
        book(psychologist, f.at(monday, "09:00"))
    assert exc.value.code == "outside_hours"
    assert book(psychologist, f.at(saturday, "09:00")).starts_at == f.at(saturday, "09:00")


def test_length_comes_from_the_consultation_point(psychologist):
    ConsultationPoint.objects.filter(organization=psychologist.organization).update(slot_minutes=45)
    monday = f.next_working_monday()
    appointment = book(psychologist, f.at(monday, "09:00"))
    assert appointment.ends_at == f.at(monday, "09:45")
    with pytest.raises(ValidationError) as exc:
        book(psychologist, f.at(monday, "12:30"))  # would end at 13:15, after the block
    assert exc.value.code == "outside_hours"


def test_several_specialists_book_together_in_the_first_ones_room(psychologist, speech_therapist, room):
    monday = f.next_working_monday()
    appointment = book(psychologist, f.at(monday, "09:00"), specialists=[psychologist, speech_therapist])
    assert appointment.room_id == room.pk
    assert set(appointment.specialists.all()) == {psychologist, speech_therapist}


def test_online_takes_no_room_and_the_link_is_checked(psychologist):
    monday = f.next_working_monday()
    with pytest.raises(ValidationError) as exc:
        book(psychologist, f.at(monday, "09:00"), is_online=True, meeting_url="not a link")
    assert "meeting_url" in exc.value.message_dict
    appointment = book(psychologist, f.at(monday, "09:00"), is_online=True, meeting_url="https://meet.example.kz/abc")
    assert appointment.room_id is None
    assert Appointment.objects.count() == 1


def test_one_booking_in_constant_queries(psychologist, django_assert_num_queries):
    monday = f.next_working_monday()
    locks = 2 if connection.features.has_select_for_update else 0
    # savepoint; working hours with the point's slot length and the organisation's own day;
    # (PostgreSQL: lock the person, lock the room); clash check of person, room and child;
    # insert the appointment; insert its specialists; release the savepoint. Other apps'
    # post_save receivers (the journal's page version) are counted by their own tests.
    with mute_signals(post_save), django_assert_num_queries(6 + locks):
        book(psychologist, f.at(monday, "09:00"))


def test_joint_booking_with_a_child_in_constant_queries(psychologist, speech_therapist, child, django_assert_num_queries):
    monday = f.next_working_monday()
    locks = 3 if connection.features.has_select_for_update else 0
    # as above, and on PostgreSQL one more lock (the child); the people are locked in one query
    # and inserted in one, however many they are
    with mute_signals(post_save), django_assert_num_queries(6 + locks):
        book(psychologist, f.at(monday, "09:00"), specialists=[psychologist, speech_therapist], child=child)
