"""SMS through Mobizon.kz's HTTP API, against a local fake of it over real HTTP."""

from __future__ import annotations

import pytest

from qamqor.core.testing import factories as f
from qamqor.notify.models import Message
from qamqor.notify.sms import MobizonSmsBackend, SmsError, sms_backend
from qamqor.notify.tests.fake_mobizon import DOWN, REFUSED, FakeMobizon


@pytest.fixture
def mobizon(settings):
    with FakeMobizon() as fake:
        settings.QAMQOR_SMS_BACKEND = "mobizon"
        settings.QAMQOR_MOBIZON_URL = fake.url
        settings.QAMQOR_MOBIZON_API_KEY = "kz-test-key"
        settings.QAMQOR_SMS_SENDER = "Qamqor"
        yield fake


def test_a_message_is_posted_with_the_key_the_number_and_the_sender(mobizon):
    message_id = sms_backend().send(phone="+77011234567", text="Сәлеметсіз бе!")
    assert message_id == "12111324"
    (sent,) = mobizon.requests
    assert sent["path"] == "/service/message/sendsmsmessage"
    assert sent["query"] == {"output": "json", "api": "v1", "apiKey": "kz-test-key"}
    assert sent["form"] == {"recipient": "77011234567", "text": "Сәлеметсіз бе!", "from": "Qamqor"}


def test_a_refusal_is_an_error_that_names_the_reason_not_the_number(mobizon):
    mobizon.replies.append(REFUSED)
    with pytest.raises(SmsError) as refused:
        sms_backend().send(phone="+77011234567", text="x")
    assert "code 1" in str(refused.value) and "Recipient is invalid" in str(refused.value)
    assert "7011234567" not in str(refused.value)


def test_a_gateway_that_is_down_or_unreachable_is_an_error(mobizon):
    mobizon.replies.append(DOWN)
    with pytest.raises(SmsError, match="HTTP 503"):
        sms_backend().send(phone="+77011234567", text="x")
    nowhere = MobizonSmsBackend(base_url="http://127.0.0.1:9", api_key="k")
    with pytest.raises(SmsError, match="unreachable"):
        nowhere.send(phone="+77011234567", text="x")


@pytest.mark.django_db
def test_a_reminder_refused_by_the_gateway_is_retried_later_and_then_sent(mobizon, book, parent, monday, clock, tasks, settings):
    settings.QAMQOR_NOTIFY_RETRY_SECONDS = 60
    _request, appointment = book(parent, f.at(monday, "10:00"))
    first = Message.objects.filter(appointment=appointment).order_by("send_at").first()
    mobizon.replies.append(DOWN)
    clock.set(first.send_at)
    tasks()
    first.refresh_from_db()
    assert (first.status, first.attempts, first.channel) == (Message.Status.SCHEDULED, 1, Message.Channel.SMS)
    assert "HTTP 503" in first.last_error
    clock.set(first.send_at)
    tasks()
    first.refresh_from_db()
    assert (first.status, first.attempts) == (Message.Status.SENT, 2)
    assert [r["form"]["recipient"] for r in mobizon.requests] == ["77011234567", "77011234567"]


@pytest.mark.django_db
def test_an_sms_that_fails_every_attempt_falls_back_to_email(mobizon, book, parent, monday, settings):
    from django.core import mail

    from qamqor.notify.services import message_deliver, reminders_plan

    settings.QAMQOR_NOTIFY_ATTEMPTS = 2
    _request, appointment = book(parent, f.at(monday, "10:00"))
    first = Message.objects.filter(appointment=appointment).order_by("send_at").first()
    # The parent gives an email after booking: SMS stays first for this message, email is left.
    type(parent).objects.filter(pk=parent.pk).update(email="dinara@example.kz")
    mobizon.replies.extend([REFUSED, REFUSED])
    assert message_deliver(message_id=first.pk, now=first.send_at) == "retry"
    first.refresh_from_db()
    assert message_deliver(message_id=first.pk, now=first.send_at) == Message.Status.FAILED
    (fallback,) = Message.objects.filter(fallback_of=first)
    assert (fallback.channel, fallback.address) == (Message.Channel.EMAIL, "dinara@example.kz")
    assert message_deliver(message_id=fallback.pk, now=fallback.send_at) == Message.Status.SENT
    assert [m.to for m in mail.outbox] == [["dinara@example.kz"]]
    assert reminders_plan(appointment_id=appointment.pk) == []  # the fallback is no new reminder


def test_the_api_key_never_reaches_the_log(mobizon, caplog):
    import logging

    with caplog.at_level(logging.DEBUG, logger="qamqor"):
        sms_backend().send(phone="+77011234567", text="x")
    assert mobizon.requests
    assert "kz-test-key" not in caplog.text
    assert logging.getLogger("httpx").getEffectiveLevel() >= logging.WARNING
