"""The parent rates a consultation that took place, once, through a signed link of its own: on
the manage page and in the letter sent when the specialist records the consultation."""

import base64
import datetime as dt
import json
from urllib.parse import urlsplit

import pytest
from django.core import mail, signing
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.urls import reverse
from django.utils import timezone

from qamqor.core.testing import factories as f
from qamqor.families.services import consent_withdraw
from qamqor.journal.models import Request
from qamqor.journal.services import request_complete, request_schedule
from qamqor.portal.links import FEEDBACK_SALT, SALT, feedback_token, manage_token
from qamqor.portal.models import Feedback
from qamqor.portal.services import portal_apply, portal_feedback_give


@pytest.fixture
def done(booked, psychologist):
    """The consultation took place and the specialist recorded it."""
    return request_complete(request=booked, recommendations="Ұйқы тәртібін сақтау", by=psychologist.user)


def feedback_url(request_or_token) -> str:
    token = request_or_token if isinstance(request_or_token, str) else feedback_token(request_or_token)
    return reverse("portal:feedback", args=[token])


def encode(payload: dict) -> str:
    return base64.urlsafe_b64encode(json.dumps(payload, separators=(",", ":")).encode()).decode().rstrip("=")


def state():
    return list(Feedback.objects.values_list("request_id", "rating", "comment", "given_at"))


def test_the_parent_rates_a_consultation_once(client, done):
    page = client.get(feedback_url(done))
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("<h1") == 1
    assert 'for="id_rating_0"' in html and 'for="id_comment"' in html  # labelled fields
    assert "Оспанова Айгүл Маратқызы" in html  # the specialist of the consultation
    assert page["Cache-Control"].startswith("max-age=0")

    response = client.post(feedback_url(done), {"rating": "4", "comment": "  Көп көмектесті  "})
    assert response.status_code == 302
    feedback = Feedback.objects.get()
    assert (feedback.request, feedback.organization, feedback.rating, feedback.comment) == (
        done,
        done.organization,
        4,
        "Көп көмектесті",
    )
    after = client.get(response["Location"]).content.decode()
    assert "5 ішінен 4" in after
    assert 'name="rating"' not in after  # no second form

    before = state()
    again = client.post(feedback_url(done), {"rating": "1", "comment": "басқаша"})
    assert again.status_code == 409
    assert "бір рет" in again.content.decode()
    assert state() == before


@pytest.mark.parametrize("rating", ["0", "6", "-1", "4.5", "бес", ""])
def test_a_rating_outside_one_to_five_is_refused_and_changes_nothing(client, done, rating):
    response = client.post(feedback_url(done), {"rating": rating, "comment": "?"})
    assert response.status_code == 400
    assert "1-ден 5-ке дейін" in response.content.decode()
    assert Feedback.objects.count() == 0


def test_the_database_refuses_a_rating_outside_one_to_five(done):
    with pytest.raises(IntegrityError), transaction.atomic():
        Feedback.objects.create(request=done, organization=done.organization, rating=6)


def test_the_service_refuses_what_the_form_would_not_send(done):
    with pytest.raises(ValidationError) as info:
        portal_feedback_give(request=done, rating=7)
    assert "rating" in info.value.message_dict
    portal_feedback_give(request=done, rating=5)
    with pytest.raises(ValidationError) as info:
        portal_feedback_give(request=done, rating=3)
    assert info.value.code == "already_given"
    assert Feedback.objects.get().rating == 5


def test_a_consultation_not_held_cannot_be_rated(booked):
    with pytest.raises(ValidationError) as info:
        portal_feedback_give(request=booked, rating=5)
    assert info.value.code == "not_done"


@pytest.mark.parametrize(
    "forge",
    [
        lambda request: "not-a-token",
        lambda request: feedback_token(request)[:-2] + ("AA" if not feedback_token(request).endswith("AA") else "BB"),
        lambda request: ":".join([encode({"r": request.pk + 1}), feedback_token(request).split(":")[1]]),
        lambda request: manage_token(request),  # the manage link is not a feedback link
        lambda request: signing.Signer(salt=SALT).sign_object({"r": request.pk}),
        lambda request: signing.Signer(salt=FEEDBACK_SALT).sign_object({"r": 999999}),
    ],
    ids=["garbage", "altered signature", "altered payload", "manage token", "other salt", "no such request"],
)
def test_a_forged_or_altered_feedback_link_answers_404_and_changes_nothing(client, done, forge):
    bad = forge(done)
    for response in (client.get(feedback_url(bad)), client.post(feedback_url(bad), {"rating": "5"})):
        assert response.status_code == 404
        assert "Бұл сілтеме жұмыс істемейді" in response.content.decode()
    assert Feedback.objects.count() == 0


def test_a_feedback_link_is_no_manage_link(client, done):
    assert client.get(reverse("portal:manage", args=[feedback_token(done)])).status_code == 404


def test_the_link_of_a_consultation_not_held_does_not_work(client, booked):
    response = client.post(feedback_url(booked), {"rating": "5"})
    assert response.status_code == 404
    assert Feedback.objects.count() == 0


def test_the_link_works_thirty_days_after_the_consultation(client, done):
    Request.objects.filter(pk=done.pk).update(closed_at=timezone.now() - dt.timedelta(days=29))
    assert client.get(feedback_url(done)).status_code == 200
    Request.objects.filter(pk=done.pk).update(closed_at=timezone.now() - dt.timedelta(days=31))
    for response in (client.get(feedback_url(done)), client.post(feedback_url(done), {"rating": "5"})):
        assert response.status_code == 410
        html = response.content.decode()
        assert "Сілтеменің мерзімі өтті" in html
        assert "30 күн" in html  # the feedback link's own rule, not the manage link's
    assert Feedback.objects.count() == 0


