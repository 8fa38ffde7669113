"""A full group session keeps a waiting list: a family joins it on the site (with the same
consent as a sign-up), sees its number behind its private link, and the first one waiting gets
a freed place, hears of it once in its language, and is then reminded like every participant."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import translation

from qamqor.families.models import Consent
from qamqor.notify import texts
from qamqor.notify.models import Message
from qamqor.notify.services import message_deliver, place_freed_plan
from qamqor.portal import session_signup
from qamqor.portal.tests.test_session_signup import family, move_to_the_past, schedule, sign_up, url
from qamqor.scheduling import sessions
from qamqor.scheduling.models import Appointment, Participant
from qamqor.scheduling.services import appointment_set_status

pytestmark = pytest.mark.django_db

WAITING = Participant.Status.WAITING


def wait(point, session, n: int, **changes) -> Participant:
    data = family(n, **changes)
    return session_signup.session_sign_up(
        point=point,
        session=session,
        parent_full_name=data["parent_full_name"],
        phone=data["phone"],
        consent_given=True,
        client_address=f"10.2.2.{n}",
        language=data["language"],
        child_full_name=data["child_full_name"],
        child_birth_date=dt.date.fromisoformat(data["child_birth_date"]),
        child_sex=data["child_sex"],
        join_waiting_list=True,
    )


@pytest.fixture
def full(point, psychologist) -> Appointment:
    """Two places, both taken."""
    session = schedule(psychologist, capacity=2)
    sign_up(point, session, 1)
    sign_up(point, session, 2)
    return session


def places(session) -> list[int]:
    return sorted(Participant.objects.active().filter(appointment=session).values_list("pk", flat=True))


def waiting_list(session) -> list[Participant]:
    return list(Participant.objects.waiting_in_order().filter(appointment=session))


# --- joining


def test_a_full_session_puts_the_family_on_the_waiting_list_and_changes_nothing_else(point, full):
    taken = places(full)
    first = wait(point, full, 3)
    second = wait(point, full, 4)
    assert (first.status, first.is_active, second.status) == (WAITING, False, WAITING)
    assert places(full) == taken  # the places stay with those who have them
    assert [p.pk for p in waiting_list(full)] == [first.pk, second.pk]
    assert (first.waiting_number, second.waiting_number) == (1, 2)
    scopes = set(Consent.objects.filter(parent=first.parent, method="online").values_list("scope", flat=True))
    assert scopes == {Consent.Scope.PARENT, Consent.Scope.CHILD}  # consent as for a sign-up
    assert not Message.objects.filter(kind=Message.Kind.PLACE_FREED).exists()
    assert not Message.objects.filter(parent=first.parent).exists()  # no reminders while waiting


def test_a_session_with_a_place_left_gives_the_place_not_a_turn(point, psychologist):
    session = schedule(psychologist, capacity=2)
    assert wait(point, session, 1).status == Participant.Status.REGISTERED


def test_the_same_child_is_not_on_the_waiting_list_twice(point, full):
    wait(point, full, 3)
    with pytest.raises(ValidationError) as caught:
        wait(point, full, 3)
    assert caught.value.code == "already_waiting"
    assert len(waiting_list(full)) == 1


def test_the_full_page_offers_the_waiting_list_and_the_link_shows_the_number(client, point, full):
    with translation.override("ru"):
        offer = translation.gettext("Join the waiting list")
    page = client.get(url(point, full), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    assert offer in page and 'name="consent"' in page
    client.post(url(point, full), {**family(3), "waiting_list": "1"})
    response = client.post(url(point, full), {**family(4), "waiting_list": "1"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 302
    mine = client.get(response["Location"], HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    with translation.override("ru"):
        number = translation.gettext(
            "You are on the waiting list, number %(number)s. When a place frees, we will let you know."
        ) % {"number": 2}
    assert number in mine
    assert len(places(full)) == 2 and len(waiting_list(full)) == 2


def test_without_consent_nobody_joins_the_waiting_list(client, point, full):
    response = client.post(url(point, full), {**family(3, consent=""), "waiting_list": "1"})
    assert response.status_code == 400
    assert waiting_list(full) == []


def test_a_family_leaves_the_waiting_list_behind_its_link(client, point, full):
    first, second = wait(point, full, 3), wait(point, full, 4)
    token = session_signup.sign_up_token(first)
    assert client.post(reverse("portal:my_session_cancel", args=[token])).status_code == 302
    first.refresh_from_db()
    second.refresh_from_db()
    assert first.status == Participant.Status.REMOVED and not first.is_active
    assert second.waiting_number == 1 and len(places(full)) == 2


# --- promotion


def test_a_cancelled_place_goes_to_the_first_waiting(client, point, full):
    first, second = wait(point, full, 3), wait(point, full, 4)
    leaving = Participant.objects.active().filter(appointment=full).first()
    client.post(reverse("portal:my_session_cancel", args=[session_signup.sign_up_token(leaving)]))
    first.refresh_from_db()
    second.refresh_from_db()
    assert (first.status, first.is_active) == (Participant.Status.REGISTERED, True)
    assert (second.status, second.waiting_number) == (WAITING, 1)
    assert len(places(full)) == 2


def test_staff_removing_a_participant_promotes_the_first_waiting(point, full):
    first, second = wait(point, full, 3), wait(point, full, 4)
    removed = Participant.objects.active().filter(appointment=full).first()
    sessions.participant_remove(participant=removed)
    assert removed.pk not in places(full) and first.pk in places(full) and len(places(full)) == 2
    assert [p.pk for p in waiting_list(full)] == [second.pk]


def test_the_promoted_parent_is_told_once_in_their_language_then_reminded(point, full, django_capture_on_commit_callbacks):
    first = wait(point, full, 3, language="ru")
    wait(point, full, 4)
    with django_capture_on_commit_callbacks(execute=True):
        sessions.participant_remove(participant=Participant.objects.active().filter(appointment=full).first())
    (message,) = Message.objects.filter(kind=Message.Kind.PLACE_FREED)
    assert (message.parent_id, message.appointment_id, message.language) == (first.parent_id, full.pk, "ru")
    assert message.channel == Message.Channel.SMS
    assert place_freed_plan(participant_id=first.pk) is None  # asked again: still one
    assert Message.objects.filter(kind=Message.Kind.PLACE_FREED).count() == 1
    text = texts.compose(message)
    assert text.subject.startswith("Для вас освободилось место")
    assert session_signup.sign_up_token(first) in text.body
    reminders = Message.objects.filter(parent=first.parent, kind__in=[Message.Kind.REMINDER_FIRST, Message.Kind.REMINDER_SECOND])
    assert reminders.exists()  # reminders_plan covers the participant from now on


def test_a_cancelled_session_promotes_nobody(point, full):
    first = wait(point, full, 3)
    appointment_set_status(appointment=full, status=Appointment.Status.CANCELLED)
    sessions.participant_remove(participant=Participant.objects.filter(appointment=full).exclude(pk=first.pk).first())
    first.refresh_from_db()
    assert (first.status, first.is_active) == (WAITING, False)
    appointment_set_status(appointment=full, status=Appointment.Status.BOOKED)
    first.refresh_from_db()
    assert not first.is_active  # restoring the session gives the waiting list no place


def test_a_started_session_promotes_nobody(point, full):
    first = wait(point, full, 3)
    move_to_the_past(full)
    sessions.participant_remove(participant=Participant.objects.active().filter(appointment=full).first())
    first.refresh_from_db()
    assert (first.status, first.is_active) == (WAITING, False)
    assert not Message.objects.filter(kind=Message.Kind.PLACE_FREED).exists()


def test_attendance_is_not_marked_on_the_waiting_list(point, full):
    first = wait(point, full, 3)
    with pytest.raises(ValidationError) as caught:
        sessions.participant_set_status(participant=first, status=Participant.Status.ATTENDED)
    assert caught.value.code == "waiting"


# --- staff


def test_staff_see_the_waiting_list_in_order(client, methodist, point, full, django_assert_max_num_queries):
    first, second = wait(point, full, 3), wait(point, full, 4)
    client.force_login(methodist.user)
    page = reverse("scheduling:session", args=[full.pk])
    client.get(page)
    with CaptureQueriesContext(connection) as two_waiting:
        client.get(page)
    wait(point, full, 5)
    wait(point, full, 6)
    # The waiting list comes with the participants' query: more rows, no more queries.
    with django_assert_max_num_queries(len(two_waiting)):
        html = client.get(page, HTTP_ACCEPT_LANGUAGE="en").content.decode()
    assert 'id="waiting-list"' in html
    assert html.index(f'id="waiting-{first.pk}"') < html.index(f'id="waiting-{second.pk}"')
    assert f'id="participant-{first.pk}"' not in html


def test_the_message_is_sent_while_the_place_is_held_and_dropped_once_given_back(
    point, full, settings, django_capture_on_commit_callbacks
):
    settings.QAMQOR_SMS_BACKEND = "memory"
    first, second = wait(point, full, 3), wait(point, full, 4)
    with django_capture_on_commit_callbacks(execute=True):
        sessions.participant_remove(participant=Participant.objects.active().filter(appointment=full).first())
    (told,) = Message.objects.filter(kind=Message.Kind.PLACE_FREED)
    assert message_deliver(message_id=told.pk) == Message.Status.SENT
    with django_capture_on_commit_callbacks(execute=True):
        # The first gives the place back before hearing of it: the second is promoted, and the
        # first's message, were it still waiting, would not go.
        sessions.participant_withdraw(participant=first)
        Message.objects.filter(pk=told.pk).update(status=Message.Status.SCHEDULED)
    assert message_deliver(message_id=told.pk) == Message.Status.SKIPPED
    assert Message.objects.get(pk=told.pk).note == Message.Note.REMOVED
    assert Message.objects.filter(kind=Message.Kind.PLACE_FREED, parent=second.parent).count() == 1
