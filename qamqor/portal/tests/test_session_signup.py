"""Issue 4 item 1: parents sign up for a group session on the public site (portal/session_signup.py),
see their place behind a private link and give it back; staff open a session to sign-up."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.urls import reverse
from django.utils import timezone, translation

from qamqor.core.testing import factories as f
from qamqor.engagement.links import registration_token
from qamqor.engagement.services import registration_create
from qamqor.engagement.tests.factories import event
from qamqor.families.models import Child, Consent, Parent
from qamqor.portal import session_signup
from qamqor.portal.links import manage_token
from qamqor.portal.models import ApplicationAttempt
from qamqor.portal.selectors import parent_data
from qamqor.portal.services import TooManyApplications
from qamqor.scheduling.models import Appointment, Participant
from qamqor.scheduling.sessions import SessionFull, participant_add, session_schedule, session_set_public

pytestmark = pytest.mark.django_db


def schedule(member, fmt="mini_group", hhmm="10:00", public=True, **kwargs) -> Appointment:
    return session_schedule(
        organization=member.organization,
        format=fmt,
        specialists=[member],
        starts_at=f.at(f.next_working_monday(), hhmm),
        booked_by=None,
        public_sign_up=public,
        **kwargs,
    )


def move_to_the_past(session: Appointment) -> None:
    """The session began a few minutes ago and is short (no overlap with the other sessions)."""
    now = timezone.now()
    started = {"starts_at": now - dt.timedelta(minutes=5), "ends_at": now + dt.timedelta(minutes=1)}
    Appointment.objects.filter(pk=session.pk).update(**started)


FAMILY = {
    "parent_full_name": "Әбенова Мадина Серікқызы",
    "phone": "8 701 555 12 34",
    "child_full_name": "Әбенов Нұрсұлтан",
    "child_birth_date": "2022-05-17",
    "child_sex": "m",
    "language": "kk",
    "consent": "on",
    "website": "",
}


def family(n: int = 0, **changes) -> dict:
    """Another family's form: its own phone and child."""
    data = {**FAMILY, "phone": f"8 701 555 12 {40 + n}", "child_full_name": f"Бала {n}"}
    data.update(changes)
    return data


def sign_up(point, session, n: int = 0, address: str = "10.1.1.1", **changes) -> Participant:
    data = family(n, **changes)
    return session_signup.session_sign_up(
        point=point,
        session=session,
        parent_full_name=data["parent_full_name"],
        phone=data["phone"],
        consent_given=bool(data["consent"]),
        client_address=address,
        language=data["language"],
        child_full_name=data["child_full_name"],
        child_birth_date=dt.date.fromisoformat(data["child_birth_date"]),
        child_sex=data["child_sex"],
    )


def url(point, session) -> str:
    return reverse("portal:session", args=[point.pk, session.pk])


# --- the service


def test_a_family_takes_a_place_with_its_consent_recorded(point, psychologist):
    session = schedule(psychologist)
    p = sign_up(point, session)
    assert p.is_active and p.added_by is None
    assert p.parent.phone == "+77015551240" and p.child.parent == p.parent
    assert p.child.organization == point.organization
    scopes = set(Consent.objects.filter(parent=p.parent, method="online").values_list("scope", flat=True))
    assert scopes == {Consent.Scope.PARENT, Consent.Scope.CHILD}


def test_a_parent_known_by_phone_is_not_duplicated(point, psychologist, parent, child):
    session = schedule(psychologist)
    p = sign_up(point, session, phone="8 701 123 45 67", child_full_name=child.full_name, child_birth_date=f"{child.birth_date}")
    assert p.parent == parent and p.child == child
    assert Parent.objects.count() == 1 and Child.objects.count() == 1


def test_a_format_with_the_parent_present_marks_the_parent_attending(point, psychologist):
    p = sign_up(point, schedule(psychologist, "play_workshop"))
    assert p.parent_present


def test_a_consultation_in_a_group_takes_the_parent_alone(point, psychologist):
    session = schedule(psychologist, "subgroup_consultation")
    p = session_signup.session_sign_up(
        point=point,
        session=session,
        parent_full_name="Әбенова Мадина",
        phone="87015551234",
        consent_given=True,
        client_address="1",
    )
    assert p.child is None and p.parent_present
    assert not Child.objects.exists()


