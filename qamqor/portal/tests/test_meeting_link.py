"""An online consultation's meeting link reaches the parent on the manage page from 15 minutes
before the start (seed 001 §6.2, §6.5), not earlier, and never through the letter or .ics."""

from __future__ import annotations

import datetime as dt

import pytest
from django.urls import reverse

from qamqor.core.testing import factories as f
from qamqor.journal.services import request_intake, request_schedule
from qamqor.portal.links import manage_token
from qamqor.portal.selectors import place_of

LINK = "https://meet.example.kz/qamqor-room-7"


@pytest.fixture
def online(point, parent, psychologist, methodist, day):
    request = request_intake(
        organization=point.organization, parent=parent, channel="online", topic=f.topic(), question="?", received_by=None
    )
    return request_schedule(
        request=request, specialists=[psychologist], starts_at=f.at(day, "10:00"), by=methodist.user,
        is_online=True, meeting_url=LINK,
    )  # fmt: skip


def test_the_link_opens_fifteen_minutes_before_the_start(point, online):
    starts = online.starts_at
    assert place_of(point, online, now=starts - dt.timedelta(minutes=16)).meeting_url == ""
    assert place_of(point, online, now=starts - dt.timedelta(minutes=15)).meeting_url == LINK
    assert place_of(point, online, now=starts + dt.timedelta(minutes=5)).meeting_url == LINK


def test_the_manage_page_says_when_the_link_appears(client, online):
    page = client.get(reverse("portal:manage", args=[manage_token(online.request)])).content.decode()
    assert LINK not in page
    assert "басталуына 15 минут қалғанда" in page  # in Kazakh, the default language
