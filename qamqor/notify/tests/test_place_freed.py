"""A family moved up from an event's waiting list hears of its place: once, after the change
commits, in its language, by its channel, with its private link to give the place back."""

from __future__ import annotations

import pytest
from django.core import mail
from django.db import transaction
from django.utils import formats, timezone, translation

from qamqor.engagement.links import registration_for_token
from qamqor.engagement.models import Registration
from qamqor.engagement.services import event_cancel, registration_cancel, registration_create
from qamqor.engagement.signals import registration_promoted
from qamqor.engagement.tests.factories import event
from qamqor.notify.models import Message
from qamqor.notify.services import message_deliver, place_freed_plan

pytestmark = pytest.mark.django_db

PUBLIC = "https://qamqor.example.kz"


@pytest.fixture
def full_event(kindergarten, methodist):
    """One place, taken; the given parent waits for it."""
    made = event(kindergarten, capacity=1, title_kk="Ата-аналар жиналысы", title_ru="Родительское собрание")
    registration_create(event=made, full_name="Омарова Айгүл", phone="+77019990001", by=methodist.user)
    return made


def wait_for_a_place(full_event, parent, methodist) -> Registration:
    registration = registration_create(event=full_event, full_name=parent.full_name, phone=parent.phone, by=methodist.user)
    assert (registration.status, registration.parent_id) == (Registration.Status.WAITING, parent.pk)
    return registration


def free_the_place(full_event, capture) -> None:
    with capture(execute=True):
        registration_cancel(registration=full_event.registrations.get(phone="+77019990001"))


def messages_for(registration) -> list[Message]:
    return list(Message.objects.filter(registration=registration))


def local(value, language: str) -> str:
    with translation.override(language):
        return formats.date_format(timezone.localtime(value), "DATETIME_FORMAT")


def test_the_promoted_parent_gets_one_letter_in_russian_with_the_date_and_the_private_link(
    full_event, parent, methodist, django_capture_on_commit_callbacks, tasks
):
    parent.email, parent.language = "dinara@example.kz", "ru"
    parent.save()
    registration = wait_for_a_place(full_event, parent, methodist)

    free_the_place(full_event, django_capture_on_commit_callbacks)

    (message,) = messages_for(registration)
    assert (message.kind, message.parent_id, message.channel, message.language) == (
        Message.Kind.PLACE_FREED,
        parent.pk,
        Message.Channel.EMAIL,
        "ru",
    )
    assert tasks() == 1
    (letter,) = mail.outbox
    assert letter.to == ["dinara@example.kz"]
    assert letter.subject == "Для вас освободилось место: Родительское собрание"
    assert "Детский сад №8 «Думан»" in letter.body
    assert local(full_event.starts_at, "ru") in letter.body
    assert "Мәжіліс залы" in letter.body  # the place, in a letter
    link = next(word for word in letter.body.split() if word.startswith(PUBLIC))
    assert registration_for_token(link.rstrip("/").split("/")[-1]) == registration


def test_a_kazakh_parent_without_email_gets_an_sms_with_the_kazakh_date(
    full_event, parent, methodist, django_capture_on_commit_callbacks, tasks, sms_outbox
):
    registration = wait_for_a_place(full_event, parent, methodist)

    free_the_place(full_event, django_capture_on_commit_callbacks)
    tasks()

    (sms,) = sms_outbox
    assert sms["phone"] == parent.phone
    when = local(full_event.starts_at, "kk")
    assert " ж. " in when  # the Kazakh format: "2026 ж. 21 қараша, 10:00"
    assert "орын босады" in sms["text"] and "Ата-аналар жиналысы" in sms["text"] and when in sms["text"]
    assert f"{PUBLIC}/" in sms["text"]
    assert messages_for(registration)[0].status == Message.Status.SENT


