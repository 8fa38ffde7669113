import pytest
from django.core.exceptions import ValidationError

from qamqor.core.testing import factories as f
from qamqor.journal.models import Request, Status
from qamqor.journal.services import (
    request_cancel,
    request_complete,
    request_intake,
    request_mark_no_show,
    request_schedule,
    suggested_specialists,
)
from qamqor.scheduling.models import Appointment


def intake(parent, methodist, **kwargs):
    kwargs.setdefault("channel", "phone")
    kwargs.setdefault("topic", f.topic("speech"))
    kwargs.setdefault("question", "Бала 3 жаста, сөйлемейді")
    return request_intake(organization=parent.organization, parent=parent, received_by=methodist.user, **kwargs)


def test_numbers_are_consecutive_per_organisation(parent, methodist, other_kindergarten):
    numbers = [intake(parent, methodist).number for _ in range(3)]
    assert numbers == [1, 2, 3]
    other_parent = f.ParentFactory(organization=other_kindergarten)
    other = request_intake(
        organization=other_kindergarten, parent=other_parent, channel="phone", topic=f.topic(), question="?", received_by=None
    )
    assert other.number == 1


def test_short_phone_question_closes_on_the_spot(parent, methodist):
    request = intake(
        parent, methodist, answer="Күніне 10 минут жаттығу", recommendations="Артикуляциялық жаттығулар", call_minutes=10
    )
    assert request.status == Status.DONE
    assert request.answered_by_phone
    assert [c.to_status for c in request.status_changes.all()] == ["new", "done"]


def test_long_phone_answer_is_refused(parent, methodist):
    with pytest.raises(ValidationError):
        intake(parent, methodist, answer="...", call_minutes=25)
    assert Request.objects.count() == 0


def test_parent_of_another_organisation_is_refused(parent, methodist, other_kindergarten):
    with pytest.raises(ValidationError):
        request_intake(
            organization=other_kindergarten, parent=parent, channel="phone", topic=f.topic(), question="?", received_by=None
        )


def test_topic_suggests_specialists(parent, methodist, psychologist, speech_therapist):
    request = intake(parent, methodist, topic=f.topic("speech"))
    assert suggested_specialists(request) == [speech_therapist]
    request = intake(parent, methodist, topic=f.topic("behaviour"))
    assert suggested_specialists(request) == [psychologist]


def test_route_book_complete(parent, child, methodist, psychologist, speech_therapist):
    request = intake(parent, methodist, child=child)
    when = f.at(f.next_working_monday(), "10:00")
    appointment = request_schedule(
        request=request, specialists=[speech_therapist, psychologist], starts_at=when, by=methodist.user
    )
    request.refresh_from_db()
    assert request.status == Status.SCHEDULED
    assert set(appointment.specialists.all()) == {speech_therapist, psychologist}
    assert appointment.child == child
    request_complete(
        request=request, recommendations="Ойындар: «Кім не айтады?»", outcome="Кеңес берілді", by=speech_therapist.user
    )
    request.refresh_from_db()
    appointment.refresh_from_db()
    assert request.status == Status.DONE
    assert appointment.status == Appointment.Status.DONE
    history = list(request.status_changes.values_list("to_status", "changed_by"))
    assert history == [
        ("new", methodist.user_id),
        ("routed", methodist.user_id),
        ("scheduled", methodist.user_id),
        ("done", speech_therapist.user_id),
    ]


def test_completing_needs_recommendations(parent, methodist, psychologist):
    request = intake(parent, methodist)
    request_schedule(
        request=request, specialists=[psychologist], starts_at=f.at(f.next_working_monday(), "10:00"), by=methodist.user
    )
    with pytest.raises(ValidationError):
        request_complete(request=request, recommendations="  ", by=psychologist.user)


def test_clash_while_scheduling_leaves_the_request_unchanged(parent, methodist, psychologist):
    when = f.at(f.next_working_monday(), "10:00")
    first = intake(parent, methodist)
    request_schedule(request=first, specialists=[psychologist], starts_at=when, by=methodist.user)
    second = intake(parent, methodist)
    with pytest.raises(ValidationError):
        request_schedule(request=second, specialists=[psychologist], starts_at=when, by=methodist.user)
    second.refresh_from_db()
    assert second.status == Status.NEW
    assert second.status_changes.count() == 1
    assert not second.specialists.exists()


def test_reschedule_frees_the_old_time(parent, methodist, psychologist):
    monday = f.next_working_monday()
    request = intake(parent, methodist)
    old = request_schedule(request=request, specialists=[psychologist], starts_at=f.at(monday, "10:00"), by=methodist.user)
    request_schedule(request=request, specialists=[psychologist], starts_at=f.at(monday, "11:00"), by=methodist.user)
    old.refresh_from_db()
    assert old.status == Appointment.Status.CANCELLED
    assert request.appointments.active().count() == 1


def test_cancel_and_no_show(parent, methodist, psychologist):
    monday = f.next_working_monday()
    request = intake(parent, methodist)
    appointment = request_schedule(
        request=request, specialists=[psychologist], starts_at=f.at(monday, "10:00"), by=methodist.user
    )
    request_mark_no_show(request=request, by=psychologist.user)
    appointment.refresh_from_db()
    assert appointment.status == Appointment.Status.NO_SHOW
    request_cancel(request=request, by=methodist.user)
    request.refresh_from_db()
    assert request.status == Status.CANCELLED
    with pytest.raises(ValidationError):
        request_cancel(request=request, by=methodist.user)


def test_a_routed_request_can_be_completed_without_a_booking(parent, methodist, psychologist):
    """A specialist may consult a routed parent by phone, with no time booked, and close it."""
    from qamqor.journal.services import request_complete, request_route

    request = request_intake(
        organization=parent.organization, parent=parent, channel="phone", topic=f.topic(), question="?", received_by=None
    )
    request_route(request=request, specialists=[psychologist], by=methodist.user)
    done = request_complete(request=request, recommendations="Күнде ертегі оқыңыз", by=psychologist.user)
    assert done.status == "done" and done.recommendations == "Күнде ертегі оқыңыз"
