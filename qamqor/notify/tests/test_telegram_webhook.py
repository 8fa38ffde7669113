"""The Telegram bot in webhook mode (issue 8 item 5): Telegram POSTs updates to our address with
the secret it was given; the same answers as by polling, the replies through the fake Bot API."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core.management import call_command
from django.core.management.base import CommandError
from django.test import Client
from django.urls import reverse

from qamqor.journal.models import Request
from qamqor.notify.models import TelegramLink, TelegramUpdate
from qamqor.notify.telegram import telegram_code_issue
from qamqor.notify.tests.fake_telegram import BLOCKED, TOKEN, FakeBotApi

pytestmark = pytest.mark.django_db
CHAT = 55601
SECRET = "webhook-secret-0123456789abcdef"
URL = "/notify/telegram/webhook/"


@pytest.fixture
def bot(settings):
    with FakeBotApi() as fake:
        settings.QAMQOR_TELEGRAM_BOT_TOKEN = TOKEN
        settings.QAMQOR_TELEGRAM_BOT_USERNAME = "qamqor_test_bot"
        settings.QAMQOR_TELEGRAM_API_URL = fake.url
        settings.QAMQOR_TELEGRAM_MODE = "webhook"
        settings.QAMQOR_TELEGRAM_WEBHOOK_SECRET = SECRET
        settings.QAMQOR_PUBLIC_URL = "https://qamqor.example.kz"
        yield fake


def update(text: str, chat: int = CHAT, update_id: int = 7001) -> dict:
    return {"update_id": update_id, "message": {"message_id": 1, "chat": {"id": chat, "type": "private"}, "text": text}}


def post(client: Client, body, secret: str | None = SECRET, capture=None):
    headers = {} if secret is None else {"HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN": secret}
    data = body if isinstance(body, str) else json.dumps(body)
    if capture is None:
        return client.post(URL, data, content_type="application/json", **headers)
    with capture(execute=True):
        return client.post(URL, data, content_type="application/json", **headers)


def test_the_address_is_the_named_route():
    assert reverse("notify:telegram_webhook") == URL


def test_an_update_with_the_secret_links_the_chat_and_the_reply_goes_through_the_bot_api(
    bot, parent, django_capture_on_commit_callbacks
):
    code = telegram_code_issue(parent=parent)
    # Telegram holds no CSRF token and no cookie: the secret header is the authentication.
    client = Client(enforce_csrf_checks=True)
    response = post(client, update(f"/start {code}"), capture=django_capture_on_commit_callbacks)
    assert response.status_code == 200
    assert TelegramLink.objects.get(parent=parent).chat_id == CHAT
    (answer,) = bot.sent
    assert answer["chat_id"] == CHAT and parent.full_name in answer["text"]


def test_a_linked_parents_question_by_webhook_enters_the_journal(bot, parent, client, django_capture_on_commit_callbacks):
    post(client, update(f"/start {telegram_code_issue(parent=parent)}"), capture=django_capture_on_commit_callbacks)
    response = post(client, update("Бала сөйлемейді", update_id=7002), capture=django_capture_on_commit_callbacks)
    assert response.status_code == 200
    request = Request.objects.get(parent=parent)
    assert (request.channel, request.question) == ("telegram", "Бала сөйлемейді")
    assert request.display_number in bot.sent[-1]["text"]


def test_the_same_update_posted_twice_makes_one_journal_request(bot, parent, client, django_capture_on_commit_callbacks):
    post(client, update(f"/start {telegram_code_issue(parent=parent)}"), capture=django_capture_on_commit_callbacks)
    question = update("Бала сөйлемейді", update_id=7002)
    # Telegram sends it again when our 200 came late.
    for _ in range(2):
        assert post(client, question, capture=django_capture_on_commit_callbacks).status_code == 200
    assert Request.objects.filter(parent=parent).count() == 1
    assert len(bot.sent) == 2  # "linked", then "recorded under №…" once


def test_a_link_code_sent_again_is_not_processed_again(bot, parent, client, django_capture_on_commit_callbacks):
    start = update(f"/start {telegram_code_issue(parent=parent)}")
    post(client, start, capture=django_capture_on_commit_callbacks)
    post(client, start, capture=django_capture_on_commit_callbacks)
    # Processed twice, the used code would have answered "this link does not work any more".
    (answer,) = bot.sent
    assert parent.full_name in answer["text"]
    assert TelegramLink.objects.get(parent=parent).chat_id == CHAT


def test_an_update_whose_handling_failed_is_handled_when_it_comes_again(
    bot, parent, client, monkeypatch, django_capture_on_commit_callbacks
):
    from qamqor.journal import services as journal

    post(client, update(f"/start {telegram_code_issue(parent=parent)}"), capture=django_capture_on_commit_callbacks)
    intake = journal.request_intake

    def crash(**kwargs):
        raise RuntimeError("the process died here")

    monkeypatch.setattr(journal, "request_intake", crash)
    question = update("Бала сөйлемейді", update_id=7002)
    assert post(client, question, capture=django_capture_on_commit_callbacks).status_code == 200
    assert not Request.objects.exists() and not TelegramUpdate.objects.filter(update_id=7002).exists()
    monkeypatch.setattr(journal, "request_intake", intake)
    post(client, question, capture=django_capture_on_commit_callbacks)
    assert Request.objects.filter(parent=parent).count() == 1


def test_handled_update_ids_are_swept_after_a_week(bot, parent, client, django_capture_on_commit_callbacks):
    from django.utils import timezone

    TelegramUpdate.objects.create(bot_id=123456, update_id=1, handled_at=timezone.now() - dt.timedelta(days=8))
    TelegramUpdate.objects.create(bot_id=123456, update_id=2, handled_at=timezone.now() - dt.timedelta(days=6))
    post(client, update("Сәлем"), capture=django_capture_on_commit_callbacks)
    assert sorted(TelegramUpdate.objects.values_list("bot_id", "update_id")) == [(123456, 2), (123456, 7001)]


@pytest.mark.parametrize("secret", [None, "", "wrong-secret-0123456789abcdef", SECRET + "x", SECRET[:-1]])
def test_without_the_right_secret_nothing_is_done(bot, parent, client, secret):
    code = telegram_code_issue(parent=parent)
    response = post(client, update(f"/start {code}"), secret=secret)
    assert response.status_code == 404
    assert not TelegramLink.objects.exists() and not bot.sent
    # Not even the method is discussed without the secret.
    assert client.get(URL).status_code == 404


def test_in_polling_mode_the_webhook_is_not_there(bot, parent, client, settings):
    settings.QAMQOR_TELEGRAM_MODE = "polling"
    assert post(client, update(f"/start {telegram_code_issue(parent=parent)}")).status_code == 404
    assert not TelegramLink.objects.exists() and not bot.sent


def test_without_a_bot_token_the_webhook_is_not_there(client, settings):
    settings.QAMQOR_TELEGRAM_MODE = "webhook"
    settings.QAMQOR_TELEGRAM_WEBHOOK_SECRET = SECRET
    settings.QAMQOR_TELEGRAM_BOT_TOKEN = ""
    assert post(client, update("Сәлем")).status_code == 404


@pytest.mark.parametrize("body", ["{not json", "[1, 2]", '"text"', '{"message": {}}', '{"update_id": "7001"}'])
def test_a_body_that_is_not_an_update_is_refused(bot, client, body):
    assert post(client, body).status_code == 400
    assert not bot.sent


def test_a_body_that_is_not_utf8_is_refused(bot, client):
    response = client.post(URL, b"\xff\xfe", content_type="application/json", HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=SECRET)
    assert response.status_code == 400
    assert not bot.sent


def test_a_get_with_the_secret_is_not_allowed(bot, client):
    assert client.get(URL, HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=SECRET).status_code == 405


def test_an_update_that_cannot_be_answered_is_still_taken(bot, client, django_capture_on_commit_callbacks):
    # The reply fails (the user blocked the bot): logged, and 200, or Telegram would resend it for ever.
    bot.failures.append(BLOCKED)
    assert post(client, update("Сәлем"), capture=django_capture_on_commit_callbacks).status_code == 200
    assert not bot.sent


def test_set_webhook_registers_the_address_and_the_secret(bot, capsys):
    call_command("telegram_bot", "--set-webhook")
    (call,) = bot.webhooks
    assert call == {
        "method": "setWebhook",
        "url": "https://qamqor.example.kz/notify/telegram/webhook/",
        "secret_token": SECRET,
        "allowed_updates": ["message"],
    }
    assert "https://qamqor.example.kz/notify/telegram/webhook/" in capsys.readouterr().out


def test_set_webhook_needs_an_https_address(bot, settings):
    settings.QAMQOR_PUBLIC_URL = "http://127.0.0.1:8000"
    with pytest.raises(CommandError, match="https"):
        call_command("telegram_bot", "--set-webhook")
    assert not bot.webhooks


def test_set_webhook_is_refused_in_polling_mode(bot, settings):
    settings.QAMQOR_TELEGRAM_MODE = "polling"
    with pytest.raises(CommandError, match="polling"):
        call_command("telegram_bot", "--set-webhook")
    assert not bot.webhooks


def test_in_webhook_mode_the_command_does_not_poll(bot):
    bot.says(CHAT, "Сәлем")
    with pytest.raises(CommandError, match="webhook"):
        call_command("telegram_bot", "--once")
    assert not bot.sent and bot.updates  # nobody took the update


def test_delete_webhook_goes_back_to_polling(bot, settings, django_capture_on_commit_callbacks):
    call_command("telegram_bot", "--delete-webhook")
    assert bot.webhooks == [{"method": "deleteWebhook"}]
    settings.QAMQOR_TELEGRAM_MODE = "polling"
    bot.says(CHAT, "Сәлем")
    with django_capture_on_commit_callbacks(execute=True):
        call_command("telegram_bot", "--once")
    assert bot.sent[-1]["chat_id"] == CHAT


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"QAMQOR_TELEGRAM_MODE": "pigeon"}, "QAMQOR_TELEGRAM_MODE must be polling or webhook"),
        (
            {"QAMQOR_TELEGRAM_MODE": "webhook", "QAMQOR_TELEGRAM_BOT_TOKEN": "1:x", "QAMQOR_TELEGRAM_BOT_USERNAME": "b"},
            "needs QAMQOR_TELEGRAM_WEBHOOK_SECRET",
        ),
        (
            {
                "QAMQOR_TELEGRAM_MODE": "webhook",
                "QAMQOR_TELEGRAM_BOT_TOKEN": "1:x",
                "QAMQOR_TELEGRAM_BOT_USERNAME": "b",
                "QAMQOR_TELEGRAM_WEBHOOK_SECRET": "short",
            },
            "needs QAMQOR_TELEGRAM_WEBHOOK_SECRET",
        ),
    ],
)
def test_a_bad_mode_or_a_missing_secret_stops_the_start(environ, message):
    from qamqor.notify.tests.test_settings import test_bad_settings_stop_the_start as check

    check(environ, message)