def test_a_full_session_says_no_places_left_and_saves_nothing(point, psychologist):
    session = schedule(psychologist, capacity=2)
    sign_up(point, session, 1)
    sign_up(point, session, 2)
    parents, attempts = Parent.objects.count(), ApplicationAttempt.objects.count()
    with pytest.raises(SessionFull) as caught:
        sign_up(point, session, 3)
    assert caught.value.code == "full"
    assert Participant.objects.filter(appointment=session, is_active=True).count() == 2
    assert Parent.objects.count() == parents and ApplicationAttempt.objects.count() == attempts


def test_staff_and_the_site_share_the_places(point, psychologist, child):
    session = schedule(psychologist, capacity=2)
    participant_add(session=session, child=child, by=None)
    sign_up(point, session, 1)
    with pytest.raises(SessionFull):
        sign_up(point, session, 2)


def test_the_same_child_twice_is_refused(point, psychologist):
    session = schedule(psychologist)
    sign_up(point, session, 1)
    with pytest.raises(ValidationError) as caught:
        sign_up(point, session, 1)
    assert "child" in caught.value.error_dict
    assert Participant.objects.filter(appointment=session).count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [({"phone": "12345"}, "phone"), ({"consent": ""}, "consent"), ({"parent_full_name": "  "}, "parent_full_name")],
)
def test_bad_input_changes_nothing(point, psychologist, change, field):
    session = schedule(psychologist)
    with pytest.raises(ValidationError) as caught:
        sign_up(point, session, **change)
    assert field in caught.value.error_dict
    assert not Participant.objects.exists() and not Parent.objects.exists() and not ApplicationAttempt.objects.exists()


def test_a_closed_cancelled_or_other_organisations_session_is_refused(point, psychologist, other_kindergarten):
    closed = schedule(psychologist, hhmm="09:00", public=False)
    other_point = other_kindergarten.consultation_point
    for session, where in ((closed, point), (schedule(psychologist, hhmm="11:00"), other_point)):
        with pytest.raises(session_signup.SignUpClosed):
            sign_up(where, session)
    assert not Participant.objects.exists()


def test_sign_ups_from_one_device_and_for_one_phone_are_limited(point, psychologist):
    session = schedule(psychologist, "master_class")
    for n in range(session_signup.SIGNUPS_PER_ADDRESS):
        sign_up(point, session, n)
    with pytest.raises(TooManyApplications) as caught:
        sign_up(point, session, 9)
    assert caught.value.code == "too_many_signups"
    other = schedule(psychologist, "master_class", hhmm="12:00")
    for n in range(session_signup.SIGNUPS_PER_PHONE):
        sign_up(point, other, 20 + n, address=f"10.2.0.{n}", phone="8 701 555 00 00")
    with pytest.raises(TooManyApplications) as caught:
        sign_up(point, other, 30, address="10.3.0.1", phone="8 701 555 00 00")
    assert caught.value.code == "too_many_signups_phone"


def test_cancelling_frees_the_place(point, psychologist):
    session = schedule(psychologist, capacity=2)
    first = sign_up(point, session, 1)
    sign_up(point, session, 2)
    session_signup.session_sign_up_cancel(participant=first)
    first.refresh_from_db()
    assert not first.is_active and first.status == Participant.Status.REMOVED
    sign_up(point, session, 3)  # the freed place is taken
    with pytest.raises(ValidationError) as caught:
        session_signup.session_sign_up_cancel(participant=first)
    assert caught.value.code == "removed"


def test_a_started_session_can_no_longer_be_cancelled(point, psychologist):
    session = schedule(psychologist)
    p = sign_up(point, session)
    move_to_the_past(session)
    with pytest.raises(ValidationError) as caught:
        session_signup.session_sign_up_cancel(participant=p)
    assert caught.value.code == "started"


def test_the_sign_up_is_in_the_parents_data(point, psychologist):
    p = sign_up(point, schedule(psychologist))
    sessions = parent_data(p.parent)["sessions"]
    assert [s["participant_child"] for s in sessions] == ["Бала 0"]


def test_staff_open_only_a_group_session_that_is_still_to_come(psychologist):
    individual = schedule(psychologist, "individual_play", public=False)
    with pytest.raises(ValidationError) as caught:
        session_set_public(session=individual, public=True)
    assert "public_sign_up" in caught.value.error_dict
    with pytest.raises(ValidationError):
        schedule(psychologist, "individual_play", hhmm="11:00", public=True)
    group = schedule(psychologist, hhmm="12:00", public=False)
    assert session_set_public(session=group, public=True).public_sign_up
    assert not session_set_public(session=group, public=False).public_sign_up
    move_to_the_past(group)
    with pytest.raises(ValidationError) as caught:
        session_set_public(session=group, public=True)
    assert caught.value.code == "started"


