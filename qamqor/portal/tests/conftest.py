"""The public site's fixtures: an open point with its contacts, a bookable day, a parent's form."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qamqor.core.testing import factories as f
from qamqor.portal.services import portal_apply
from qamqor.scheduling.calendar import public_holidays


def working_day(after_days: int = 1) -> dt.date:
    """The first weekday at least `after_days` ahead that is not a public holiday: inside the
    site's 14 days, whatever day the suite runs."""
    day = timezone.localdate() + dt.timedelta(days=after_days)
    while day.weekday() >= 5 or day in public_holidays(day.year):
        day += dt.timedelta(days=1)
    return day


def slot(membership, when: dt.datetime) -> str:
    """A time as the application form sends it."""
    return f"{membership.pk}-{int(when.timestamp())}"


@pytest.fixture
def point(kindergarten):
    point = kindergarten.consultation_point
    point.address = "Астана қ., Сығанақ көшесі, 25, 104-кабинет"
    point.whatsapp = "+77015508080"
    point.telegram = "@duman8_kp"
    point.save()
    return point


@pytest.fixture
def day():
    return working_day()


@pytest.fixture
def form_data(point, psychologist, day):
    """A parent's complete application for the psychologist at 10:00 on the next working day."""
    return {
        "topic": "behaviour",
        "specialist": "",
        "slot": slot(psychologist, f.at(day, "10:00")),
        "parent_full_name": "Әбенова Мадина Серікқызы",
        "phone": "8 701 555 12 34",
        "email": "madina@example.com",
        "language": "kk",
        "child_full_name": "Әбенов Нұрсұлтан",
        "child_birth_date": "2022-05-17",
        "child_sex": "m",
        "question": "Бала түнде жиі оянады",
        "consent": "on",
        "website": "",
    }


@pytest.fixture
def media(settings, tmp_path):
    """Uploads go to a MEDIA_ROOT of the test's own: it sees exactly the files it stored."""
    settings.MEDIA_ROOT = tmp_path / "media"
    return settings.MEDIA_ROOT


@pytest.fixture
def application(point, psychologist, day):
    """An online application with the psychologist at 10:00 on the next working day, from a
    parent who gave an email and speaks Kazakh."""
    return portal_apply(
        point=point,
        topic=f.topic("behaviour"),
        parent_full_name="Әбенова Мадина Серікқызы",
        phone="8 701 555 12 34",
        email="madina@example.com",
        language="kk",
        question="Бала түнде жиі оянады",
        consent_given=True,
        client_address="10.0.0.1",
        specialist=psychologist,
        starts_at=f.at(day, "10:00"),
    )


@pytest.fixture
def booked(application):
    """The journal request of `application`."""
    return application.request


@pytest.fixture
def waiting(point):
    """An online application with no time chosen (waiting for the methodist's call)."""
    return portal_apply(
        point=point,
        topic=f.topic("behaviour"),
        parent_full_name="Ким Алиса",
        phone="+77015550001",
        question="?",
        consent_given=True,
        client_address="10.0.0.3",
    ).request