def test_the_page_speaks_the_parents_language(client, done):
    done.parent.language = "ru"
    done.parent.save()
    response = client.get(feedback_url(done))
    assert response["Content-Language"] == "ru"
    assert "Оцените консультацию" in response.content.decode()
    response = client.post(feedback_url(done), {"rating": "9"})
    assert "от 1 до 5" in response.content.decode()


def test_no_feedback_is_asked_after_the_consent_is_withdrawn(client, done):
    consent_withdraw(parent=done.parent)
    page = client.get(feedback_url(done))
    assert page.status_code == 200
    assert 'name="rating"' not in page.content.decode()
    assert client.post(feedback_url(done), {"rating": "5"}).status_code == 409
    assert Feedback.objects.count() == 0
    manage = client.get(reverse("portal:manage", args=[manage_token(done)])).content.decode()
    assert feedback_url(done) not in manage


def test_the_manage_page_offers_the_link_once_the_consultation_took_place(client, booked, psychologist):
    url = reverse("portal:manage", args=[manage_token(booked)])
    assert "/feedback/" not in client.get(url).content.decode()
    request_complete(request=booked, recommendations="Ұйқы тәртібі", by=psychologist.user)
    html = client.get(url).content.decode()
    assert feedback_url(booked) in html
    client.post(feedback_url(booked), {"rating": "5"})
    html = client.get(url).content.decode()
    assert "/feedback/" not in html
    assert "5 ішінен 5" in html


def test_the_letter_goes_when_the_specialist_records_the_consultation(
    client, booked, psychologist, django_capture_on_commit_callbacks
):
    mail.outbox.clear()  # the booking's own letter
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        client.force_login(psychologist.user)
        response = client.post(reverse("journal:complete", args=[booked.pk]), {"recommendations": "Ұйқы тәртібі"})
    assert response.status_code == 302
    assert callbacks, "the letter waits for the commit"
    letter = mail.outbox[-1]
    assert letter.to == ["madina@example.com"]
    assert letter.subject == "Кеңес қалай өтті?"
    assert "Сәлеметсіз бе, Әбенова Мадина Серікқызы!" in letter.body
    link = next(line for line in letter.body.splitlines() if "/feedback/" in line).strip()
    assert link.startswith("http://127.0.0.1:8000/feedback/")
    # «… желтоқсан дейін» would need a dative ending a formatted date cannot take.
    assert "Сілтеменің жарамдылық мерзімі: " in letter.body and " дейін жұмыс" not in letter.body
    client.logout()
    assert client.get(urlsplit(link).path).status_code == 200


def test_the_letter_is_in_russian_for_a_russian_speaking_parent(booked, psychologist, django_capture_on_commit_callbacks):
    booked.parent.language = "ru"
    booked.parent.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request_complete(request=booked, recommendations="Режим сна", by=psychologist.user)
    (letter,) = mail.outbox
    assert letter.subject == "Как прошла консультация?"
    assert "Оцените консультацию" in letter.body


def test_no_letter_without_an_email_or_a_consent(booked, psychologist, point, day, django_capture_on_commit_callbacks):
    booked.parent.email = ""
    booked.parent.save()
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request_complete(request=booked, recommendations="Ұйқы", by=psychologist.user)
    assert mail.outbox == []

    other = portal_apply(
        point=point,
        topic=f.topic("behaviour"),
        parent_full_name="Ким Алиса",
        phone="+77015550001",
        email="alisa@example.com",
        question="?",
        consent_given=True,
        client_address="10.0.0.3",
    ).request
    request_schedule(request=other, specialists=[psychologist], starts_at=f.at(day, "12:00"), by=None)
    consent_withdraw(parent=other.parent)
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request_complete(request=other, recommendations="Ұйқы", by=psychologist.user)
    assert mail.outbox == []


def test_a_completion_that_fails_sends_nothing(booked, psychologist, django_capture_on_commit_callbacks):
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True) as callbacks:
        with pytest.raises(ValidationError):
            request_complete(request=booked, recommendations="   ", by=psychologist.user)
    assert callbacks == []
    assert mail.outbox == []


def test_the_staff_request_page_shows_the_feedback(client, done, methodist):
    portal_feedback_give(request=done, rating=4, comment="Маман өте мұқият")
    client.force_login(methodist.user)
    html = client.get(reverse("journal:detail", args=[done.pk])).content.decode()
    assert "Ата-ананың бағасы" in html
    assert "5 ішінен 4" in html
    assert "Маман өте мұқият" in html


def test_reports_count_feedback_by_period_and_average(waiting, done, point, psychologist, day, kindergarten, other_kindergarten):
    first = portal_feedback_give(request=done, rating=5)
    second_request = waiting
    request_schedule(request=second_request, specialists=[psychologist], starts_at=f.at(day, "12:00"), by=None)
    second_request = request_complete(request=second_request, recommendations="?", by=None)
    second = portal_feedback_give(request=second_request, rating=2)
    today = timezone.localdate()
    Feedback.objects.filter(pk=second.pk).update(given_at=timezone.now() - dt.timedelta(days=40))

    assert Feedback.objects.average() == 3.5
    assert list(Feedback.objects.for_period(today, today)) == [first]
    assert Feedback.objects.for_period(today - dt.timedelta(days=41), today - dt.timedelta(days=39)).average() == 2.0
    assert Feedback.objects.for_period(None, today).count() == 2
    assert Feedback.objects.in_organization(kindergarten.pk).count() == 2
    assert Feedback.objects.in_organization(other_kindergarten.pk).average() is None
