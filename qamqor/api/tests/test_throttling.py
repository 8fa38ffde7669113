"""The API's throttles count in the database, so every web process shares one limit: 429 with
Retry-After in the caller's language, per token and per client address apart."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.cache import caches
from django.db import connection
from django.db.models import Count
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone
from rest_framework.test import APIClient
from rest_framework.throttling import SimpleRateThrottle

from qamqor.api.tests.conftest import bearer, issue
from qamqor.portal.models import ApplicationAttempt

pytestmark = pytest.mark.django_db


@pytest.fixture
def rates():
    """Small limits: two calls a minute without a token, three with one."""
    old = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = {"anonymous": "2/min", "token": "3/min"}
    yield
    SimpleRateThrottle.THROTTLE_RATES = old


@pytest.fixture
def clock(monkeypatch):
    """The time the throttles see, set by the test."""
    start = timezone.now()

    def set_to(seconds: float) -> None:
        monkeypatch.setattr(timezone, "now", lambda: start + dt.timedelta(seconds=seconds))

    set_to(0)
    return set_to


def points(**headers):
    # A new client each call, and every cache emptied: as if each call reached another web process.
    for cache in caches.all(initialized_only=True):
        cache.clear()
    return APIClient().get(reverse("api:points"), **headers)


def test_over_the_limit_the_answer_is_429_with_retry_after_in_the_callers_language(point, rates, clock):
    assert [points().status_code for _ in range(2)] == [200, 200]
    clock(20)
    refused = points(HTTP_ACCEPT_LANGUAGE="ru")
    assert refused.status_code == 429
    # The first counted call leaves the minute's window in 40 seconds.
    assert refused["Retry-After"] == "40"
    assert refused.json() == {
        "error": {"code": "throttled", "message": "Слишком много запросов. Повторите через 40 с.", "fields": {}}
    }
    kazakh = points(HTTP_ACCEPT_LANGUAGE="kk").json()["error"]["message"]
    assert kazakh == "Сұраулар тым көп. 40 секундтан кейін қайталаңыз."


def test_a_refused_call_is_not_counted_and_the_window_moves_on(point, rates, clock):
    points()
    clock(30)
    points()
    clock(45)
    assert points().status_code == 429
    assert ApplicationAttempt.objects.count() == 2
    clock(61)  # the first call has left the window, the second has not
    assert points().status_code == 200
    assert points().status_code == 429


def test_the_count_is_shared_by_every_process_not_kept_in_its_cache(point, rates):
    # `points()` empties the caches before each call, which reset the count of a cache throttle.
    assert [points().status_code for _ in range(3)] == [200, 200, 429]
    assert ApplicationAttempt.objects.filter(kind=ApplicationAttempt.Kind.ADDRESS).count() == 2


def test_addresses_are_counted_apart_and_kept_as_hashes(point, rates):
    assert [points(REMOTE_ADDR="192.0.2.10").status_code for _ in range(3)] == [200, 200, 429]
    assert points(REMOTE_ADDR="192.0.2.11").status_code == 200
    assert not ApplicationAttempt.objects.filter(key_hash__contains="192.0.2").exists()


def test_a_token_and_calls_without_one_are_counted_apart(point, kindergarten, rates):
    _token, raw = issue(kindergarten, "methodist")
    _other, other_raw = issue(kindergarten, "methodist", name="Мектеп сайты")
    assert [points().status_code for _ in range(3)] == [200, 200, 429]
    # The same address with a token: the token's own limit (three), not the address's.
    assert [points(**bearer(raw)).status_code for _ in range(4)] == [200, 200, 200, 429]
    # Another token has a limit of its own.
    assert points(**bearer(other_raw)).status_code == 200
    kinds = dict(ApplicationAttempt.objects.values_list("kind").annotate(n=Count("pk")))
    assert kinds == {"address": 2, "token": 4}


def test_a_throttle_check_costs_two_queries_and_one_when_refused(point, rates):
    def throttle_queries() -> list[str]:
        with CaptureQueriesContext(connection) as queries:
            points()
        return [q["sql"].split()[0] for q in queries if ApplicationAttempt._meta.db_table in q["sql"]]

    # The count of the caller's recent calls (with the oldest of them), then this call's record.
    assert throttle_queries() == ["SELECT", "INSERT"]
    throttle_queries()
    assert throttle_queries() == ["SELECT"]
