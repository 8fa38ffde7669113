"""Session formats and their participants (issue 4 item 1, seed 001 §6 and §3.10)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from qamqor.audit.services import family_anonymise
from qamqor.core.testing import factories as f
from qamqor.families.models import Child
from qamqor.scheduling.formats import FORMATS, INDIVIDUAL_CONSULTATION
from qamqor.scheduling.models import Appointment, Participant
from qamqor.scheduling.services import SlotTaken, appointment_book, appointment_set_status
from qamqor.scheduling.sessions import (
    SessionFull,
    participant_add,
    participant_remove,
    participant_set_status,
    session_schedule,
)


def schedule(member, fmt="mini_group", hhmm="10:00", **kwargs):
    kwargs.setdefault("booked_by", None)
    kwargs.setdefault("specialists", [member])
    return session_schedule(organization=member.organization, format=fmt, starts_at=f.at(f.next_working_monday(), hhmm), **kwargs)


def kids(organization, n):
    return [f.ChildFactory(parent__organization=organization) for _ in range(n)]


# --- The formats' table


def test_the_nine_forms_of_work_are_all_there_with_their_rules():
    assert len(FORMATS) == 10  # §6.1 counts individual and subgroup consultations as one form
    assert (FORMATS["mini_group"].min_places, FORMATS["mini_group"].max_places) == (2, 3)
    individual = [f for f in FORMATS.values() if f.is_individual]
    assert {f.code for f in individual} == {INDIVIDUAL_CONSULTATION, "individual_play"}
    assert all(f.parent_required for f in individual)  # §3.10
    assert {f.code for f in FORMATS.values() if f.online} == {"online_consultation", "online_play"}


def test_an_existing_booking_is_an_individual_consultation_and_not_a_session(psychologist):
    appointment = appointment_book(
        organization=psychologist.organization,
        specialists=[psychologist],
        starts_at=f.at(f.next_working_monday(), "09:00"),
        booked_by=None,
    )
    assert appointment.format == INDIVIDUAL_CONSULTATION
    assert appointment.capacity is None and not appointment.is_session


# --- Scheduling a session


def test_a_session_takes_the_formats_places_by_default_and_the_working_hours_room(psychologist, room):
    session = schedule(psychologist)
    assert (session.format, session.capacity, session.room) == ("mini_group", 3, room)
    assert Appointment.objects.sessions().get() == session


def test_a_session_with_two_specialists(psychologist, speech_therapist):
    session = schedule(psychologist, "master_class", specialists=[psychologist, speech_therapist], capacity=10)
    assert set(session.specialists.all()) == {psychologist, speech_therapist}


@pytest.mark.parametrize(("fmt", "capacity"), [("mini_group", 4), ("mini_group", 1), ("individual_play", 2)])
def test_places_outside_the_formats_range_are_refused(psychologist, fmt, capacity):
    with pytest.raises(ValidationError) as exc:
        schedule(psychologist, fmt, capacity=capacity)
    assert "capacity" in exc.value.error_dict
    assert not Appointment.objects.exists()


def test_an_online_session_needs_a_link_and_an_offline_one_has_none(psychologist):
    with pytest.raises(ValidationError) as exc:
        schedule(psychologist, "online_play")
    assert "meeting_url" in exc.value.error_dict
    with pytest.raises(ValidationError):
        schedule(psychologist, "mini_group", meeting_url="https://meet.example.com/a")
    session = schedule(psychologist, "online_play", meeting_url="https://meet.example.com/a")
    assert session.is_online and session.room is None
    assert Appointment.objects.count() == 1


def test_a_session_keeps_the_booking_rules_for_the_specialist(psychologist):
    schedule(psychologist, hhmm="10:00")
    with pytest.raises(SlotTaken):
        schedule(psychologist, "training", hhmm="10:00")
    with pytest.raises(ValidationError):
        schedule(psychologist, hhmm="15:00")  # outside the working hours
    assert Appointment.objects.count() == 1


def test_an_unknown_format_is_refused(psychologist):
    with pytest.raises(ValidationError):
        schedule(psychologist, "circus")


# --- Participants


def test_places_are_never_exceeded(psychologist):
    session = schedule(psychologist)  # 3 places
    children = kids(psychologist.organization, 4)
    for child in children[:3]:
        participant_add(session=session, child=child, by=None)
    with pytest.raises(SessionFull):
        participant_add(session=session, child=children[3], by=None)
    assert session.participants.count() == 3


def test_a_removed_participant_frees_the_place(psychologist):
    session = schedule(psychologist)
    children = kids(psychologist.organization, 4)
    added = [participant_add(session=session, child=c, by=None) for c in children[:3]]
    participant_remove(participant=added[0])
    participant_add(session=session, child=children[3], by=None)
    assert session.participants.active().count() == 3


def test_the_same_child_is_not_added_twice(psychologist):
    session = schedule(psychologist)
    (child,) = kids(psychologist.organization, 1)
    participant_add(session=session, child=child, by=None)
    with pytest.raises(ValidationError):
        participant_add(session=session, child=child, by=None)
    assert session.participants.count() == 1


def test_a_child_is_never_in_two_overlapping_sessions(psychologist, speech_therapist):
    first = schedule(psychologist, hhmm="10:00")
    second = schedule(speech_therapist, "training", hhmm="10:00")
    (child,) = kids(psychologist.organization, 1)
    participant_add(session=first, child=child, by=None)
    with pytest.raises(SlotTaken) as exc:
        participant_add(session=second, child=child, by=None)
    assert exc.value.code == "child_taken"
    assert not second.participants.exists()


def test_a_child_with_an_appointment_is_not_added_to_an_overlapping_session(psychologist, speech_therapist):
    (child,) = kids(psychologist.organization, 1)
    appointment_book(
        organization=psychologist.organization,
        specialists=[speech_therapist],
        starts_at=f.at(f.next_working_monday(), "10:00"),
        child=child,
        booked_by=None,
    )
    session = schedule(psychologist, hhmm="10:00")
    with pytest.raises(SlotTaken):
        participant_add(session=session, child=child, by=None)
    assert not session.participants.exists()


def test_a_child_in_a_session_cannot_be_booked_an_overlapping_appointment(psychologist, speech_therapist):
    (child,) = kids(psychologist.organization, 1)
    participant_add(session=schedule(psychologist, hhmm="10:00"), child=child, by=None)
    with pytest.raises(SlotTaken) as exc:
        appointment_book(
            organization=psychologist.organization,
            specialists=[speech_therapist],
            starts_at=f.at(f.next_working_monday(), "10:00"),
            child=child,
            booked_by=None,
        )
    assert exc.value.code == "child_taken"


def test_a_cancelled_session_frees_its_childrens_time(psychologist, speech_therapist):
    first = schedule(psychologist, hhmm="10:00")
    (child,) = kids(psychologist.organization, 1)
    participant_add(session=first, child=child, by=None)
    appointment_set_status(appointment=first, status=Appointment.Status.CANCELLED)
    participant_add(session=schedule(speech_therapist, "training", hhmm="10:00"), child=child, by=None)
    with pytest.raises(ValidationError):
        participant_add(session=first, child=kids(psychologist.organization, 1)[0], by=None)


def test_individual_work_with_a_child_needs_the_parent_present(psychologist):
    """Seed 001 §3.10."""
    session = schedule(psychologist, "individual_play")
    (child,) = kids(psychologist.organization, 1)
    with pytest.raises(ValidationError) as exc:
        participant_add(session=session, child=child, by=None)
    assert "parent_present" in exc.value.error_dict
    assert not session.participants.exists()
    participant = participant_add(session=session, child=child, parent_present=True, by=None)
    assert participant.parent == child.parent and participant.parent_present


def test_a_childrens_format_needs_a_child(psychologist, parent):
    session = schedule(psychologist, "training")
    with pytest.raises(ValidationError) as exc:
        participant_add(session=session, parent=parent, by=None)
    assert "child" in exc.value.error_dict


def test_a_consultation_takes_parents(psychologist, parent):
    session = schedule(psychologist, "subgroup_consultation", capacity=2)
    participant = participant_add(session=session, parent=parent, by=None)
    assert participant.parent_present
    with pytest.raises(ValidationError):
        participant_add(session=session, parent=parent, by=None)


def test_another_familys_or_organisations_people_are_refused(psychologist, other_kindergarten):
    session = schedule(psychologist, "play_workshop")
    (child,) = kids(psychologist.organization, 1)
    stranger = f.ParentFactory(organization=psychologist.organization)
    with pytest.raises(ValidationError):
        participant_add(session=session, child=child, parent=stranger, parent_present=True, by=None)
    with pytest.raises(ValidationError):
        participant_add(session=session, child=kids(other_kindergarten, 1)[0], parent_present=True, by=None)
    assert not session.participants.exists()


def test_a_one_family_appointment_takes_no_participants(psychologist, child):
    appointment = appointment_book(
        organization=psychologist.organization,
        specialists=[psychologist],
        starts_at=f.at(f.next_working_monday(), "09:00"),
        booked_by=None,
    )
    with pytest.raises(ValidationError):
        participant_add(session=appointment, child=child, parent_present=True, by=None)


def test_attendance_is_marked(psychologist):
    session = schedule(psychologist)
    participant = participant_add(session=session, child=kids(psychologist.organization, 1)[0], by=None)
    participant_set_status(participant=participant, status="attended")
    participant.refresh_from_db()
    assert participant.status == Participant.Status.ATTENDED
    with pytest.raises(ValidationError):
        participant_set_status(participant=participant, status="removed")
    participant_remove(participant=participant)
    with pytest.raises(ValidationError):
        participant_set_status(participant=participant, status="attended")


def test_attendance_of_a_cancelled_session_is_refused(psychologist):
    session = schedule(psychologist)
    participant = participant_add(session=session, child=kids(psychologist.organization, 1)[0], by=None)
    appointment_set_status(appointment=session, status=Appointment.Status.CANCELLED)
    participant.refresh_from_db()
    with pytest.raises(ValidationError) as exc:
        participant_set_status(participant=participant, status="attended")
    assert exc.value.code == "cancelled"


def test_the_refusal_is_in_the_users_language(psychologist):
    session = schedule(psychologist, "individual_play")
    (child,) = kids(psychologist.organization, 1)
    with translation.override("ru"), pytest.raises(ValidationError) as exc:
        participant_add(session=session, child=child, by=None)
    assert "присутств" in " ".join(exc.value.messages)
    with translation.override("kk"), pytest.raises(ValidationError) as exc:
        participant_add(session=session, child=child, by=None)
    assert "ата-ана" in " ".join(exc.value.messages).lower()


# --- A family's erasure


def test_erasure_reaches_the_participations_and_keeps_the_count(psychologist):
    session = schedule(psychologist, "play_workshop")
    (child,) = kids(psychologist.organization, 1)
    participant = participant_add(session=session, child=child, parent_present=True, by=None)
    participant_set_status(participant=participant, status="attended")

    counts = family_anonymise(parent=child.parent, reason="erasure")

    assert counts["session_participations_anonymised"] == 1
    participant.refresh_from_db()
    assert (participant.child_id, participant.parent_id, participant.status) == (None, None, "attended")
    assert not Child.objects.filter(pk=child.pk).exists()  # nothing else names the child: deleted


def test_the_parents_data_download_lists_their_sessions(psychologist):
    from qamqor.portal.selectors import parent_data

    session = schedule(psychologist, "play_workshop")
    (child,) = kids(psychologist.organization, 1)
    participant_add(session=session, child=child, parent_present=True, by=None)
    (entry,) = parent_data(child.parent)["sessions"]
    assert (entry["format"], entry["participant_child"], entry["parent_present"]) == ("play_workshop", child.full_name, True)
