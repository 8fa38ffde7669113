"""The messages page (the delivery log and the reminder times): managers of the organisation only."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from qamqor.core.testing import factories as f
from qamqor.notify.models import Message, ReminderSettings

pytestmark = pytest.mark.django_db


def log_line(parent, **kwargs) -> Message:
    fields = {
        "organization": parent.organization,
        "kind": Message.Kind.REMINDER_FIRST,
        "channel": Message.Channel.SMS,
        "parent": parent,
        "address": parent.phone,
        "send_at": timezone.now(),
        "status": Message.Status.FAILED,
        "attempts": 3,
        "last_error": "Mobizon refused the message (code 1): Recipient is invalid",
    }
    return Message.objects.create(**{**fields, **kwargs})


def test_managers_read_their_organisations_log_with_status_attempts_and_error(client, methodist, parent, other_kindergarten):
    log_line(parent)
    log_line(f.ParentFactory(organization=other_kindergarten, full_name="Басқа ата-ана"))
    client.force_login(methodist.user)
    page = client.get(reverse("notify:messages")).content.decode()
    assert "Сейтқали Динара Ерланқызы" in page
    assert "Recipient is invalid" in page
    assert "Басқа ата-ана" not in page


def test_the_log_filters_by_status(client, methodist, parent):
    log_line(parent, status=Message.Status.SENT, last_error="", note="")
    log_line(parent, status=Message.Status.SKIPPED, note=Message.Note.MOVED, last_error="", address="+77019998877")
    client.force_login(methodist.user)
    page = client.get(reverse("notify:messages") + "?status=skipped").content.decode()
    assert "+77019998877" in page and parent.phone not in page


def test_the_log_costs_the_same_queries_however_many_lines(client, methodist, parent, django_assert_num_queries):
    client.force_login(methodist.user)
    log_line(parent)
    client.get(reverse("notify:messages"))
    # session, user, memberships (scope), the reminder settings, the count, the page of messages
    # with parent, user and session
    with django_assert_num_queries(6) as few:
        client.get(reverse("notify:messages"))
    for _ in range(5):
        log_line(f.ParentFactory(organization=parent.organization))
    with django_assert_num_queries(len(few.captured_queries)):
        client.get(reverse("notify:messages"))


def test_a_specialist_may_not_read_the_log(client, psychologist):
    client.force_login(psychologist.user)
    assert client.get(reverse("notify:messages")).status_code == 403


def test_reminder_times_are_saved(client, methodist, kindergarten):
    client.force_login(methodist.user)
    response = client.post(reverse("notify:reminder_settings"), {"first_hours": "48", "second_hours": "0"})
    assert response.status_code == 302
    assert ReminderSettings.for_organization(kindergarten.pk).hours == {Message.Kind.REMINDER_FIRST: 48}


@pytest.mark.parametrize("bad", ["200", "-1", "бір", ""])
def test_bad_reminder_times_are_refused_with_a_message_and_nothing_saved(client, methodist, bad):
    client.force_login(methodist.user)
    response = client.post(reverse("notify:reminder_settings"), {"first_hours": bad, "second_hours": "2"})
    assert response.status_code == 400
    assert "is-invalid" in response.content.decode()
    assert not ReminderSettings.objects.exists()


def test_a_second_reminder_before_the_first_is_refused_in_the_managers_language(client, methodist):
    client.force_login(methodist.user)
    response = client.post(
        reverse("notify:reminder_settings"), {"first_hours": "2", "second_hours": "24"}, HTTP_ACCEPT_LANGUAGE="ru"
    )
    assert response.status_code == 400
    assert "Второе напоминание приходит после первого" in response.content.decode()
    assert " open>" in response.content.decode()  # the folded settings open on their error
    assert not ReminderSettings.objects.exists()


def test_the_log_names_the_kind_of_session_a_reminder_is_for(client, methodist, parent, book, monday):
    _request, appointment = book(parent, f.at(monday, "10:00"))
    client.force_login(methodist.user)
    page = client.get(reverse("notify:messages"), HTTP_ACCEPT_LANGUAGE="kk").content.decode()
    assert f"{appointment.get_format_display()} · " in page  # «Жеке кеңес», not «сабақ» (a school lesson)


def test_the_email_choice_wraps_beside_its_box_on_a_phone(client, methodist):
    methodist.user.email = "gulnar@example.kz"  # only one who is told of new requests, and has an address, is offered it
    methodist.user.save()
    client.force_login(methodist.user)
    page = client.get(reverse("notify:inbox")).content.decode()
    assert 'class="form-check-input"' in page and "d-flex flex-wrap gap-2" in page
