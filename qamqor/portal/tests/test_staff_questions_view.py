"""The back office of parents' questions: who sees them, answering (with the letter), publishing."""

import pytest
from django.core import mail
from django.urls import reverse

from qamqor.core.testing import factories as f
from qamqor.portal.models import Question
from qamqor.portal.services import question_ask


@pytest.fixture
def asked(point):
    return question_ask(
        point=point,
        text="Екі жасар балам әлі сөйлемейді",
        client_address="10.0.0.1",
        name="Әбенова Мадина",
        email="madina@example.com",
        contacts_consent=True,
        may_publish=True,
        language="ru",
    )


@pytest.fixture
def anonymous_question(point):
    return question_ask(point=point, text="Бала тамақ талғайды", client_address="10.0.0.2")


def urls(question):
    return [
        ("get", reverse("portal:staff_questions")),
        ("get", reverse("portal:staff_question", args=[question.pk])),
        ("post", reverse("portal:staff_question_publish", args=[question.pk])),
        ("post", reverse("portal:staff_question_delete", args=[question.pk])),
    ]


def test_anonymous_visitors_are_sent_to_login(client, asked):
    for method, url in urls(asked):
        response = getattr(client, method)(url)
        assert response.status_code == 302 and response["Location"].startswith(reverse("login")), url


def test_only_the_consulting_staff_see_questions(client, kindergarten, asked):
    for role in ("secretary", "deputy"):
        client.force_login(f.staff(kindergarten, role).user)
        for method, url in urls(asked):
            assert getattr(client, method)(url).status_code == 403, (role, url)
    assert Question.objects.filter(pk=asked.pk).exists()


def test_another_organisations_question_answers_404(client, asked, other_kindergarten):
    client.force_login(f.staff(other_kindergarten, "methodist").user)
    for _method, url in urls(asked)[1:]:
        assert client.post(url, {"answer": "x", "action": "publish"}).status_code == 404
    assert client.get(reverse("portal:staff_question", args=[asked.pk])).status_code == 404
    assert "Екі жасар балам" not in client.get(reverse("portal:staff_questions")).content.decode()
    asked.refresh_from_db()
    assert asked.answer == "" and not asked.is_published


@pytest.mark.parametrize("persona", ["methodist", "psychologist"])
def test_new_questions_are_listed_with_their_contacts(client, request, persona, asked, anonymous_question):
    client.force_login(request.getfixturevalue(persona).user)
    response = client.get(reverse("portal:staff_questions"))
    html = response.content.decode()
    assert html.count("<h1") == 1
    assert "Екі жасар балам әлі сөйлемейді" in html and "Бала тамақ талғайды" in html
    page = client.get(reverse("portal:staff_question", args=[asked.pk])).content.decode()
    assert "madina@example.com" in page and "Әбенова Мадина" in page
    assert 'for="id_answer"' in page and 'for="id_public_text"' in page


def test_the_answer_goes_to_the_parent_in_their_language(client, psychologist, asked):
    client.force_login(psychologist.user)
    response = client.post(reverse("portal:staff_question", args=[asked.pk]), {"answer": "Логопедке 3 жаста көрсетіңіз."})
    assert response.status_code == 302
    asked.refresh_from_db()
    assert asked.answer == "Логопедке 3 жаста көрсетіңіз." and asked.answered_by == psychologist.user
    assert len(mail.outbox) == 1
    letter = mail.outbox[0]
    assert letter.to == ["madina@example.com"]
    assert letter.subject == "Ответ на ваш вопрос"
    assert "Здравствуйте, Әбенова Мадина!" in letter.body
    assert "Логопедке 3 жаста көрсетіңіз." in letter.body and "Екі жасар балам" in letter.body
    # A correction saves the answer without writing again.
    client.post(reverse("portal:staff_question", args=[asked.pk]), {"answer": "Түзетілген жауап"})
    assert len(mail.outbox) == 1
    assert Question.objects.get(pk=asked.pk).answer == "Түзетілген жауап"
    assert client.get(reverse("portal:staff_questions")).context["page"].paginator.count == 0  # no longer new


def test_no_letter_for_an_anonymous_question(client, psychologist, anonymous_question):
    client.force_login(psychologist.user)
    client.post(reverse("portal:staff_question", args=[anonymous_question.pk]), {"answer": "Көкөністі ойынмен ұсыныңыз."})
    assert mail.outbox == []
    assert Question.objects.get(pk=anonymous_question.pk).answered_at is not None


def test_an_empty_answer_is_refused(client, psychologist, asked):
    client.force_login(psychologist.user)
    response = client.post(reverse("portal:staff_question", args=[asked.pk]), {"answer": "  "})
    assert response.status_code == 400
    assert Question.objects.get(pk=asked.pk).answered_at is None and mail.outbox == []


def test_publishing_with_permission_shows_the_pair_without_the_name(client, point, psychologist, asked):
    client.force_login(psychologist.user)
    client.post(
        reverse("portal:staff_question", args=[asked.pk]),
        {"answer": "Логопедке көрсетіңіз.", "public_text": "Екі жасар бала әлі сөйлемейді"},
    )
    client.post(reverse("portal:staff_question_publish", args=[asked.pk]), {"action": "publish"})
    asked.refresh_from_db()
    assert asked.is_published
    public = client.get(reverse("portal:questions", args=[point.pk])).content.decode()
    assert "Екі жасар бала әлі сөйлемейді" in public and "Әбенова" not in public
    client.post(reverse("portal:staff_question_publish", args=[asked.pk]), {"action": "unpublish"})
    assert not Question.objects.get(pk=asked.pk).is_published


def test_no_publishing_without_the_parents_permission(client, point, psychologist, anonymous_question):
    client.force_login(psychologist.user)
    client.post(reverse("portal:staff_question", args=[anonymous_question.pk]), {"answer": "Көкөністі ойынмен ұсыныңыз."})
    page = client.get(reverse("portal:staff_question", args=[anonymous_question.pk])).content.decode()
    assert reverse("portal:staff_question_publish", args=[anonymous_question.pk]) not in page
    response = client.post(
        reverse("portal:staff_question_publish", args=[anonymous_question.pk]), {"action": "publish"}, follow=True
    )
    assert "Ата-ана бұл сұрақты жариялауға рұқсат бермеді." in response.content.decode()
    assert not Question.objects.get(pk=anonymous_question.pk).is_published


def test_delete(client, methodist, asked):
    client.force_login(methodist.user)
    response = client.post(reverse("portal:staff_question_delete", args=[asked.pk]))
    assert response["Location"] == reverse("portal:staff_questions")
    assert not Question.objects.exists()
