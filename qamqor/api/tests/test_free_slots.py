"""GET /api/v1/points/<id>/free-slots/: the times a parent may book, by specialist and days."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qamqor.api.tests.conftest import book
from qamqor.core.testing import factories as f
from qamqor.portal.selectors import BOOKING_DAYS

pytestmark = pytest.mark.django_db


def slots(api, point, **params):
    return api.get(reverse("api:free_slots", args=[point.pk]), {k: str(v) for k, v in params.items()})


def test_the_free_times_of_a_day(api, point, psychologist, day):
    body = slots(api, point, date_from=day, date_to=day).json()
    # 09:00–13:00 in half-hour slots (the point's length)
    assert body["count"] == 8
    first = body["results"][0]
    assert dt.datetime.fromisoformat(first["starts_at"]) == f.at(day, "09:00")
    assert first["specialist"] == psychologist.pk and first["specialist_name"] == "Оспанова Айгүл Маратқызы"


def test_a_booked_time_is_no_longer_free(api, point, psychologist, day, booking):
    assert book(api, booking).status_code == 201
    starts = [dt.datetime.fromisoformat(s["starts_at"]) for s in slots(api, point, date_from=day, date_to=day).json()["results"]]
    assert f.at(day, "10:00") not in starts and len(starts) == 7


def test_by_specialist_and_topic(api, point, psychologist, speech_therapist, day):
    both = slots(api, point, date_from=day, date_to=day).json()["count"]
    only = slots(api, point, date_from=day, date_to=day, specialist=speech_therapist.pk).json()
    assert {s["specialist"] for s in only["results"]} == {speech_therapist.pk}
    assert only["count"] < both
    by_topic = slots(api, point, date_from=day, date_to=day, topic="behaviour").json()["results"]
    assert {s["specialist"] for s in by_topic} == {psychologist.pk}


@pytest.mark.parametrize(
    ("params", "field"),
    [
        ({"date_from": "yesterday"}, "date_from"),
        ({"date_from": -1}, "date_from"),  # yesterday
        ({"date_from": BOOKING_DAYS}, "date_from"),  # past the booking window
        ({"date_to": BOOKING_DAYS}, "date_to"),
        ({"date_from": 3, "date_to": 2}, "date_to"),
        ({"topic": "astrology"}, "topic"),
        ({"specialist": 2_000_000_000}, "specialist"),
        ({"speciality": "x"}, "speciality"),
    ],
)
def test_out_of_range_dates_and_unknown_choices_are_400(api, point, psychologist, params, field):
    today = timezone.localdate()
    query = {k: (today + dt.timedelta(days=v) if isinstance(v, int) and k.startswith("date") else v) for k, v in params.items()}
    response = slots(api, point, **query)
    assert response.status_code == 400, response.json()
    assert field in response.json()["error"]["fields"]


def test_a_date_in_another_form_is_explained_in_russian(api, point, psychologist):
    response = api.get(reverse("api:free_slots", args=[point.pk]), {"date_from": "07.12.2026"}, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400
    assert response.json()["error"]["fields"]["date_from"] == ["Укажите дату в виде ГГГГ-ММ-ДД, например 2026-12-07."]


def test_another_organisations_specialist_is_refused(api, point, psychologist, other_kindergarten):
    stranger = f.staff(other_kindergarten, "psychologist")
    f.weekly_hours(stranger)
    response = slots(api, point, specialist=stranger.pk)
    assert response.status_code == 400
    assert "specialist" in response.json()["error"]["fields"]


def test_a_closed_point_or_no_online_booking(api, point, psychologist, day):
    point.online_booking = False
    point.save()
    assert slots(api, point, date_from=day, date_to=day).json()["count"] == 0
    point.is_open = False
    point.save()
    assert slots(api, point).status_code == 404


def test_the_same_queries_for_a_day_or_two_weeks(api, point, psychologist):
    today = timezone.localdate()
    with CaptureQueriesContext(connection) as one_day:
        slots(api, point, date_from=today, date_to=today)
    with CaptureQueriesContext(connection) as two_weeks:
        slots(api, point, date_from=today, date_to=today + dt.timedelta(days=BOOKING_DAYS - 1))
    assert len(one_day) == len(two_weeks)
