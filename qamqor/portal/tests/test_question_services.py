"""Parents' questions: asking (anonymous or with contacts), the limit per device, answering,
publishing only with the parent's permission."""

import pytest
from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction

from qamqor.portal.models import ApplicationAttempt, Question
from qamqor.portal.services import (
    QUESTIONS_PER_ADDRESS,
    TooManyApplications,
    portal_apply,
    question_answer,
    question_ask,
    question_delete,
    question_publish,
    question_unpublish,
)


def ask(point, **kwargs) -> Question:
    kwargs.setdefault("text", "Бала түнде жиі оянады, не істеу керек?")
    kwargs.setdefault("client_address", "10.0.0.1")
    return question_ask(point=point, **kwargs)


def test_an_anonymous_question(point):
    question = ask(point, language="ru")
    assert (question.organization, question.name, question.phone, question.email) == (point.organization, "", "", "")
    assert question.language == "ru" and not question.may_publish and not question.is_published


def test_a_question_with_contacts_needs_the_consent_to_use_them(point):
    with pytest.raises(ValidationError) as caught:
        ask(point, name="Мадина", email="madina@example.com")
    assert "contacts_consent" in caught.value.message_dict
    question = ask(point, name="  Әбенова   Мадина ", phone="8 701 555 12 34", email="madina@example.com", contacts_consent=True)
    assert (question.name, question.phone) == ("Әбенова Мадина", "+77015551234")


@pytest.mark.parametrize(("kwargs", "field"), [({"text": "   "}, "text"), ({"phone": "12", "contacts_consent": True}, "phone")])
def test_bad_input_saves_nothing(point, kwargs, field):
    with pytest.raises(ValidationError) as caught:
        ask(point, **kwargs)
    assert field in caught.value.message_dict
    assert Question.objects.count() == 0 and ApplicationAttempt.objects.count() == 0


def test_a_closed_point_takes_no_questions(point):
    point.is_open = False
    point.save()
    with pytest.raises(ValidationError):
        ask(point)


def test_questions_are_limited_per_device_and_apart_from_applications(point, psychologist, form_data):
    for _ in range(QUESTIONS_PER_ADDRESS):
        ask(point)
    with pytest.raises(TooManyApplications) as caught:
        ask(point)
    assert caught.value.code == "too_many_questions"
    assert Question.objects.count() == QUESTIONS_PER_ADDRESS
    ask(point, client_address="10.0.0.2")  # another device
    # The same device may still apply for a consultation: the counts are apart.
    from qamqor.core.testing import factories as f

    portal_apply(
        point=point,
        topic=f.topic("behaviour"),
        parent_full_name="Әбенова Мадина",
        phone="+77015551234",
        question="?",
        consent_given=True,
        client_address="10.0.0.1",
    )
    # Only keyed hashes are kept, never the address itself.
    assert not ApplicationAttempt.objects.filter(key_hash__contains="10.0.0").exists()


def test_answer_then_publish_only_with_permission(point, psychologist):
    allowed, refused = ask(point, may_publish=True), ask(point, may_publish=False)
    with pytest.raises(ValidationError):
        question_publish(question=allowed, by=psychologist.user)  # not answered yet
    for question in (allowed, refused):
        answered = question_answer(question=question, answer="Күн тәртібін сақтаңыз.", by=psychologist.user)
        assert answered.first and answered.question.answered_by == psychologist.user
    with pytest.raises(ValidationError) as caught:
        question_publish(question=refused, by=psychologist.user)
    assert caught.value.code == "no_permission"
    assert not Question.objects.get(pk=refused.pk).is_published
    published = question_publish(question=allowed, by=psychologist.user)
    assert published.is_published and published.published_at
    assert not question_unpublish(question=allowed, by=psychologist.user).is_published


def test_a_second_answer_corrects_the_first_and_is_not_the_first(point, psychologist):
    question = ask(point, may_publish=True)
    question_answer(question=question, answer="Бірінші", by=psychologist.user)
    again = question_answer(question=question, answer="Түзетілген", by=psychologist.user, public_text="Бала түнде оянады")
    assert not again.first
    assert (again.question.answer, again.question.shown_text) == ("Түзетілген", "Бала түнде оянады")


def test_the_database_refuses_publishing_without_permission(point):
    question = ask(point)
    with pytest.raises(IntegrityError), transaction.atomic():
        Question.objects.filter(pk=question.pk).update(answer="Жауап", is_published=True)


def test_delete(point, psychologist):
    question = ask(point, name="Мадина", contacts_consent=True)
    question_delete(question=question, by=psychologist.user)
    assert not Question.objects.exists()
