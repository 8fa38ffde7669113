"""The academic year runs 1 September to 31 August; journal numbers restart with each."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone


def academic_year_of(day: dt.date) -> int:
    """The year the academic year started: 15 Nov 2026 -> 2026, 15 Mar 2027 -> 2026."""
    return day.year if day.month >= 9 else day.year - 1


def current_academic_year() -> int:
    return academic_year_of(timezone.localdate())


def academic_year_label(start_year: int) -> str:
    return f"{start_year}–{start_year + 1}"


def academic_year_bounds(start_year: int) -> tuple[dt.date, dt.date]:
    return dt.date(start_year, 9, 1), dt.date(start_year + 1, 8, 31)
