"""Reminders: planned at booking, sent at their time in the parent's language by the channel
they gave, never for a session that was cancelled or moved since."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core import mail
from django_tasks_db.models import DBTaskResult

from qamqor.core.testing import factories as f
from qamqor.journal.services import request_cancel, request_complete, request_schedule
from qamqor.notify.models import Message, ReminderSettings
from qamqor.notify.services import message_deliver, reminder_settings_save, reminders_plan
from qamqor.scheduling.models import Appointment
from qamqor.scheduling.services import appointment_book

pytestmark = pytest.mark.django_db


def reminders(appointment) -> list[Message]:
    return list(Message.objects.filter(appointment=appointment).order_by("send_at"))


def test_a_booking_plans_both_reminders_by_email_queued_for_their_time(book, parent, monday):
    parent.email = "dinara@example.kz"
    parent.save()
    _request, appointment = book(parent, f.at(monday, "10:00"))
    first, second = reminders(appointment)
    assert (first.kind, first.send_at) == (Message.Kind.REMINDER_FIRST, appointment.starts_at - dt.timedelta(hours=24))
    assert (second.kind, second.send_at) == (Message.Kind.REMINDER_SECOND, appointment.starts_at - dt.timedelta(hours=2))
    assert {m.channel for m in (first, second)} == {Message.Channel.EMAIL}
    assert {m.status for m in (first, second)} == {Message.Status.SCHEDULED}
    queued = sorted(DBTaskResult.objects.filter(task_path="qamqor.notify.tasks.deliver_message"), key=lambda r: r.run_after)
    assert [(r.args_kwargs["args"], r.run_after) for r in queued] == [([first.pk], first.send_at), ([second.pk], second.send_at)]


def test_nothing_is_sent_before_its_time_then_the_reminder_goes_in_the_parents_language(book, parent, monday, clock, tasks):
    parent.email, parent.language = "dinara@example.kz", "ru"
    parent.save()
    _request, appointment = book(parent, f.at(monday, "10:00"))
    clock.set(appointment.starts_at - dt.timedelta(hours=30))
    assert tasks() == 0
    assert mail.outbox == []
    clock.set(appointment.starts_at - dt.timedelta(hours=24))
    assert tasks() == 1
    (letter,) = mail.outbox
    assert letter.to == ["dinara@example.kz"]
    assert "Напоминание" in letter.subject
    # The organisation's name as it is written: «Напоминание от Детский сад» cannot be declined.
    assert "Напоминание: Детский сад №8 «Думан», " in letter.body
    assert "https://qamqor.example.kz/" in letter.body  # the manage link, to move or cancel
    first, second = reminders(appointment)
    assert (first.status, first.attempts, second.status) == (Message.Status.SENT, 1, Message.Status.SCHEDULED)


def test_a_parent_without_email_is_reminded_by_sms_in_kazakh(book, parent, monday, clock, tasks, sms_outbox):
    _request, appointment = book(parent, f.at(monday, "10:00"))
    clock.set(appointment.starts_at - dt.timedelta(hours=2))
    assert tasks() == 2
    assert [m["phone"] for m in sms_outbox] == [parent.phone, parent.phone]
    assert "Думан" in sms_outbox[0]["text"] and "еске салу" in sms_outbox[0]["text"].lower()
    assert mail.outbox == []


def test_a_moved_session_sends_no_stale_reminder_only_the_new_times(
    book, parent, psychologist, methodist, monday, clock, tasks, sms_outbox, django_capture_on_commit_callbacks
):
    request, old = book(parent, f.at(monday, "10:00"))
    with django_capture_on_commit_callbacks(execute=True):
        new = request_schedule(request=request, specialists=[psychologist], starts_at=f.at(monday, "11:00"), by=methodist.user)
    assert {(m.status, m.note) for m in reminders(old)} == {(Message.Status.SKIPPED, Message.Note.CANCELLED)}
    assert [m.status for m in reminders(new)] == [Message.Status.SCHEDULED] * 2
    # The old reminders' tasks are still queued: at the old times they find nothing to do.
    clock.set(old.starts_at - dt.timedelta(hours=2))
    tasks()
    assert sms_outbox == [m for m in sms_outbox if "11:00" in m["text"]]
    assert len(sms_outbox) == 1  # the new time's first reminder, due since
    clock.set(new.starts_at - dt.timedelta(hours=2))
    tasks()
    assert len(sms_outbox) == 2 and all("11:00" in m["text"] for m in sms_outbox)


def test_a_time_changed_in_place_skips_the_reminders_planned_for_the_old_time(book, parent, monday, clock, tasks, sms_outbox):
    _request, appointment = book(parent, f.at(monday, "10:00"))
    planned = reminders(appointment)
    # Changed without a signal (an admin's or a script's update): the task itself re-checks.
    Appointment.objects.filter(pk=appointment.pk).update(starts_at=f.at(monday, "12:00"), ends_at=f.at(monday, "12:30"))
    clock.set(f.at(monday, "08:00"))
    tasks()
    assert sms_outbox == []
    assert {Message.objects.get(pk=m.pk).note for m in planned} == {Message.Note.MOVED}
    # Planning again (what the save signal does) gives the new time its reminders.
    assert len(reminders_plan(appointment_id=appointment.pk, now=f.at(monday, "08:00"))) == 1  # 24 h before is past


def test_a_cancelled_session_sends_nothing(book, parent, monday, clock, tasks, sms_outbox, django_capture_on_commit_callbacks):
    request, appointment = book(parent, f.at(monday, "10:00"))
    with django_capture_on_commit_callbacks(execute=True):
        request_cancel(request=request, by=None)
    assert {m.note for m in reminders(appointment)} == {Message.Note.CANCELLED}
    clock.set(appointment.starts_at - dt.timedelta(hours=1))
    tasks()
    assert sms_outbox == []


def test_a_cancellation_the_signal_missed_is_caught_when_the_reminder_is_due(book, parent, monday, sms_outbox):
    _request, appointment = book(parent, f.at(monday, "10:00"))
    first, _second = reminders(appointment)
    Appointment.objects.filter(pk=appointment.pk).update(status=Appointment.Status.CANCELLED)
    assert message_deliver(message_id=first.pk, now=first.send_at) == Message.Status.SKIPPED
    assert sms_outbox == []


def test_an_online_sessions_reminder_carries_its_link(book, parent, monday, sms_outbox):
    _request, appointment = book(parent, f.at(monday, "10:00"), is_online=True, meeting_url="https://meet.example.kz/abc")
    first, _second = reminders(appointment)
    assert message_deliver(message_id=first.pk, now=first.send_at) == Message.Status.SENT
    assert "https://meet.example.kz/abc" in sms_outbox[0]["text"]


def test_the_organisation_sets_its_own_reminder_times(book, parent, monday, kindergarten):
    reminder_settings_save(organization_id=kindergarten.pk, first_hours=48, second_hours=0)
    _request, appointment = book(parent, f.at(monday, "10:00"))
    (only,) = reminders(appointment)
    assert only.send_at == appointment.starts_at - dt.timedelta(hours=48)


def test_reminder_times_out_of_range_are_refused(kindergarten):
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError):
        reminder_settings_save(organization_id=kindergarten.pk, first_hours=500, second_hours=2)
    assert not ReminderSettings.objects.exists()


@pytest.mark.parametrize(("first", "second"), [(2, 24), (5, 5)])
def test_a_second_reminder_not_after_the_first_is_refused(kindergarten, first, second):
    # "second" before "first" in the log, or two letters at the same moment
    from django.core.exceptions import ValidationError

    with pytest.raises(ValidationError) as refused:
        reminder_settings_save(organization_id=kindergarten.pk, first_hours=first, second_hours=second)
    assert "second_hours" in refused.value.message_dict
    assert not ReminderSettings.objects.exists()
    # One reminder alone, whichever, is fine.
    reminder_settings_save(organization_id=kindergarten.pk, first_hours=0, second_hours=24)
    assert ReminderSettings.for_organization(kindergarten.pk).hours == {Message.Kind.REMINDER_SECOND: 24}


def test_a_late_booking_gets_only_the_reminders_still_ahead(book, parent, clock, kindergarten):
    day = f.next_working_monday(after_days=7)
    clock.set(f.at(day, "07:00"))
    _request, appointment = book(parent, f.at(day, "10:00"))
    assert [m.kind for m in reminders(appointment)] == [Message.Kind.REMINDER_SECOND]


def test_planning_twice_makes_each_reminder_once(book, parent, monday):
    _request, appointment = book(parent, f.at(monday, "10:00"))
    assert reminders_plan(appointment_id=appointment.pk) == []
    assert len(reminders(appointment)) == 2


def test_a_parent_who_withdrew_consent_is_not_reminded(book, parent, monday, sms_outbox):
    from django.utils import timezone

    _request, appointment = book(parent, f.at(monday, "10:00"))
    first, _second = reminders(appointment)
    parent.consents.update(withdrawn_at=timezone.now())
    assert message_deliver(message_id=first.pk, now=first.send_at) == Message.Status.SKIPPED
    assert Message.objects.get(pk=first.pk).note == Message.Note.NO_CONSENT
    assert sms_outbox == []


def test_after_the_consultation_a_parent_without_email_gets_the_feedback_link_by_sms(
    book, parent, psychologist, monday, sms_outbox, django_capture_on_commit_callbacks, tasks, clock
):
    request, appointment = book(parent, f.at(monday, "10:00"))
    clock.set(appointment.ends_at + dt.timedelta(minutes=5))
    with django_capture_on_commit_callbacks(execute=True):
        request_complete(request=request, recommendations="Күнде оқыңыз", by=psychologist.user)
    tasks()
    (feedback,) = Message.objects.filter(kind=Message.Kind.FEEDBACK)
    assert feedback.status == Message.Status.SENT
    assert "/feedback/" in sms_outbox[-1]["text"] or "https://qamqor.example.kz/" in sms_outbox[-1]["text"]


def test_a_parent_with_email_gets_the_feedback_letter_from_the_public_site_not_twice(
    book, parent, psychologist, monday, django_capture_on_commit_callbacks
):
    parent.email = "dinara@example.kz"
    parent.save()
    request, _appointment = book(parent, f.at(monday, "10:00"), allow_past=True)
    with django_capture_on_commit_callbacks(execute=True):
        request_complete(request=request, recommendations="Күнде оқыңыз", by=psychologist.user)
    assert not Message.objects.filter(kind=Message.Kind.FEEDBACK).exists()
    assert len([m for m in mail.outbox if m.to == ["dinara@example.kz"]]) == 1


def test_a_group_sessions_participants_parents_are_reminded_until_removed(
    psychologist, child, monday, sms_outbox, django_capture_on_commit_callbacks
):
    from qamqor.scheduling.sessions import participant_add, participant_remove, session_schedule

    with django_capture_on_commit_callbacks(execute=True):
        session = session_schedule(
            organization=child.organization,
            format="mini_group",
            specialists=[psychologist],
            starts_at=f.at(monday, "11:00"),
            booked_by=None,
        )
        participant = participant_add(session=session, child=child, by=None)
    first, second = reminders(session)
    assert first.parent == child.parent
    assert message_deliver(message_id=first.pk, now=first.send_at) == Message.Status.SENT
    assert "Думан" in sms_outbox[0]["text"]
    with django_capture_on_commit_callbacks(execute=True):
        participant_remove(participant=participant)
    second.refresh_from_db()
    assert (second.status, second.note) == (Message.Status.SKIPPED, Message.Note.REMOVED)


def test_a_booking_nobody_is_to_be_reminded_of_costs_planning_one_query(
    psychologist, methodist, monday, django_assert_num_queries, django_capture_on_commit_callbacks
):
    # Planning runs after every booking's commit (docs/benchmarks.md, the booking's cost): a time
    # booked without a family, with nothing waiting, is settled by one read and writes nothing.
    appointment = appointment_book(
        organization=psychologist.organization,
        specialists=[psychologist],
        starts_at=f.at(monday, "10:00"),
        booked_by=methodist.user,
    )
    with django_assert_num_queries(1):
        assert reminders_plan(appointment_id=appointment.pk) == []
    with django_capture_on_commit_callbacks(execute=True):
        appointment.status = Appointment.Status.CANCELLED
        appointment.save()
    with django_assert_num_queries(1):
        assert reminders_plan(appointment_id=appointment.pk) == []
    assert not Message.objects.filter(appointment=appointment).exists()


def test_a_gone_appointment_plans_nothing(django_assert_num_queries):
    with django_assert_num_queries(1):
        assert reminders_plan(appointment_id=987654) == []
