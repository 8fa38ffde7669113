import datetime as dt

import pytest
from django.core.exceptions import ValidationError

from qamqor.core.testing import factories as f
from qamqor.scheduling.models import Appointment, AppointmentSpecialist
from qamqor.scheduling.services import SlotTaken, appointment_book, appointment_set_status


def book(member, when, **kwargs):
    kwargs.setdefault("booked_by", None)
    return appointment_book(organization=member.organization, specialists=[member], starts_at=when, **kwargs)


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