# --- the pages


def test_the_points_sessions_page_in_constant_queries(client, point, psychologist, speech_therapist, django_assert_num_queries):
    schedule(psychologist, hhmm="09:00")
    schedule(psychologist, hhmm="11:00", public=False)  # staff only: not shown
    page = reverse("portal:point_sessions", args=[point.pk])
    client.get(page)
    # the point, the sessions with their rooms and places taken, their specialists (with names)
    with django_assert_num_queries(3):
        response = client.get(page)
    assert len(response.context["sessions"]) == 1
    for hhmm in ("10:00", "12:00"):
        schedule(psychologist, "training", hhmm=hhmm)
    schedule(speech_therapist, "play_lounge", hhmm="09:00")
    with django_assert_num_queries(3):
        response = client.get(page)
    html = response.content.decode()
    assert len(response.context["sessions"]) == 4
    assert all(reverse("portal:session", args=[point.pk, s.pk]) in html for s in response.context["sessions"])


def test_the_point_page_links_to_the_sessions(client, point):
    html = client.get(reverse("portal:point", args=[point.pk])).content.decode()
    assert reverse("portal:point_sessions", args=[point.pk]) in html


def test_a_parent_signs_up_on_the_page_and_cancels_behind_the_private_link(client, point, psychologist):
    session = schedule(psychologist, "online_play", meeting_url="https://meet.example.kz/abc")
    listing = client.get(reverse("portal:point_sessions", args=[point.pk])).content.decode()
    assert "meet.example.kz" not in listing
    page = client.get(url(point, session))
    assert page.status_code == 200 and "meet.example.kz" not in page.content.decode()
    response = client.post(url(point, session), family(1))
    assert response.status_code == 302
    link = response["Location"]
    assert link.startswith("/my/sessions/")
    p = Participant.objects.get()
    mine = client.get(link)
    assert mine.status_code == 200
    assert "https://meet.example.kz/abc" in mine.content.decode()  # the online link: only here
    assert "no-store" in mine["Cache-Control"]
    token = link.split("/")[3]
    response = client.post(reverse("portal:my_session_cancel", args=[token]))
    assert response.status_code == 302
    p.refresh_from_db()
    assert not p.is_active
    after = client.get(link).content.decode()
    assert "https://meet.example.kz/abc" not in after


def test_a_full_session_page_says_so_and_a_late_post_gets_409(client, point, psychologist):
    session = schedule(psychologist, capacity=2)
    sign_up(point, session, 1)
    client.post(url(point, session), family(2))
    page = client.get(url(point, session), HTTP_ACCEPT_LANGUAGE="kk")
    with translation.override("kk"):
        no_places = translation.gettext("There are no places left in this session.")
    assert no_places in page.content.decode() and 'name="waiting_list"' in page.content.decode()
    response = client.post(url(point, session), family(3), HTTP_ACCEPT_LANGUAGE="kk")
    assert response.status_code == 409
    assert no_places in response.content.decode()
    assert Participant.objects.filter(appointment=session).count() == 2


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"phone": "8 701 12"}, "phone"),
        ({"consent": ""}, "consent"),
        ({"child_birth_date": "1990-01-01"}, "child_birth_date"),
        ({"child_birth_date": "2999-01-01"}, "child_birth_date"),
        ({"child_full_name": ""}, "child_full_name"),
    ],
)
def test_bad_input_on_the_page_is_400_and_saves_nothing(client, point, psychologist, change, field):
    session = schedule(psychologist)
    response = client.post(url(point, session), family(1, **change))
    assert response.status_code == 400
    assert response.context["form"].errors[field]
    assert not Participant.objects.exists() and not Parent.objects.exists()


def test_the_trap_refuses_robots(client, point, psychologist):
    session = schedule(psychologist)
    response = client.post(url(point, session), family(1, website="spam"))
    assert response.status_code == 400 and not Participant.objects.exists()


