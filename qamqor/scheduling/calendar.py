"""Which days an organisation works, and as which weekday.

Public holidays come from `holidays.KZ`; the government also moves days by decree each year,
so an organisation's own ClosedDay rows (closed days, transferred working days) win.
"""

from __future__ import annotations

import datetime as dt
from functools import lru_cache

import holidays


@lru_cache(maxsize=16)
def public_holidays(year: int) -> frozenset[dt.date]:
    return frozenset(holidays.country_holidays("KZ", years=year).keys())


def public_holiday_name(day: dt.date) -> str | None:
    return holidays.country_holidays("KZ", years=day.year).get(day)


def working_weekday(day: dt.date, overrides: dict[dt.date, int | None]) -> int | None:
    """The weekday whose hours apply on `day`, or None when the organisation is closed.

    `overrides` maps the organisation's own dates to a weekday (a transferred working day)
    or None (closed)."""
    if day in overrides:
        return overrides[day]
    if day in public_holidays(day.year):
        return None
    return day.weekday()


def organization_overrides(organization_id: int, start: dt.date, end: dt.date) -> dict[dt.date, int | None]:
    from qamqor.scheduling.models import ClosedDay

    return {
        date: (None if is_closed else works_as)
        for date, is_closed, works_as in ClosedDay.objects.filter(
            organization_id=organization_id, date__gte=start, date__lte=end
        ).values_list("date", "is_closed", "works_as")
    }
