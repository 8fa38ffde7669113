"""The Telegram bot against a local fake of the Bot API over real HTTP: linking by a one-time
deep link, confirmations and reminders there, questions into the journal, a specialist's day."""

from __future__ import annotations

import datetime as dt
import re

import pytest
from django.core.management import call_command
from django.urls import reverse

from qamqor.core.testing import factories as f
from qamqor.journal.models import Request
from qamqor.notify.models import Message, StaffNotification, TelegramLink
from qamqor.notify.services import message_deliver
from qamqor.notify.telegram import telegram_code_issue
from qamqor.notify.tests.fake_telegram import BLOCKED, TOKEN, FakeBotApi
from qamqor.portal.links import manage_token

pytestmark = pytest.mark.django_db
CHAT = 55501


@pytest.fixture
def bot(settings):
    with FakeBotApi() as fake:
        settings.QAMQOR_TELEGRAM_BOT_TOKEN = TOKEN
        settings.QAMQOR_TELEGRAM_BOT_USERNAME = "qamqor_test_bot"
        settings.QAMQOR_TELEGRAM_API_URL = fake.url
        yield fake


def poll(django_capture_on_commit_callbacks) -> None:
    with django_capture_on_commit_callbacks(execute=True):
        call_command("telegram_bot", "--once")


@pytest.fixture
def linked_parent(bot, parent, django_capture_on_commit_callbacks):
    bot.says(CHAT, f"/start {telegram_code_issue(parent=parent)}")
    poll(django_capture_on_commit_callbacks)
    bot.sent.clear()
    return parent


def test_a_parent_links_telegram_from_the_manage_link(bot, book, parent, monday, client, django_capture_on_commit_callbacks):
    request, _appointment = book(parent, f.at(monday, "10:00"))
    token = manage_token(request)
    link = reverse("notify:telegram_parent", args=[token])
    assert link.startswith("/my/")  # a private link: never cached (core.middleware)
    assert f'href="{link}"' in client.get(reverse("portal:manage", args=[token])).content.decode()
    page = client.get(link)
    assert page.status_code == 200
    code = re.search(r"https://t\.me/qamqor_test_bot\?start=([\w-]+)", page.content.decode())[1]
    bot.says(CHAT, f"/start {code}")
    poll(django_capture_on_commit_callbacks)
    assert TelegramLink.objects.get(parent=parent).chat_id == CHAT
    (answer,) = bot.sent
    assert answer["chat_id"] == CHAT and "Telegram" in answer["text"] and parent.full_name in answer["text"]
    # The code works once.
    bot.says(CHAT + 1, f"/start {code}")
    poll(django_capture_on_commit_callbacks)
    assert TelegramLink.objects.count() == 1
    assert bot.sent[-1]["chat_id"] == CHAT + 1 and "сілтеме" in bot.sent[-1]["text"].lower()


def test_an_old_code_links_nothing(bot, parent, clock, django_capture_on_commit_callbacks):
    code = telegram_code_issue(parent=parent)
    from django.utils import timezone

    clock.set(timezone.now() + dt.timedelta(hours=2))
    bot.says(CHAT, f"/start {code}")
    poll(django_capture_on_commit_callbacks)
    assert not TelegramLink.objects.exists()


def test_a_linked_parent_gets_the_confirmation_and_reminders_with_the_link_in_telegram(bot, linked_parent, book, monday, tasks):
    _request, appointment = book(linked_parent, f.at(monday, "10:00"), is_online=True, meeting_url="https://meet.example.kz/x")
    kinds = dict(Message.objects.filter(appointment=appointment).values_list("kind", "channel"))
    assert kinds == {
        Message.Kind.CONFIRMATION: Message.Channel.TELEGRAM,
        Message.Kind.REMINDER_FIRST: Message.Channel.TELEGRAM,
        Message.Kind.REMINDER_SECOND: Message.Channel.TELEGRAM,
    }
    tasks()  # the confirmation is due at once
    (confirmation,) = bot.sent
    assert confirmation["chat_id"] == CHAT and "https://meet.example.kz/x" in confirmation["text"]
    reminder = Message.objects.get(appointment=appointment, kind=Message.Kind.REMINDER_SECOND)
    assert message_deliver(message_id=reminder.pk, now=reminder.send_at) == Message.Status.SENT
    assert "https://meet.example.kz/x" in bot.sent[-1]["text"]


def test_a_blocked_bot_falls_back_to_sms(bot, linked_parent, book, monday, settings, sms_outbox):
    settings.QAMQOR_NOTIFY_ATTEMPTS = 1
    _request, appointment = book(linked_parent, f.at(monday, "10:00"))
    reminder = Message.objects.get(appointment=appointment, kind=Message.Kind.REMINDER_FIRST)
    bot.failures.append(BLOCKED)
    assert message_deliver(message_id=reminder.pk, now=reminder.send_at) == Message.Status.FAILED
    assert "blocked" in Message.objects.get(pk=reminder.pk).last_error
    (fallback,) = Message.objects.filter(fallback_of=reminder)
    assert fallback.channel == Message.Channel.SMS
    assert message_deliver(message_id=fallback.pk, now=fallback.send_at) == Message.Status.SENT
    assert len(sms_outbox) == 1


def test_a_parents_question_enters_the_journal_with_the_channel_telegram(
    bot, linked_parent, methodist, django_capture_on_commit_callbacks
):
    bot.says(CHAT, "Бала түнде жиі оянады, не істеу керек?")
    poll(django_capture_on_commit_callbacks)
    request = Request.objects.get(parent=linked_parent)
    assert (request.channel, request.topic.code) == ("telegram", "other")
    assert request.question == "Бала түнде жиі оянады, не істеу керек?"
    assert request.display_number in bot.sent[-1]["text"]
    assert StaffNotification.objects.filter(user=methodist.user, request=request).exists()


