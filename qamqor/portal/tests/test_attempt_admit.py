"""attempt_admit: the public site's database counting, for a caller on every request (the API's
throttles): counted or refused with the time to wait, old rows swept now and then."""

from __future__ import annotations

import datetime as dt

import pytest
from django.utils import timezone

from qamqor.portal import services
from qamqor.portal.models import ApplicationAttempt
from qamqor.portal.services import attempt_admit, attempt_hash

pytestmark = pytest.mark.django_db
MINUTE = dt.timedelta(minutes=1)


def admit(now: dt.datetime, key: str = "a", limit: int = 2) -> dt.timedelta | None:
    return attempt_admit(
        kind=ApplicationAttempt.Kind.TOKEN, key_hash=attempt_hash("test", key), limit=limit, window=MINUTE, now=now
    )


def test_counted_up_to_the_limit_then_refused_until_the_oldest_leaves_the_window():
    now = timezone.now()
    assert admit(now) is None
    assert admit(now + dt.timedelta(seconds=10)) is None
    assert admit(now + dt.timedelta(seconds=15)) == dt.timedelta(seconds=45)
    assert admit(now + dt.timedelta(seconds=15), key="b") is None  # another key
    assert admit(now + dt.timedelta(seconds=61)) is None
    assert ApplicationAttempt.objects.count() == 4


def test_old_rows_are_swept_on_one_counted_attempt_in_sweep_every(monkeypatch):
    now = timezone.now()
    ApplicationAttempt.objects.create(kind="address", key_hash="0" * 64, attempted_at=now - dt.timedelta(days=2))
    monkeypatch.setattr(services, "SWEEP_EVERY", 10**9)
    admit(now)
    assert ApplicationAttempt.objects.filter(attempted_at__lt=now - services.ATTEMPTS_KEPT).count() == 1
    monkeypatch.setattr(services, "SWEEP_EVERY", 1)
    admit(now)
    assert not ApplicationAttempt.objects.filter(attempted_at__lt=now - services.ATTEMPTS_KEPT).exists()
    assert ApplicationAttempt.objects.count() == 2


def test_a_window_longer_than_the_rows_are_kept_is_refused():
    with pytest.raises(ValueError, match="sweep"):
        attempt_admit(kind="token", key_hash="x", limit=1, window=dt.timedelta(days=2), now=timezone.now())
