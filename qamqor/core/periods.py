"""Local calendar days as moments: a period of days from the user's point of view (Asia/Almaty)
becomes a half-open range of aware datetimes, the same way for every list and report."""

from __future__ import annotations

import datetime as dt
from typing import TypeVar

from django.db.models import QuerySet
from django.utils import timezone

Q = TypeVar("Q", bound=QuerySet)


def day_start(day: dt.date) -> dt.datetime:
    """Midnight at the start of `day`, local time."""
    return timezone.make_aware(dt.datetime.combine(day, dt.time.min))


def within_days(queryset: Q, field: str, start: dt.date | None, end: dt.date | None) -> Q:
    """Rows whose `field` falls on a local day from `start` to `end`, both included; None leaves that side open."""
    if start:
        queryset = queryset.filter(**{f"{field}__gte": day_start(start)})
    if end:
        queryset = queryset.filter(**{f"{field}__lt": day_start(end + dt.timedelta(days=1))})
    return queryset
