"""A family whose every activity is over (a consultation held and rated, a request cancelled),
and the strings that name it: after anonymisation none of them may be left in the database."""

from __future__ import annotations

import datetime as dt

import pytest
from django.apps import apps
from django.utils import timezone

from qamqor.core.testing import factories as f
from qamqor.families.services import child_create, parent_create
from qamqor.journal.services import request_cancel, request_complete, request_intake, request_schedule
from qamqor.portal.services import portal_feedback_give
from qamqor.scheduling.calendar import public_holidays

IIN = "050712500121"
SECRETS = (
    "Әбенова Мадина",
    "7015551234",
    "madina@example.com",
    "Әбенов Нұрсұлтан",
    IIN,
    "Бала түнде жиі оянады",
    "Ұйқы тәртібін сақтау",
    "Жақсы нәтиже",
    "Рахмет, көп көмектесті",
    "ата-анасы қоңырау шалып бас тартты",
    "Сөйлеуі туралы сұрақ",
    "meet.example.com/abenova",
)


def past_working_day() -> dt.date:
    day = timezone.localdate() - dt.timedelta(days=1)
    while day.weekday() >= 5 or day in public_holidays(day.year):
        day -= dt.timedelta(days=1)
    return day


@pytest.fixture
def family(kindergarten, methodist, psychologist):
    """Every kind of record a family leaves: parent, consents, child (IIN), two requests (one
    held with recommendations, an online link and rated with a comment; one cancelled with a
    note), and the audit log's entries of all that."""
    parent = parent_create(
        organization=kindergarten,
        full_name="Әбенова Мадина Серікқызы",
        phone="+77015551234",
        email="madina@example.com",
        consent_method="paper",
        recorded_by=methodist.user,
    )
    child = child_create(
        parent=parent, full_name="Әбенов Нұрсұлтан", birth_date=dt.date(2005, 7, 12), sex="m", iin=IIN, consent_method="paper"
    )
    held = request_intake(
        organization=kindergarten,
        channel="phone",
        parent=parent,
        child=child,
        topic=f.topic("behaviour"),
        question="Бала түнде жиі оянады",
        received_by=methodist.user,
    )
    request_schedule(
        request=held,
        specialists=[psychologist],
        starts_at=f.at(past_working_day(), "10:00"),
        by=methodist.user,
        is_online=True,
        meeting_url="https://meet.example.com/abenova",
        allow_past=True,
    )
    request_complete(request=held, recommendations="Ұйқы тәртібін сақтау", outcome="Жақсы нәтиже", by=psychologist.user)
    portal_feedback_give(request=held, rating=5, comment="Рахмет, көп көмектесті")
    cancelled = request_intake(
        organization=kindergarten,
        channel="phone",
        parent=parent,
        topic=f.topic("speech"),
        question="Сөйлеуі туралы сұрақ",
        received_by=methodist.user,
    )
    request_cancel(request=cancelled, by=methodist.user, note="ата-анасы қоңырау шалып бас тартты")
    return {"parent": parent, "child": child, "held": held, "cancelled": cancelled}


def database_rows_holding(*needles: str) -> list[str]:
    """Every row of every table (of our models and the audit log's) that holds one of the
    strings, as "app.Model pk": the test's eyes on the whole database."""
    found = []
    for model in apps.get_models():
        if model._meta.app_label in {"sessions", "axes", "admin"}:
            continue
        for row in model.objects.values():
            text = " ".join(str(v) for v in row.values())
            if any(n in text for n in needles):
                found.append(f"{model._meta.label} {row.get('id', row)}")
    return found
