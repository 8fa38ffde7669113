"""Satisfaction surveys (item 4): built by managers, answered anonymously through a public link."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qamqor.reports.figures import organization_figures
from qamqor.reports.models import Survey, SurveyAnswer, SurveyResponse
from qamqor.reports.periods import presets

QUESTIONS = "* How satisfied are you with the kindergarten?\nHow do you prefer to meet? | In person | Online\nYour suggestions"


@pytest.fixture
def survey(client, methodist):
    client.force_login(methodist.user)
    response = client.post(reverse("reports:surveys"), {"title": "Сауалнама", "audience": "parents", "questions": QUESTIONS})
    assert response.status_code == 302
    client.logout()
    return Survey.objects.get()


def test_a_manager_builds_a_survey_from_lines(survey):
    kinds = [(q.kind, q.text, q.options) for q in survey.questions.all()]
    assert kinds == [
        ("scale", "How satisfied are you with the kindergarten?", []),
        ("choice", "How do you prefer to meet?", ["In person", "Online"]),
        ("text", "Your suggestions", []),
    ]


@pytest.mark.parametrize("questions", ["", "Which? | only one", "*", "\n".join(["* q"] * 31)])
def test_a_bad_question_list_gets_a_message_and_saves_nothing(client, methodist, questions):
    client.force_login(methodist.user)
    response = client.post(reverse("reports:surveys"), {"title": "x", "audience": "parents", "questions": questions})
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not Survey.objects.exists()


def _answers(survey, scale="4", choice="1", text="Көбірек ойын"):
    q = list(survey.questions.all())
    return {f"q{q[0].pk}": scale, f"q{q[1].pk}": choice, f"q{q[2].pk}": text}


def test_anyone_with_the_link_answers_anonymously(client, survey):
    url = reverse("reports:survey_public", args=[survey.token])
    assert client.get(url).status_code == 200
    response = client.post(url, _answers(survey), REMOTE_ADDR="10.1.2.3")
    assert response.status_code == 200
    saved = SurveyResponse.objects.get()
    # nothing that points at the person: no user, no address, only the day
    assert {f.name for f in SurveyResponse._meta.concrete_fields} == {"id", "survey", "organization", "answered_on"}
    assert list(
        SurveyAnswer.objects.filter(response=saved).order_by("question__position").values_list("scale", "choice", "text")
    ) == [
        (4, None, ""),
        (None, 1, ""),
        (None, None, "Көбірек ойын"),
    ]


@pytest.mark.parametrize("bad", [{"scale": "7"}, {"scale": ""}, {"choice": "5"}, {"choice": "x"}, {"text": "x" * 2001}])
def test_a_bad_answer_gets_a_message_and_saves_nothing(client, survey, bad):
    response = client.post(reverse("reports:survey_public", args=[survey.token]), _answers(survey, **bad))
    assert response.status_code == 400
    assert any(errors for _q, errors, _v in response.context["items"])
    assert not SurveyResponse.objects.exists()


def test_a_closed_survey_takes_no_answers(client, methodist, survey):
    client.force_login(methodist.user)
    client.post(reverse("reports:survey", args=[survey.pk]), {"open": "0"})
    client.logout()
    response = client.post(reverse("reports:survey_public", args=[survey.token]), _answers(survey))
    assert response.status_code == 400 and not SurveyResponse.objects.exists()


def test_results_and_satisfaction_in_the_figures(client, methodist, survey):
    url = reverse("reports:survey_public", args=[survey.token])
    client.post(url, _answers(survey, scale="5"))
    client.post(url, _answers(survey, scale="2", text=""))
    client.force_login(methodist.user)
    response = client.get(reverse("reports:survey", args=[survey.pk]))
    results = response.context["results"]
    assert results[0]["average"] == 3.5
    assert [b.value for b in results[1]["bars"]] == [0, 2]
    assert results[2]["texts"] == ["Көбірек ойын"]
    year = presets()[0]
    figures = organization_figures(organization_id=survey.organization_id, start=year.start, end=year.end)
    assert (figures.survey_answers, figures.survey_average) == (2, 3.5)


def test_the_results_queries_do_not_grow_with_responses(client, methodist, survey):
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    url = reverse("reports:survey_public", args=[survey.token])
    client.post(url, _answers(survey))
    client.force_login(methodist.user)
    with CaptureQueriesContext(connection) as first:
        client.get(reverse("reports:survey", args=[survey.pk]))
    client.logout()
    for scale in "12345":
        client.post(url, _answers(survey, scale=scale))
    client.force_login(methodist.user)
    with CaptureQueriesContext(connection) as second:
        client.get(reverse("reports:survey", args=[survey.pk]))
    assert len(second.captured_queries) == len(first.captured_queries)


def test_another_organisations_survey_is_404(client, survey, other_kindergarten):
    from qamqor.core.testing import factories as f

    client.force_login(f.staff(other_kindergarten, "methodist").user)
    assert client.get(reverse("reports:survey", args=[survey.pk])).status_code == 404


def test_a_specialist_may_not_build_surveys(client, psychologist):
    client.force_login(psychologist.user)
    assert client.get(reverse("reports:surveys")).status_code == 404


# --- Item 5 (wave 2): a survey in Kazakh and Russian

QUESTIONS_KK = "* Балабақшаға қаншалықты көңіліңіз толады?\nҚалай кездескен ыңғайлы? | Бетпе-бет | Онлайн"
QUESTIONS_RU = "* Насколько вы довольны детским садом?\nКак вам удобнее встречаться? | Очно | Онлайн"


def _bilingual(client, methodist, **extra):
    client.force_login(methodist.user)
    data = {"title": "Сауалнама", "title_ru": "Анкета", "audience": "parents", "questions": QUESTIONS_KK}
    return client.post(reverse("reports:surveys"), {**data, "questions_ru": QUESTIONS_RU, **extra})


def _public_in(client, survey, language: str) -> str:
    from django.conf import settings

    client.cookies[settings.LANGUAGE_COOKIE_NAME] = language
    return client.get(reverse("reports:survey_public", args=[survey.token])).content.decode()


def test_a_bilingual_survey_is_read_in_the_respondents_language(client, methodist):
    assert _bilingual(client, methodist).status_code == 302
    survey = Survey.objects.get()
    client.logout()
    kk, ru = _public_in(client, survey, "kk"), _public_in(client, survey, "ru")
    assert "Балабақшаға қаншалықты" in kk and "Бетпе-бет" in kk and "Сауалнама" in kk
    assert "Насколько вы довольны" in ru and "Очно" in ru and "Анкета" in ru and "Бетпе-бет" not in ru


def test_answers_in_both_languages_count_together(client, methodist):
    _bilingual(client, methodist)
    survey = Survey.objects.get()
    client.logout()
    scale, choice = survey.questions.all()
    url = reverse("reports:survey_public", args=[survey.token])
    for language, value in (("kk", "5"), ("ru", "3")):
        _public_in(client, survey, language)
        assert client.post(url, {f"q{scale.pk}": value, f"q{choice.pk}": "1"}).status_code == 200
    assert SurveyAnswer.objects.filter(question=scale).count() == 2
    assert SurveyAnswer.objects.filter(question=choice, choice=1).count() == 2  # "Онлайн" in both


def test_a_survey_in_russian_only_falls_back_for_kazakh_readers(client, methodist):
    client.force_login(methodist.user)
    data = {"title_ru": "Анкета", "audience": "parents", "questions_ru": QUESTIONS_RU}
    assert client.post(reverse("reports:surveys"), data).status_code == 302
    survey = Survey.objects.get()
    client.logout()
    assert "Насколько вы довольны" in _public_in(client, survey, "kk")


@pytest.mark.parametrize(
    "extra",
    [
        {"questions_ru": "* Насколько вы довольны детским садом?"},  # one question fewer
        {"questions_ru": "Насколько вы довольны?\nКак вам удобнее встречаться? | Очно | Онлайн"},  # another kind
        {"questions_ru": "* Довольны?\nКак? | Очно | Онлайн | Телефон"},  # more answers to choose from
        {"title": "", "title_ru": ""},
        {"questions": "", "questions_ru": ""},
    ],
    ids=["fewer", "kind", "options", "no-title", "no-questions"],
)
def test_mismatched_languages_get_a_message_and_save_nothing(client, methodist, extra):
    response = _bilingual(client, methodist, **extra)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not Survey.objects.exists()