def test_a_promotion_rolled_back_plans_nothing(full_event, parent, methodist, django_capture_on_commit_callbacks):
    registration = wait_for_a_place(full_event, parent, methodist)

    with django_capture_on_commit_callbacks(execute=True), pytest.raises(RuntimeError):
        with transaction.atomic():
            registration_cancel(registration=full_event.registrations.get(phone="+77019990001"))
            raise RuntimeError("the request failed after the place was given")

    registration.refresh_from_db()
    assert registration.status == Registration.Status.WAITING
    assert Message.objects.count() == 0


def test_promoting_twice_sends_once(full_event, parent, methodist, django_capture_on_commit_callbacks, tasks, sms_outbox):
    registration = wait_for_a_place(full_event, parent, methodist)
    free_the_place(full_event, django_capture_on_commit_callbacks)

    # The signal heard again (a retried request) and the planner run again (a second worker).
    with django_capture_on_commit_callbacks(execute=True):
        registration_promoted.send(sender=Registration, registration=registration)
    assert place_freed_plan(registration_id=registration.pk) is None

    assert len(messages_for(registration)) == 1
    tasks()
    assert len(sms_outbox) == 1


@pytest.mark.parametrize("how", ["channels erased", "unknown phone"])
def test_a_family_with_no_channel_gets_nothing(how, full_event, parent, methodist, django_capture_on_commit_callbacks):
    if how == "unknown phone":
        registration = registration_create(event=full_event, full_name="Жаңа ата-ана", phone="+77019990002", by=methodist.user)
        assert registration.parent is None  # the organisation knows no parent with that phone
    else:
        registration = wait_for_a_place(full_event, parent, methodist)
        parent.phone, parent.email = "", ""
        parent.save()

    free_the_place(full_event, django_capture_on_commit_callbacks)

    registration.refresh_from_db()
    assert registration.status == Registration.Status.REGISTERED
    assert Message.objects.count() == 0


def test_a_parent_who_withdrew_consent_gets_nothing(full_event, parent, methodist, django_capture_on_commit_callbacks):
    registration = wait_for_a_place(full_event, parent, methodist)
    parent.consents.update(withdrawn_at=timezone.now())

    free_the_place(full_event, django_capture_on_commit_callbacks)

    assert messages_for(registration) == []


@pytest.mark.parametrize("what", ["the place given back", "the event cancelled"])
def test_a_message_no_longer_true_when_due_is_not_sent(
    what, full_event, parent, methodist, django_capture_on_commit_callbacks, sms_outbox
):
    registration = wait_for_a_place(full_event, parent, methodist)
    free_the_place(full_event, django_capture_on_commit_callbacks)
    (message,) = messages_for(registration)
    if what == "the event cancelled":
        event_cancel(event=full_event)
    else:
        registration_cancel(registration=registration)

    assert message_deliver(message_id=message.pk) == Message.Status.SKIPPED

    message.refresh_from_db()
    assert message.note == (Message.Note.CANCELLED if what == "the event cancelled" else Message.Note.REMOVED)
    assert sms_outbox == []


def test_the_fallback_letter_keeps_the_registration(full_event, parent, methodist, django_capture_on_commit_callbacks, settings):
    parent.email = "dinara@example.kz"
    parent.save()
    registration = wait_for_a_place(full_event, parent, methodist)
    free_the_place(full_event, django_capture_on_commit_callbacks)
    settings.EMAIL_BACKEND = "qamqor.notify.tests.failing_mail.RefusingEmailBackend"
    settings.QAMQOR_NOTIFY_ATTEMPTS = 1
    (message,) = messages_for(registration)

    with django_capture_on_commit_callbacks(execute=True):
        assert message_deliver(message_id=message.pk) == Message.Status.FAILED

    fallback = Message.objects.get(fallback_of=message)
    assert (fallback.channel, fallback.registration_id, fallback.kind) == (Message.Channel.SMS, registration.pk, message.kind)
    assert message_deliver(message_id=fallback.pk) == Message.Status.SENT
