"""The delivery log holds parents' phone numbers and emails: erasure and retention reach it,
and the parent's data download lists it."""

from __future__ import annotations

import datetime as dt

import pytest

from qamqor.audit.services import family_anonymise
from qamqor.core.testing import factories as f
from qamqor.notify.models import Message
from qamqor.notify.privacy import messages_past_retention
from qamqor.portal.selectors import parent_data

pytestmark = pytest.mark.django_db


def test_erasing_a_family_deletes_its_messages(book, parent, monday):
    book(parent, f.at(monday, "10:00"))
    other = f.ParentFactory(organization=parent.organization)
    book(other, f.at(monday, "11:00"))
    counts = family_anonymise(parent=parent, reason="erasure")
    assert counts["messages_deleted"] == 2
    assert not Message.objects.filter(parent=parent).exists()
    assert Message.objects.filter(parent=other).count() == 2


def test_retention_deletes_messages_sent_before_the_cutoff(book, parent, monday, kindergarten):
    _request, appointment = book(parent, f.at(monday, "10:00"))
    cutoff = appointment.starts_at - dt.timedelta(hours=3)  # after the first reminder, before the second
    assert messages_past_retention(kindergarten, cutoff, dry_run=True) == 1
    assert messages_past_retention(kindergarten, cutoff, dry_run=False) == 1
    assert list(Message.objects.values_list("kind", flat=True)) == [Message.Kind.REMINDER_SECOND]


def test_the_parents_data_lists_the_messages_sent_to_them(book, parent, monday):
    book(parent, f.at(monday, "10:00"))
    rows = parent_data(parent)["messages"]
    assert [(r["channel"], r["address"]) for r in rows] == [("sms", parent.phone)] * 2