def test_too_many_sign_ups_from_one_device_answer_429(client, point, psychologist):
    session = schedule(psychologist, "master_class")
    for n in range(session_signup.SIGNUPS_PER_ADDRESS):
        assert client.post(url(point, session), family(n)).status_code == 302
    response = client.post(url(point, session), family(9))
    assert response.status_code == 429
    assert Participant.objects.filter(appointment=session).count() == session_signup.SIGNUPS_PER_ADDRESS


def test_a_session_not_open_to_sign_up_is_not_found(client, point, psychologist, other_kindergarten):
    closed = schedule(psychologist, public=False)
    assert client.get(url(point, closed)).status_code == 404
    other_point = other_kindergarten.consultation_point
    assert client.get(url(other_point, schedule(psychologist, hhmm="11:00"))).status_code == 404


def test_a_consultation_form_asks_no_child(client, point, psychologist):
    session = schedule(psychologist, "subgroup_consultation")
    page = client.get(url(point, session)).content.decode()
    assert "child_full_name" not in page
    data = {k: v for k, v in family(1).items() if not k.startswith("child_")}
    assert client.post(url(point, session), data).status_code == 302
    assert Participant.objects.get().child is None


def test_another_kind_of_token_or_a_forged_one_is_not_found(client, point, psychologist, kindergarten, waiting):
    p = sign_up(point, schedule(psychologist))
    token = session_signup.sign_up_token(p)
    e = event(kindergarten, capacity=5)
    registration = registration_create(event=e, full_name="Сейтқали Динара", phone="+77011234567", client_address="1")
    # The same row id under another link's salt opens nothing here.
    others = [registration_token(registration), manage_token(waiting), token[:-3] + "AAA", "nothing"]
    for other in others:
        assert client.get(reverse("portal:my_session", args=[other])).status_code == 404, other
        assert client.post(reverse("portal:my_session_cancel", args=[other])).status_code == 404, other
    assert client.get(reverse("portal:my_session", args=[token])).status_code == 200


def test_the_pages_speak_kazakh_and_russian(client, point, psychologist):
    session = schedule(psychologist)
    for language, text in (("kk", "Топтық сабақтар"), ("ru", "Групповые занятия")):
        html = client.get(reverse("portal:point_sessions", args=[point.pk]), HTTP_ACCEPT_LANGUAGE=language).content.decode()
        assert text in html, language
    p = sign_up(point, session)
    html = client.get(reverse("portal:my_session", args=[session_signup.sign_up_token(p)]), HTTP_ACCEPT_LANGUAGE="ru")
    assert "Ваше место" in html.content.decode()


# --- the staff's switch


def test_the_methodist_opens_and_closes_a_session(client, methodist, psychologist):
    session = schedule(psychologist, public=False)
    client.force_login(methodist.user)
    toggle = reverse("scheduling:session_public", args=[session.pk])
    assert client.post(toggle, {"public": "1"}).status_code == 302
    session.refresh_from_db()
    assert session.public_sign_up
    assert (
        "open to sign-up"
        in client.get(reverse("scheduling:session", args=[session.pk]), HTTP_ACCEPT_LANGUAGE="en").content.decode()
    )
    client.post(toggle, {"public": "0"})
    session.refresh_from_db()
    assert not session.public_sign_up


def test_a_specialist_may_not_open_a_session(client, psychologist):
    session = schedule(psychologist, public=False)
    client.force_login(psychologist.user)
    assert client.post(reverse("scheduling:session_public", args=[session.pk]), {"public": "1"}).status_code == 403
    session.refresh_from_db()
    assert not session.public_sign_up


def test_the_session_form_opens_the_session_at_once(client, methodist, psychologist):
    client.force_login(methodist.user)
    data = {
        "format": "master_class",
        "specialists": [psychologist.pk],
        "date": f"{f.next_working_monday():%Y-%m-%d}",
        "time": "10:00",
        "public_sign_up": "on",
    }
    assert client.post(reverse("scheduling:session_new"), data).status_code == 302
    assert Appointment.objects.sessions().get().public_sign_up


def test_the_sign_up_shows_on_the_my_data_page_of_the_same_parent(client, point, psychologist, waiting):
    sign_up(point, schedule(psychologist, "training"), phone="+77015550001")  # the phone of `waiting`
    html = client.get(reverse("portal:my_data", args=[manage_token(waiting)])).content.decode()
    with translation.override("kk"):  # the page speaks the parent's language
        heading = translation.gettext("Sessions you take part in")
    assert heading in html and "Бала 0" in html