def test_polling_skips_an_update_handled_before(bot, linked_parent, django_capture_on_commit_callbacks):
    bot.says(CHAT, "Бала түнде жиі оянады")
    poll(django_capture_on_commit_callbacks)
    # A bot restarted before it confirmed the offset (each --once starts without one) is given
    # the same updates again; so is polling after a webhook that already handled them.
    assert len(bot.updates) == 2  # the /start of `linked_parent` and the question, both handed out again
    bot.sent.clear()
    poll(django_capture_on_commit_callbacks)
    assert Request.objects.filter(parent=linked_parent).count() == 1
    assert not bot.sent


def test_an_unlinked_chat_is_told_how_to_link(bot, django_capture_on_commit_callbacks):
    bot.says(CHAT, "Сәлем")
    poll(django_capture_on_commit_callbacks)
    assert not Request.objects.exists()
    assert "Telegram" in bot.sent[-1]["text"]


def test_a_specialist_links_and_asks_for_todays_schedule(
    bot, psychologist, book, parent, client, clock, django_capture_on_commit_callbacks
):
    day = f.next_working_monday(after_days=7)
    book(parent, f.at(day, "10:00"))
    client.force_login(psychologist.user)
    response = client.post(reverse("notify:telegram_staff"))
    code = response["Location"].rsplit("start=", 1)[1]
    bot.says(CHAT, f"/start {code}")
    poll(django_capture_on_commit_callbacks)
    assert TelegramLink.objects.get(user=psychologist.user).chat_id == CHAT
    clock.set(f.at(day, "08:00"))
    bot.says(CHAT, "/today")
    poll(django_capture_on_commit_callbacks)
    assert "10:00–10:30" in bot.sent[-1]["text"]


def test_without_a_bot_token_the_linking_pages_are_not_there(book, parent, monday, client, psychologist):
    request, _appointment = book(parent, f.at(monday, "10:00"))
    assert client.get(reverse("notify:telegram_parent", args=[manage_token(request)])).status_code == 404
    assert "/telegram/" not in client.get(reverse("portal:manage", args=[manage_token(request)])).content.decode()
    client.force_login(psychologist.user)
    assert client.post(reverse("notify:telegram_staff")).status_code == 404


def test_a_reminder_letter_offers_telegram_to_a_parent_who_has_not_linked_it(bot, book, parent, monday):
    from django.core import mail

    parent.email = "dinara@example.kz"
    parent.save()
    request, appointment = book(parent, f.at(monday, "10:00"))
    reminder = Message.objects.filter(appointment=appointment).first()
    message_deliver(message_id=reminder.pk, now=reminder.send_at)
    assert reverse("notify:telegram_parent", args=[manage_token(request)]) in mail.outbox[-1].body


def test_erasing_a_family_unlinks_its_telegram(linked_parent):
    from qamqor.audit.services import family_anonymise

    family_anonymise(parent=linked_parent, reason="erasure")
    assert not TelegramLink.objects.exists()


def test_the_manage_page_offers_telegram_by_the_calendar_not_under_the_free_times(settings, book, parent, monday, client):
    settings.QAMQOR_TELEGRAM_BOT_TOKEN, settings.QAMQOR_TELEGRAM_BOT_USERNAME = TOKEN, "qamqor_test_bot"
    request, _appointment = book(parent, f.at(monday, "10:00"))
    token = manage_token(request)
    html = client.get(reverse("portal:manage", args=[token])).content.decode()
    link = f'href="{reverse("notify:telegram_parent", args=[token])}"'
    calendar = f'href="{reverse("portal:calendar", args=[token])}"'
    assert html.index(calendar) < html.index(link) < html.index('id="move"'), "a parent scrolls past every free time to find it"


def test_once_linked_the_manage_page_says_reminders_come_to_telegram_for_one_query(
    settings, book, parent, monday, client, django_assert_max_num_queries
):
    request, _appointment = book(parent, f.at(monday, "10:00"))
    token = manage_token(request)
    manage, linking = reverse("portal:manage", args=[token]), reverse("notify:telegram_parent", args=[token])
    client.cookies[settings.LANGUAGE_COOKIE_NAME] = "en"
    client.get(manage)
    with django_assert_max_num_queries(100) as without_bot:
        assert client.get(manage).status_code == 200
    one_more = len(without_bot.captured_queries) + 1
    settings.QAMQOR_TELEGRAM_BOT_TOKEN, settings.QAMQOR_TELEGRAM_BOT_USERNAME = TOKEN, "qamqor_test_bot"

    # The one query more: has this parent linked a chat?
    with django_assert_max_num_queries(one_more):
        html = client.get(manage).content.decode()
    assert "Get reminders in Telegram" in html and "Reminders come to your Telegram" not in html
    assert "Reminders already come" not in client.get(linking).content.decode()

    TelegramLink.objects.create(parent=parent, chat_id=CHAT)
    with django_assert_max_num_queries(one_more):
        html = client.get(manage).content.decode()
    assert "Reminders come to your Telegram." in html
    assert "Get reminders in Telegram" not in html, "the offer of what the parent has done already"
    assert f'href="{linking}">Link another Telegram</a>' in html, "a new phone needs linking again"
    assert "Reminders already come to your Telegram" in client.get(linking).content.decode()
