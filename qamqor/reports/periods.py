"""The periods a report is asked for: an academic year, a half-year, a quarter, a month, or any
dates. A period is always two local days, both included (qamqor/core/periods.py turns them into
moments); the named ones are offered as links."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass

from django import forms
from django.core.exceptions import ValidationError
from django.utils import dateformat
from django.utils.translation import gettext, pgettext_lazy
from django.utils.translation import gettext_lazy as _

from qamqor.core.academic_year import academic_year_bounds, academic_year_label, current_academic_year
from qamqor.core.forms import BootstrapMixin, DateInput

MAX_DAYS = 3 * 366  # a longer period is a mistake more often than a wish


@dataclass(frozen=True)
class Period:
    start: dt.date
    end: dt.date
    label: str

    @property
    def query(self) -> str:
        return f"start={self.start.isoformat()}&end={self.end.isoformat()}"


def _month_end(day: dt.date) -> dt.date:
    return (day.replace(day=1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1)


def half_bounds(year: int, half: int) -> tuple[dt.date, dt.date]:
    """The first half-year is September to February, the second March to August (seed 002 asks
    for half-year information; the academic year splits at its winter)."""
    if half == 1:
        return dt.date(year, 9, 1), _month_end(dt.date(year + 1, 2, 1))
    return dt.date(year + 1, 3, 1), dt.date(year + 1, 8, 31)


def halves_within(start: dt.date, end: dt.date) -> list[tuple[int, int]]:
    """The half-years wholly inside the period: the safety counts are recorded per half-year,
    so only those can be added up for it."""
    out = []
    for year in range(start.year - 1, end.year + 1):
        for half in (1, 2):
            low, high = half_bounds(year, half)
            if start <= low and high <= end:
                out.append((year, half))
    return out


def presets(year: int | None = None) -> list[Period]:
    """The academic year, its halves, its quarters (Sep–Nov, Dec–Feb, Mar–May, Jun–Aug) and months."""
    year = current_academic_year() if year is None else year
    start, end = academic_year_bounds(year)
    label = academic_year_label(year)
    periods = [Period(start, end, gettext("Academic year %(year)s") % {"year": label})]
    for half in (1, 2):
        low, high = half_bounds(year, half)
        periods.append(Period(low, high, gettext("Half-year %(n)s, %(year)s") % {"n": half, "year": label}))
    for quarter in range(4):
        low = dt.date(year + (1 if quarter >= 2 else 0), [9, 12, 3, 6][quarter], 1)
        third = dt.date(low.year + (low.month + 1) // 12, (low.month + 1) % 12 + 1, 1)  # two months on
        high = _month_end(third)
        periods.append(Period(low, high, gettext("Quarter %(n)s, %(year)s") % {"n": quarter + 1, "year": label}))
    day = start
    while day <= end:
        periods.append(Period(day, _month_end(day), dateformat.format(day, "F Y")))
        day = _month_end(day) + dt.timedelta(days=1)
    return periods


class PeriodForm(BootstrapMixin, forms.Form):
    start = forms.DateField(label=_("From"), widget=DateInput())
    end = forms.DateField(label=pgettext_lazy("end of a date range", "To"), widget=DateInput())

    def clean(self) -> dict:
        data = super().clean()
        start, end = data.get("start"), data.get("end")
        if start and end:
            if end < start:
                raise ValidationError(_("The end of the period is before its start."), code="period")
            if (end - start).days > MAX_DAYS:
                raise ValidationError(_("Choose a period of at most three years."), code="period")
        return data


def period_from(params) -> tuple[PeriodForm, dt.date, dt.date]:
    """The period of a GET request: the dates asked for when they are valid, otherwise the
    current academic year (the form keeps its errors to show)."""
    start, end = academic_year_bounds(current_academic_year())
    form = PeriodForm(params if ("start" in params or "end" in params) else None, initial={"start": start, "end": end})
    if form.is_bound and form.is_valid():
        start, end = form.cleaned_data["start"], form.cleaned_data["end"]
    return form, start, end
