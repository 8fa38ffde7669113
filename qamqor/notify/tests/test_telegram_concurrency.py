"""Real threads on PostgreSQL: Telegram's repeated update arriving at several web processes at
once enters the journal once, and is answered once."""

from __future__ import annotations

import json

import pytest
from django.db import connection
from django.test import Client

from qamqor.core.testing import factories as f
from qamqor.journal.models import Request
from qamqor.notify.models import TelegramLink, TelegramUpdate
from qamqor.notify.tests.fake_telegram import TOKEN, FakeBotApi
from qamqor.notify.tests.test_telegram_webhook import SECRET, URL, update
from qamqor.scheduling.tests.test_concurrency import run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),  # keep the migrations' regions and topics
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is tested on PostgreSQL"),
]

THREADS = 6
CHAT = 55701


def test_one_update_posted_by_several_processes_at_once_makes_one_request(settings):
    parent = f.ParentFactory(organization=f.ConsultationPointFactory().organization)
    TelegramLink.objects.create(parent=parent, chat_id=CHAT)
    with FakeBotApi() as bot:
        settings.QAMQOR_TELEGRAM_BOT_TOKEN = TOKEN
        settings.QAMQOR_TELEGRAM_BOT_USERNAME = "qamqor_test_bot"
        settings.QAMQOR_TELEGRAM_API_URL = bot.url
        settings.QAMQOR_TELEGRAM_MODE = "webhook"
        settings.QAMQOR_TELEGRAM_WEBHOOK_SECRET = SECRET
        body = json.dumps(update("Бала сөйлемейді", chat=CHAT, update_id=9001))

        def post(_i):
            return Client().post(URL, body, content_type="application/json", HTTP_X_TELEGRAM_BOT_API_SECRET_TOKEN=SECRET)

        responses = run_together(post, count=THREADS)

    assert all(not isinstance(r, Exception) for r in responses), responses
    assert {r.status_code for r in responses} == {200}
    assert Request.objects.filter(parent=parent).count() == 1
    assert TelegramUpdate.objects.filter(update_id=9001).count() == 1
    (answer,) = bot.sent
    assert Request.objects.get(parent=parent).display_number in answer["text"]
