"""Every public page, and the letters, in Kazakh and Russian: no English word left on them."""

from __future__ import annotations

import datetime as dt
import html as html_lib
import re

import pytest
from django.core import mail
from django.urls import reverse

from qamqor.core.testing import factories as f
from qamqor.journal.services import request_complete
from qamqor.portal.links import feedback_token, manage_token
from qamqor.portal.services import portal_apply, portal_feedback_give
from qamqor.scheduling.models import ClosedDay

# Names that stay as they are in every language, and the pieces of addresses on the page.
ALLOWED = {"qamqor", "whatsapp", "telegram", "ics", "json"}
VISIBLE_ATTRIBUTES = re.compile(r'(?:aria-label|title|placeholder|alt)="([^"]*)"')


def english_words(page: str) -> set[str]:
    page = re.sub(r"<(script|style)\b.*?</\1>", " ", page, flags=re.S)
    shown = " ".join(VISIBLE_ATTRIBUTES.findall(page))
    text = html_lib.unescape(re.sub(r"<[^>]+>", " ", page) + " " + shown)
    text = re.sub(r"\S+@\S+|@\w+|https?://\S+|/my/\S+", " ", text)  # addresses, handles and links
    return {w for w in re.findall(r"[A-Za-z]{2,}", text) if w.lower() not in ALLOWED}


@pytest.fixture
def pages(client, point, methodist, psychologist, speech_therapist, day, form_data):
    """The address of every public page, with an application booked and one without a time."""
    ClosedDay.objects.create(organization=point.organization, date=day + dt.timedelta(days=21))
    booked = portal_apply(
        point=point,
        topic=f.topic("behaviour"),
        parent_full_name="Әбенова Мадина",
        phone="+77015551234",
        email="madina@example.com",
        question="?",
        consent_given=True,
        client_address="10.0.0.1",
        specialist=psychologist,
        starts_at=f.at(day, "11:00"),
    ).request
    waiting = portal_apply(
        point=point,
        topic=f.topic("behaviour"),
        parent_full_name="Ким Алиса",
        phone="+77015550001",
        question="?",
        consent_given=True,
        client_address="10.0.0.2",
    ).request
    token, waiting_token = manage_token(booked), manage_token(waiting)
    held, rated = (
        portal_apply(
            point=point,
            topic=f.topic("behaviour"),
            parent_full_name=name,
            phone=phone,
            question="?",
            consent_given=True,
            client_address=address,
            specialist=psychologist,
            starts_at=f.at(day, hhmm),
        ).request
        for name, phone, address, hhmm in (
            ("Серікова Әсел", "+77015550002", "10.0.0.3", "12:00"),
            ("Омарова Жанар", "+77015550003", "10.0.0.4", "12:30"),
        )
    )
    for consulted in (held, rated):
        request_complete(request=consulted, recommendations="Ойындар", by=psychologist.user)
    portal_feedback_give(request=rated, rating=4, comment="Рахмет")
    return [
        ("get", "/", {}),
        ("get", reverse("portal:finder"), {"q": "жоқ"}),
        ("get", reverse("portal:point", args=[point.pk]), {}),
        ("get", reverse("portal:apply", args=[point.pk]), {}),
        ("get", reverse("portal:apply", args=[point.pk]), {"topic": "school_readiness"}),
        ("post", reverse("portal:apply", args=[point.pk]), {**form_data, "consent": "", "phone": "1", "slot": "x"}),
        ("post", reverse("portal:apply", args=[point.pk]), {**form_data, "website": "spam", "child_birth_date": "x"}),
        ("get", reverse("portal:confirmation", args=[token]), {}),
        ("get", reverse("portal:confirmation", args=[waiting_token]), {}),
        ("get", reverse("portal:manage", args=[token]), {}),
        ("get", reverse("portal:manage", args=[waiting_token]), {}),
        ("get", reverse("portal:cancel", args=[token]), {}),
        ("get", reverse("portal:calendar", args=[waiting_token]), {}),
        ("post", reverse("portal:reschedule", args=[token]), {"slot": "nonsense"}),
        ("get", reverse("portal:manage", args=["forged"]), {}),
        ("get", reverse("portal:manage", args=[manage_token(held)]), {}),
        ("get", reverse("portal:manage", args=[manage_token(rated)]), {}),
        ("get", reverse("portal:feedback", args=[feedback_token(held)]), {}),
        ("post", reverse("portal:feedback", args=[feedback_token(held)]), {"rating": "9"}),
        ("get", reverse("portal:feedback", args=[feedback_token(rated)]), {}),
        ("get", reverse("portal:feedback", args=["forged"]), {}),
        ("get", reverse("portal:my_data", args=[token]), {}),
        ("get", reverse("portal:withdraw", args=[token]), {}),
    ]


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_no_english_on_the_public_pages(client, pages, language):
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    leftovers = {}
    for method, url, data in pages:
        response = getattr(client, method)(url, data)
        assert f'<html lang="{language}">' in response.content.decode(), url
        found = english_words(response.content.decode())
        if found:
            leftovers[url] = found
    assert leftovers == {}


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_no_english_in_the_letters(client, point, psychologist, form_data, language):
    response = client.post(reverse("portal:apply", args=[point.pk]), {**form_data, "language": language})
    token = response["Location"].split("/")[2]
    client.post(reverse("portal:cancel", args=[token]))
    assert len(mail.outbox) == 2
    for letter in mail.outbox:
        assert english_words(letter.subject + "\n" + letter.body) == set(), letter.body


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_no_english_in_the_feedback_letter(point, psychologist, day, language, django_capture_on_commit_callbacks):
    request = portal_apply(
        point=point,
        topic=f.topic("behaviour"),
        parent_full_name="Әбенова Мадина",
        phone="+77015551234",
        email="madina@example.com",
        language=language,
        question="?",
        consent_given=True,
        client_address="10.0.0.1",
        specialist=psychologist,
        starts_at=f.at(day, "11:00"),
    ).request
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        request_complete(request=request, recommendations="Ойындар", by=psychologist.user)
    (letter,) = mail.outbox
    assert english_words(letter.subject + "\n" + letter.body) == set(), letter.body


def test_the_check_itself_finds_english():
    assert english_words('<p title="Go home">Find a point at https://x.kz, @duman8_kp</p>') == {
        "Go",
        "home",
        "Find",
        "point",
        "at",
    }
