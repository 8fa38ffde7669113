"""Delivery: one message is sent once however often its task runs; a failure is retried later
and later, then the message goes by the parent's other channel; a real db_worker runs the queue."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django.core.management import call_command
from django_tasks_db.models import DBTaskResult

from qamqor.core.testing import factories as f
from qamqor.notify.models import Message
from qamqor.notify.services import message_deliver, retry_delay

FAILING = "qamqor.notify.tests.failing_mail.RefusingEmailBackend"


@pytest.fixture
def reminder(book, parent, monday):
    parent.email = "dinara@example.kz"
    parent.save()
    _request, appointment = book(parent, f.at(monday, "10:00"))
    return Message.objects.filter(appointment=appointment).order_by("send_at").first()


@pytest.mark.django_db
def test_running_a_delivery_twice_sends_once(reminder):
    assert message_deliver(message_id=reminder.pk, now=reminder.send_at) == Message.Status.SENT
    assert message_deliver(message_id=reminder.pk, now=reminder.send_at) == Message.Status.SENT
    assert len(mail.outbox) == 1
    assert Message.objects.get(pk=reminder.pk).attempts == 1


@pytest.mark.django_db
def test_a_failure_is_retried_with_growing_waits_then_falls_back_to_sms(reminder, settings, sms_outbox, clock, tasks):
    settings.EMAIL_BACKEND = FAILING
    settings.QAMQOR_NOTIFY_ATTEMPTS = 3
    settings.QAMQOR_NOTIFY_RETRY_SECONDS = 60
    now = reminder.send_at
    for attempt, wait in ((1, dt.timedelta(minutes=1)), (2, dt.timedelta(minutes=5))):
        clock.set(now)
        tasks()
        reminder.refresh_from_db()
        assert (reminder.status, reminder.attempts) == (Message.Status.SCHEDULED, attempt)
        assert reminder.send_at == now + wait
        assert "Connection unexpectedly closed" in reminder.last_error
        # Queued again for the later time: nothing runs before it.
        clock.set(now + wait - dt.timedelta(seconds=1))
        tasks()
        assert Message.objects.get(pk=reminder.pk).attempts == attempt
        now += wait
    clock.set(now)
    tasks()
    reminder.refresh_from_db()
    assert (reminder.status, reminder.attempts) == (Message.Status.FAILED, 3)
    (fallback,) = reminder.fallbacks.all()
    assert (fallback.channel, fallback.status) == (Message.Channel.SMS, Message.Status.SENT)
    assert fallback.address == reminder.parent.phone
    assert len(sms_outbox) == 1


def test_the_waits_grow_fivefold(settings):
    settings.QAMQOR_NOTIFY_RETRY_SECONDS = 60
    assert [retry_delay(n) for n in (1, 2, 3)] == [dt.timedelta(minutes=m) for m in (1, 5, 25)]


@pytest.mark.django_db
def test_a_message_with_no_other_channel_stays_failed(book, parent, monday, settings):
    settings.EMAIL_BACKEND = FAILING
    settings.QAMQOR_NOTIFY_ATTEMPTS = 1
    parent.email = "dinara@example.kz"
    parent.save()
    _request, appointment = book(parent, f.at(monday, "10:00"))
    message = Message.objects.filter(appointment=appointment).first()
    type(parent).objects.filter(pk=parent.pk).update(phone="")  # no second channel
    assert message_deliver(message_id=message.pk, now=message.send_at) == Message.Status.FAILED
    assert not Message.objects.filter(fallback_of=message).exists()


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keep the migrations' regions and topics
def test_the_db_worker_command_sends_a_queued_message(methodist):
    from qamqor.journal.services import request_intake

    methodist.user.email = "gulnar@example.kz"
    methodist.user.save()
    # Committed for real here: the signal plans the methodist's letter and queues its task.
    request_intake(
        organization=methodist.organization,
        channel="online",
        parent=f.ParentFactory(organization=methodist.organization),
        topic=f.topic("speech"),
        question="Сұрақ",
        received_by=None,
    )
    message = Message.objects.get(kind=Message.Kind.NEW_REQUEST)
    assert message.status == Message.Status.SCHEDULED
    assert mail.outbox == []
    call_command("db_worker", "--batch", "--no-startup-delay", "--no-reload", "--interval", "0", verbosity=0)
    message.refresh_from_db()
    assert message.status == Message.Status.SENT
    assert DBTaskResult.objects.get().status == "SUCCESSFUL"
    assert [m.to for m in mail.outbox] == [["gulnar@example.kz"]]
