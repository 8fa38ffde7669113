import base64
import datetime as dt
import json
import time
from unittest import mock

import pytest
from django.core import mail, signing
from django.urls import reverse

from qamqor.core.testing import factories as f
from qamqor.journal.models import Request, StatusChange
from qamqor.journal.services import request_intake, request_route, request_schedule
from qamqor.portal.links import SALT, manage_token
from qamqor.portal.tests.conftest import slot
from qamqor.scheduling.models import Appointment


@pytest.fixture
def token(booked):
    return manage_token(booked)


def manage_url(token):
    return reverse("portal:manage", args=[token])


def encode(payload: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def state():
    """Everything a manage action could change."""
    return (
        list(Request.objects.values_list("pk", "status")),
        list(Appointment.objects.values_list("pk", "status", "starts_at")),
        StatusChange.objects.count(),
    )


def test_a_valid_link_shows_the_request_and_its_time(client, booked, token, point):
    response = client.get(manage_url(token))
    html = response.content.decode()
    assert response.status_code == 200
    assert booked.display_number in html
    assert "10:00" in html
    assert point.organization.name in html
    assert reverse("portal:cancel", args=[token]) in html
    assert html.count("<h1") == 1


def test_the_token_holds_nothing_personal(booked, token):
    payload = token.split(":")[0]
    decoded = base64.urlsafe_b64decode(payload + "=" * (-len(payload) % 4)).decode()
    assert json.loads(decoded) == {"r": booked.pk}
    assert "7015551234" not in token
    assert booked.parent.full_name not in token


@pytest.mark.parametrize(
    "forge",
    [
        lambda token, pk: "not-a-token",
        lambda token, pk: token[:-2] + ("AA" if not token.endswith("AA") else "BB"),  # altered signature
        lambda token, pk: ":".join([encode({"r": pk + 1}), *token.split(":")[1:]]),  # another id, the old signature
        lambda token, pk: signing.TimestampSigner(salt="another-salt").sign_object({"r": pk}),  # signed for something else
        lambda token, pk: signing.TimestampSigner(salt=SALT).sign_object({"r": 999999}),  # genuine but of nothing
    ],
    ids=["garbage", "altered signature", "altered payload", "other salt", "no such request"],
)
def test_a_forged_or_altered_link_answers_404_in_kazakh_and_changes_nothing(client, booked, token, forge):
    bad = forge(token, booked.pk)
    before = state()
    for response in (
        client.get(manage_url(bad)),
        client.get(reverse("portal:confirmation", args=[bad])),
        client.get(reverse("portal:calendar", args=[bad])),
        client.post(reverse("portal:cancel", args=[bad])),
        client.post(reverse("portal:reschedule", args=[bad]), {"slot": "1-1"}),
    ):
        assert response.status_code == 404
        assert "Бұл сілтеме жұмыс істемейді" in response.content.decode()
    assert state() == before


def test_a_link_signed_long_ago_has_expired(client, booked, day):
    issued_long_ago = signing.b62_encode(int(time.time() - 40 * 24 * 3600))
    with mock.patch.object(signing.TimestampSigner, "timestamp", return_value=issued_long_ago):
        old = manage_token(booked)
    before = state()
    response = client.get(manage_url(old))
    assert response.status_code == 410
    assert "Сілтеменің мерзімі өтті" in response.content.decode()
    assert client.post(reverse("portal:cancel", args=[old])).status_code == 410
    assert state() == before


def test_a_link_lives_until_a_week_after_the_consultation(client, booked, token, day):
    appointment_start = Appointment.objects.get().starts_at.timestamp()
    with mock.patch("django.core.signing.time") as clock:
        clock.time.return_value = appointment_start + 6 * 24 * 3600
        assert client.get(manage_url(token)).status_code == 200
        clock.time.return_value = appointment_start + 8 * 24 * 3600
        assert client.get(manage_url(token)).status_code == 410


def test_a_link_without_a_time_lives_thirty_days(waiting, client, point, psychologist):
    request = waiting
    request.parent.language = "ru"  # the expired page speaks the parent's language
    request.parent.save(update_fields=["language"])
    token = manage_token(request)
    with mock.patch("django.core.signing.time") as clock:
        clock.time.return_value = request.received_at.timestamp() + 29 * 24 * 3600
        assert client.get(manage_url(token)).status_code == 200
        clock.time.return_value = request.received_at.timestamp() + 31 * 24 * 3600
        response = client.get(manage_url(token))
    assert response.status_code == 410
    assert "Срок действия ссылки истёк" in response.content.decode()  # the parent's language


def test_the_page_speaks_the_parents_language_unless_the_browser_chose_one(client, booked, token):
    booked.parent.language = "ru"
    booked.parent.save()
    response = client.get(manage_url(token), HTTP_ACCEPT_LANGUAGE="en")
    assert '<html lang="ru">' in response.content.decode()
    client.post(reverse("set_language"), {"language": "kk", "next": "/"})
    assert '<html lang="kk">' in client.get(manage_url(token)).content.decode()


def test_cancel_asks_once_more_then_frees_the_time(client, booked, token, psychologist, day):
    before = state()
    page = client.get(reverse("portal:cancel", args=[token]))
    assert page.status_code == 200
    assert state() == before  # asking changes nothing

    response = client.post(reverse("portal:cancel", args=[token]))

    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.status == "cancelled"
    assert Appointment.objects.get().status == "cancelled"
    assert booked.status_changes.last().changed_by is None
    html = client.get(response["Location"]).content.decode()
    assert "Өтінішіңіз болдырылмады" in html
    assert reverse("portal:cancel", args=[token]) not in html  # nothing left to cancel
    assert len(mail.outbox) == 1
    # The time is free again for other parents.
    other = client.get(reverse("portal:apply", args=[booked.organization.consultation_point.pk]), {"topic": "behaviour"})
    assert slot(psychologist, f.at(day, "10:00")) in other.content.decode()


def test_a_closed_request_cannot_be_cancelled_again(client, booked, token):
    client.post(reverse("portal:cancel", args=[token]))
    before = state()
    response = client.post(reverse("portal:cancel", args=[token]), follow=True)
    assert "Бұл өтініш жабылған" in response.content.decode()
    assert state() == before


def test_reschedule_moves_the_booking_in_one_step(client, booked, token, psychologist, day):
    html = client.get(manage_url(token)).content.decode()
    new_slot = slot(psychologist, f.at(day, "11:30"))
    assert new_slot in html

    response = client.post(reverse("portal:reschedule", args=[token]), {"slot": new_slot})

    assert response.status_code == 302
    booked.refresh_from_db()
    assert booked.status == "scheduled"
    appointments = {a.starts_at: a.status for a in Appointment.objects.all()}
    assert appointments == {f.at(day, "10:00"): "cancelled", f.at(day, "11:30"): "booked"}
    assert "11:30" in client.get(manage_url(token)).content.decode()
    assert "Кеңес уақыты ауыстырылды" in mail.outbox[-1].subject


def test_reschedule_to_a_time_just_taken_changes_nothing(client, booked, token, point, psychologist, day):
    taken = f.at(day, "11:30")
    other = request_intake(
        organization=point.organization,
        parent=f.ParentFactory(organization=point.organization),
        channel="phone",
        topic=f.topic("behaviour"),
        question="?",
        received_by=None,
    )
    request_schedule(request=other, specialists=[psychologist], starts_at=taken, by=None)
    before = state()
    response = client.post(reverse("portal:reschedule", args=[token]), {"slot": slot(psychologist, taken)})
    assert response.status_code == 409
    assert "Бұл уақытты жаңа ғана басқа біреу алды" in response.content.decode()
    assert state() == before


@pytest.mark.parametrize(
    ("when", "message"),
    [(lambda day: f.at(day, "15:00"), "жұмыс істемейді"), (lambda day: f.at(day, "11:10"), "кестеде жоқ")],
    ids=["outside the hours", "off the grid"],
)
def test_reschedule_outside_the_schedule_changes_nothing(client, booked, token, psychologist, day, when, message):
    before = state()
    response = client.post(reverse("portal:reschedule", args=[token]), {"slot": slot(psychologist, when(day))})
    assert response.status_code == 200
    assert message in response.content.decode()
    assert state() == before


def test_a_routed_request_without_a_time_can_get_one(waiting, client, point, psychologist, methodist, day):
    request = waiting
    request_route(request=request, specialists=[psychologist], by=methodist.user)
    token = manage_token(request)
    response = client.post(reverse("portal:reschedule", args=[token]), {"slot": slot(psychologist, f.at(day, "12:00"))})
    assert response.status_code == 302
    assert Appointment.objects.get(request=request).starts_at == f.at(day, "12:00")


def test_a_new_request_without_specialists_offers_no_times(waiting, client, point, psychologist):
    request = waiting
    html = client.get(manage_url(manage_token(request))).content.decode()
    assert 'name="slot"' not in html
    assert "әдіскер сізге қоңырау шалады" in html


def test_the_manage_page_after_the_consultation_started_offers_no_changes(client, booked, token):
    Appointment.objects.update(starts_at=Appointment.objects.get().starts_at - dt.timedelta(days=3))
    Request.objects.filter(pk=booked.pk).update(received_at=booked.received_at - dt.timedelta(days=4))
    html = client.get(manage_url(token)).content.decode()
    assert reverse("portal:cancel", args=[token]) not in html
    assert 'name="slot"' not in html
    before = state()
    client.post(reverse("portal:cancel", args=[token]))
    assert state() == before
