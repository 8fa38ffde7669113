"""Staff notifications: the point's methodist learns of a new online request at once, in the
back office and by email if they want it."""

from __future__ import annotations

import pytest
from django.core import mail
from django.urls import reverse

from qamqor.core.testing import factories as f
from qamqor.journal.services import request_intake
from qamqor.notify.models import Message, StaffNotification
from qamqor.notify.services import hears_of_new_requests, methodists_of, staff_notify_new_request, staff_preference_save
from qamqor.portal.services import portal_apply

pytestmark = pytest.mark.django_db


@pytest.fixture
def apply(kindergarten, django_capture_on_commit_callbacks):
    def apply(phone: str = "+77017654321"):
        with django_capture_on_commit_callbacks(execute=True):
            return portal_apply(
                point=kindergarten.consultation_point,
                topic=f.topic("speech"),
                parent_full_name="Сейтқали Динара",
                phone=phone,
                question="Бала сөйлемейді",
                consent_given=True,
                client_address=f"10.9.9.{phone[-2:]}",
            ).request

    return apply


def test_a_new_online_request_reaches_the_methodist_at_once_and_by_email(methodist, head, apply, tasks):
    methodist.user.email = "gulnar@example.kz"
    methodist.user.save()
    request = apply()
    (notification,) = StaffNotification.objects.all()
    assert (notification.user, notification.request, notification.read_at) == (methodist.user, request, None)
    tasks()
    (letter,) = [m for m in mail.outbox if m.to == ["gulnar@example.kz"]]
    assert request.display_number in letter.subject
    assert f"/journal/{request.pk}/" in letter.body or str(request.pk) in letter.body


def test_without_a_methodist_the_head_is_told(head, apply):
    apply()
    assert list(StaffNotification.objects.values_list("user", flat=True)) == [head.user_id]


def test_a_request_taken_by_phone_makes_no_notification(methodist, parent):
    request = request_intake(
        organization=parent.organization,
        channel="phone",
        parent=parent,
        topic=f.topic("speech"),
        question="?",
        received_by=methodist.user,
    )
    assert staff_notify_new_request(request_id=request.pk) == []


def test_telling_twice_makes_nothing_new(methodist, apply):
    request = apply()
    assert staff_notify_new_request(request_id=request.pk) == []
    assert StaffNotification.objects.count() == 1


def test_a_methodist_who_turned_email_off_gets_the_line_only(methodist, apply):
    methodist.user.email = "gulnar@example.kz"
    methodist.user.save()
    staff_preference_save(user=methodist.user, by_email=False)
    apply()
    assert StaffNotification.objects.count() == 1
    assert not Message.objects.filter(kind=Message.Kind.NEW_REQUEST).exists()


def test_the_inbox_lists_ones_own_notifications_and_marks_them_read(client, methodist, apply, django_assert_num_queries):
    apply()
    apply(phone="+77017654322")
    client.force_login(methodist.user)
    assert client.get(reverse("notify:badge")).content.decode().strip().endswith("2</span>")
    response = client.get(reverse("notify:inbox"))
    assert response.content.decode().count("list-group-item-warning") == 2
    assert client.post(reverse("notify:inbox_read")).status_code == 302
    assert "badge" not in client.get(reverse("notify:badge")).content.decode()


def test_the_inbox_costs_the_same_queries_however_many_lines(client, methodist, apply, django_assert_num_queries):
    methodist.user.email = "gulnar@example.kz"
    methodist.user.save()
    client.force_login(methodist.user)
    apply()
    client.get(reverse("notify:inbox"))  # the session, warmed
    # session, user, memberships (scope), the notifications with request, topic, parent, the
    # preference (the methodist's role says she is told, so no query asks that)
    with django_assert_num_queries(5) as few:
        client.get(reverse("notify:inbox"))
    for n in range(3):
        apply(phone=f"+7701765433{n}")
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("notify:inbox"))


def test_the_preference_form_saves_the_choice(client, methodist):
    client.force_login(methodist.user)
    assert client.post(reverse("notify:preference"), {}).status_code == 302
    assert methodist.user.notify_preference.by_email is False


def test_another_member_of_staff_sees_not_the_methodists_notifications(client, methodist, psychologist, apply):
    apply()
    client.force_login(psychologist.user)
    assert "list-group-item-warning" not in client.get(reverse("notify:inbox")).content.decode()


def inbox_in_english(client, membership, settings, telegram: bool = True) -> str:
    if telegram:
        settings.QAMQOR_TELEGRAM_BOT_TOKEN, settings.QAMQOR_TELEGRAM_BOT_USERNAME = "1:token", "qamqor_test_bot"
    client.force_login(membership.user)
    return client.get(reverse("notify:inbox"), HTTP_ACCEPT_LANGUAGE="en").content.decode()


def test_a_methodist_is_told_of_new_requests_by_email_or_telegram(client, methodist, psychologist, settings):
    methodist.user.email = "gulnar@example.kz"
    methodist.user.save()
    html = inbox_in_english(client, methodist, settings)
    assert "Each new online request from a parent appears here at once." in html
    assert reverse("notify:preference") in html and "Also tell me by email" in html
    assert "comes to the linked Telegram" in html
    assert "not to you" not in html
    assert "No notifications yet." in html


def test_a_methodist_without_an_email_address_is_not_offered_email(client, methodist, settings):
    html = inbox_in_english(client, methodist, settings)
    assert "Each new online request" in html
    assert "Also tell me by email" not in html
    assert "Your account has no email address, so new requests do not come to you by email." in html


def test_a_psychologist_is_not_offered_what_only_the_methodist_receives(client, methodist, psychologist, settings):
    psychologist.user.email = "aigul@example.kz"
    psychologist.user.save()
    html = inbox_in_english(client, psychologist, settings)
    assert "New online requests are announced to the point's methodist" in html
    for offered in (
        "Each new online request",
        "Also tell me by email",
        reverse("notify:preference"),
        "no email address",
        "comes to the linked Telegram",
        "Mark all as read",
        "No notifications yet.",
    ):
        assert offered not in html, offered
    # What does reach a specialist: the bot's schedule of the day.
    assert "send /today to the bot" in html and reverse("notify:telegram_staff") in html


def test_a_head_is_told_only_where_there_is_no_methodist(client, head, kindergarten, settings):
    assert "Each new online request" in inbox_in_english(client, head, settings, telegram=False)
    f.staff(kindergarten, "methodist", full_name="Ахметова Гүлнар Серікқызы", username="methodist")
    assert "announced to the point's methodist" in inbox_in_english(client, head, settings, telegram=False)


@pytest.mark.parametrize("with_methodist", [True, False])
def test_who_hears_of_new_requests_is_who_staff_notify_new_request_tells(kindergarten, with_methodist):
    people = [f.staff(kindergarten, role, username=role) for role in ("head", "deputy", "psychologist", "nurse")]
    if with_methodist:
        people.append(f.staff(kindergarten, "methodist", username="methodist"))
    told = {m.user_id for m in methodists_of(kindergarten)}
    assert told
    for m in people:
        assert hears_of_new_requests(roles=frozenset({m.role}), organization_id=kindergarten.pk) == (m.user_id in told), m.role
