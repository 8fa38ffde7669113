"""The notify app's test set-up. Tasks stay on the database backend, as in production: what a
test queues is run through the worker's own code (`run_tasks`), at the time a test sets
(`clock`), so a reminder queued for tomorrow is run tomorrow, not at once."""

from __future__ import annotations

import datetime as dt

import pytest
from django.test import TestCase
from django.utils import timezone
from django_tasks_db.management.commands.db_worker import Worker
from django_tasks_db.models import DBTaskResult

from qamqor.core.testing import factories as f
from qamqor.journal.services import request_intake, request_schedule
from qamqor.notify import sms


@pytest.fixture(autouse=True)
def sms_outbox(settings):
    settings.QAMQOR_SMS_BACKEND = "memory"
    settings.QAMQOR_PUBLIC_URL = "https://qamqor.example.kz"
    sms.outbox.clear()
    yield sms.outbox
    sms.outbox.clear()


class Clock:
    """The time the code under test sees (django.utils.timezone.now), set by the test."""

    def __init__(self, monkeypatch) -> None:
        self.monkeypatch = monkeypatch

    def set(self, when: dt.datetime) -> None:
        self.monkeypatch.setattr(timezone, "now", lambda: when)


@pytest.fixture
def clock(monkeypatch) -> Clock:
    return Clock(monkeypatch)


def run_tasks() -> int:
    """Run every queued task that is due now, one by one, as `manage.py db_worker` does (its
    Worker's claim and run_task); returns how many ran."""
    worker = Worker(
        queue_names=["default"],
        interval=0,
        batch=True,
        backend_name="default",
        startup_delay=False,
        max_tasks=None,
        worker_id="tests",
        excluded_queue_names=[],
    )
    ran = 0
    while (result := DBTaskResult.objects.ready().order_by("run_after", "enqueued_at").first()) is not None:
        result.claim(worker.worker_id)
        # What a task queues after its commit (a retry) is queued, as it would be in a worker.
        with TestCase.captureOnCommitCallbacks(execute=True):
            worker.run_task(result)
        ran += 1
    return ran


@pytest.fixture
def tasks():
    return run_tasks


@pytest.fixture
def book(psychologist, methodist, django_capture_on_commit_callbacks):
    """Book a consultation for a parent the way the journal does, with what follows its commit."""

    def book(parent, starts_at: dt.datetime, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            request = request_intake(
                organization=parent.organization,
                channel="phone",
                parent=parent,
                topic=f.topic("speech"),
                question="Бала сөйлемей жүр",
                received_by=methodist.user,
            )
            appointment = request_schedule(
                request=request, specialists=[psychologist], starts_at=starts_at, by=methodist.user, **kwargs
            )
        return request, appointment

    return book


@pytest.fixture
def monday():
    return f.next_working_monday(after_days=7)
