"""The published questions and answers on the point's page and its Q&A page."""

import pytest
from django.urls import reverse

from qamqor.core.testing import factories as f
from qamqor.portal.services import question_answer, question_ask, question_publish


def pair(point, by, *, text, answer="Күн тәртібін сақтаңыз.", publish=True, may_publish=True, **kwargs):
    question = question_ask(point=point, text=text, client_address="10.0.0.1", may_publish=may_publish, **kwargs)
    if answer:
        question_answer(question=question, answer=answer, by=by)
    if publish:
        question_publish(question=question, by=by)
    return question


@pytest.fixture
def pairs(point, psychologist, other_kindergarten):
    by = psychologist.user
    other_point = other_kindergarten.consultation_point
    return {
        "published": pair(
            point, by, text="Бала түнде оянады", name="Әбенова Мадина", email="madina@example.com", contacts_consent=True
        ),
        "answered": pair(point, by, text="Жауап берілген, жарияланбаған", publish=False),
        "new": pair(point, by, text="Жаңа сұрақ", answer="", publish=False),
        "private": pair(point, by, text="Жарияламаңыз", may_publish=False, publish=False),
        "other": pair(other_point, f.staff(other_kindergarten, "psychologist").user, text="Басқа пункттің сұрағы"),
    }


def test_the_qa_page_shows_only_this_points_published_pairs_without_names(client, point, pairs):
    response = client.get(reverse("portal:questions", args=[point.pk]))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert "Бала түнде оянады" in html and "Күн тәртібін сақтаңыз." in html
    for hidden in ("Жауап берілген, жарияланбаған", "Жаңа сұрақ", "Жарияламаңыз", "Басқа пункттің сұрағы"):
        assert hidden not in html
    assert "Әбенова" not in html and "madina@example.com" not in html
    assert reverse("portal:ask", args=[point.pk]) in html


def test_the_point_page_shows_the_latest_pairs_and_the_ask_link(client, point, psychologist, pairs):
    html = client.get(reverse("portal:point", args=[point.pk])).content.decode()
    assert "Бала түнде оянады" in html
    assert reverse("portal:ask", args=[point.pk]) in html
    assert reverse("portal:questions", args=[point.pk]) in html
    assert reverse("portal:point_materials", args=[point.pk]) in html


def test_the_wording_for_the_site_replaces_the_parents(client, point, psychologist, pairs):
    question_answer(question=pairs["published"], answer="Күн тәртібін сақтаңыз.", by=psychologist.user, public_text="Бала оянады")
    html = client.get(reverse("portal:questions", args=[point.pk])).content.decode()
    assert "Бала оянады" in html and "Бала түнде оянады" not in html


def test_the_qa_page_in_constant_queries(client, point, psychologist, django_assert_num_queries):
    for n in range(5):
        pair(point, psychologist.user, text=f"Сұрақ {n}")
    # 1 the point with its organisation, district and region, 2 count, 3 the page of pairs.
    with django_assert_num_queries(3):
        response = client.get(reverse("portal:questions", args=[point.pk]))
    assert response.status_code == 200


def test_a_closed_point_answers_404(client, point):
    point.is_open = False
    point.save()
    assert client.get(reverse("portal:questions", args=[point.pk])).status_code == 404
