"""Asking a question on a point's pages: anonymous or with contacts, the robots' trap, the limit."""

import pytest
from django.urls import reverse

from qamqor.portal.models import ApplicationAttempt, Question
from qamqor.portal.services import QUESTIONS_PER_ADDRESS
from qamqor.portal.tests.test_no_english import english_words


def url(point):
    return reverse("portal:ask", args=[point.pk])


def data(**values) -> dict:
    return {"text": "Екі жасар балам әлі сөйлемейді. Қашан логопедке бару керек?", "website": "", **values}


def test_the_form_has_labelled_fields_and_one_heading(client, point):
    response = client.get(url(point))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    for name in ("text", "name", "phone", "email", "contacts_consent", "may_publish", "website"):
        assert f'for="id_{name}"' in html, name
    assert "сайтта жариялауға болады" in html  # the permission, in Kazakh


def test_an_anonymous_question(client, point):
    response = client.post(url(point), data())
    assert response.status_code == 302
    assert response["Location"] == reverse("portal:asked", args=[point.pk])
    question = Question.objects.get()
    assert (question.organization, question.has_contacts, question.may_publish, question.language) == (
        point.organization,
        False,
        False,
        "kk",
    )
    page = client.get(response["Location"]).content.decode()
    assert page.count("<h1") == 1


def test_a_question_with_contacts_and_the_permission_in_russian(client, point):
    client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    values = data(name="Мадина", phone="8 701 555 12 34", email="madina@example.com", contacts_consent="on", may_publish="on")
    assert client.post(url(point), values).status_code == 302
    question = Question.objects.get()
    assert (question.name, question.phone, question.email) == ("Мадина", "+77015551234", "madina@example.com")
    assert question.may_publish and question.language == "ru"


def test_contacts_without_the_consent_are_refused(client, point):
    response = client.post(url(point), data(email="madina@example.com"))
    assert response.status_code == 400
    assert "контактілеріңізді пайдалануға келісіміңіз керек" in response.content.decode()
    assert Question.objects.count() == 0


def test_the_robots_trap(client, point):
    response = client.post(url(point), data(website="https://spam.example"))
    assert response.status_code == 400
    assert Question.objects.count() == 0 and ApplicationAttempt.objects.count() == 0


def test_too_many_questions_from_one_device(client, point):
    for _ in range(QUESTIONS_PER_ADDRESS):
        assert client.post(url(point), data()).status_code == 302
    response = client.post(url(point), data())
    assert response.status_code == 429
    assert "Соңғы бір сағатта осы құрылғыдан тым көп сұрақ жіберілді" in response.content.decode()
    assert Question.objects.count() == QUESTIONS_PER_ADDRESS
    other = client.post(url(point), data(), REMOTE_ADDR="10.9.9.9")
    assert other.status_code == 302


def test_a_closed_point_has_no_form(client, point):
    point.is_open = False
    point.save()
    assert client.get(url(point)).status_code == 404
    assert client.post(url(point), data()).status_code == 404


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_no_english(client, point, language):
    client.post(reverse("set_language"), {"language": language, "next": "/"})
    pages = [
        client.get(url(point)),
        client.post(url(point), data(text="", phone="12", website="x")),
        client.get(reverse("portal:asked", args=[point.pk])),
    ]
    for response in pages:
        assert english_words(response.content.decode()) == set()
