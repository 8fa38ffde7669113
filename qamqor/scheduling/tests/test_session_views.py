"""The staff's pages for sessions: the list, scheduling, participants and attendance."""

import pytest
from django.urls import reverse

from qamqor.core.testing import factories as f
from qamqor.scheduling.models import Appointment, Participant
from qamqor.scheduling.sessions import participant_add, session_schedule


def schedule(member, fmt="mini_group", hhmm="10:00", **kwargs):
    return session_schedule(
        organization=member.organization,
        format=fmt,
        specialists=[member],
        starts_at=f.at(f.next_working_monday(), hhmm),
        booked_by=None,
        **kwargs,
    )


def test_the_list_of_upcoming_sessions_in_constant_queries(client, methodist, psychologist, django_assert_num_queries):
    first = schedule(psychologist, hhmm="09:00")
    participant_add(session=first, child=f.ChildFactory(parent__organization=psychologist.organization), by=None)
    client.force_login(methodist.user)
    url = reverse("scheduling:sessions")
    client.get(url)  # the first page after the login also checks the second factor and saves the session
    # session, user, memberships (with the organisations' names), the sessions with their rooms
    # and places taken, their specialists
    with django_assert_num_queries(5):
        response = client.get(url)
    assert "1 / 3" in response.content.decode()
    for hhmm in ("10:00", "11:00", "12:00"):
        schedule(psychologist, "training", hhmm=hhmm)
    with django_assert_num_queries(5):
        response = client.get(url)
    assert len(response.context["sessions"]) == 4


def test_a_specialist_sees_only_their_sessions(client, psychologist, speech_therapist):
    schedule(speech_therapist)
    client.force_login(psychologist.user)
    assert not client.get(reverse("scheduling:sessions")).context["sessions"]


def test_the_methodist_schedules_a_session(client, methodist, psychologist, speech_therapist):
    client.force_login(methodist.user)
    data = {
        "format": "mini_group",
        "specialists": [psychologist.pk, speech_therapist.pk],
        "date": f"{f.next_working_monday():%Y-%m-%d}",
        "time": "10:00",
        "capacity": "3",
    }
    response = client.post(reverse("scheduling:session_new"), data)
    session = Appointment.objects.sessions().get()
    assert response["Location"] == reverse("scheduling:session", args=[session.pk])
    assert session.specialists.count() == 2


def test_a_bad_session_is_refused_on_the_form_and_nothing_is_saved(client, methodist, psychologist):
    client.force_login(methodist.user)
    data = {
        "format": "mini_group",
        "specialists": [psychologist.pk],
        "date": f"{f.next_working_monday():%Y-%m-%d}",
        "time": "10:00",
        "capacity": "5",
    }
    response = client.post(reverse("scheduling:session_new"), data, HTTP_ACCEPT_LANGUAGE="kk")
    assert response.status_code == 400
    assert response.context["form"].errors["capacity"]
    assert not Appointment.objects.exists()


def test_the_methodist_adds_a_participant_and_a_refusal_shows_on_the_form(client, methodist, psychologist, child):
    session = schedule(psychologist, "individual_play")
    client.force_login(methodist.user)
    url = reverse("scheduling:session", args=[session.pk])
    response = client.post(url, {"child": child.pk})
    assert response.status_code == 400
    assert response.context["form"].errors["parent_present"]
    assert not Participant.objects.exists()
    response = client.post(url, {"child": child.pk, "parent_present": "on"})
    assert response.status_code == 302
    participant = Participant.objects.get()
    assert (participant.child, participant.parent, participant.parent_present) == (child, child.parent, True)
    assert child.full_name in client.get(url).content.decode()


def test_a_specialist_marks_attendance_with_htmx_but_cannot_add(client, psychologist, child):
    session = schedule(psychologist)
    participant = participant_add(session=session, child=child, by=None)
    client.force_login(psychologist.user)
    assert client.post(reverse("scheduling:session", args=[session.pk]), {"child": child.pk}).status_code == 403
    url = reverse("scheduling:participant_status", args=[participant.pk])
    response = client.post(url, {"status": "attended"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="participant-{participant.pk}"' in response.content.decode()
    participant.refresh_from_db()
    assert participant.status == "attended"
    assert client.post(url, {"status": "removed"}, HTTP_HX_REQUEST="true").status_code == 400


def test_removing_a_participant_frees_the_place(client, methodist, psychologist, child):
    session = schedule(psychologist)
    participant = participant_add(session=session, child=child, by=None)
    client.force_login(methodist.user)
    response = client.post(reverse("scheduling:participant_remove", args=[participant.pk]))
    assert response.status_code == 302
    participant.refresh_from_db()
    assert not participant.is_active and participant.status == "removed"


@pytest.mark.parametrize("name", ["session_list.html", "session_detail.html", "session_form.html", "_participant_row.html"])
def test_no_inline_script(name):
    from pathlib import Path

    text = (Path(__file__).parent.parent / "templates" / "scheduling" / name).read_text()
    assert "<script" not in text and "onclick" not in text


def test_a_sessions_participants_in_constant_queries(client, methodist, psychologist, django_assert_num_queries):
    session = schedule(psychologist, "master_class", capacity=10)
    organization = psychologist.organization
    participant_add(session=session, child=f.ChildFactory(parent__organization=organization), by=None)
    client.force_login(methodist.user)
    url = reverse("scheduling:session", args=[session.pk])
    client.get(url)
    # session, user, memberships, the session, its participants with their families, one insert
    # of the access log's entries, the specialists, the form's children and parents
    with django_assert_num_queries(9):
        client.get(url)
    for _ in range(3):
        participant_add(session=session, child=f.ChildFactory(parent__organization=organization), by=None)
    with django_assert_num_queries(9):
        response = client.get(url)
    assert len(response.context["participants"]) == 4


def test_my_day_links_a_session(client, psychologist):
    session = schedule(psychologist)
    client.force_login(psychologist.user)
    day = f.next_working_monday()
    response = client.get(reverse("scheduling:my_day") + f"?day={day:%Y-%m-%d}")
    assert reverse("scheduling:session", args=[session.pk]) in response.content.decode()
