"""Helpers for the social service's tests (and the access matrix's records: world.py)."""

from __future__ import annotations

import datetime as dt

from qamqor.core.iin import check_digit
from qamqor.core.testing import factories as f
from qamqor.social import services


def iin_for(birth_date: dt.date, sex: str = "m", serial: int = 1) -> str:
    """A valid IIN for this birth date and sex (the first serial that has a check digit)."""
    century = {1800: 1, 1900: 3, 2000: 5}[birth_date.year // 100 * 100] + (1 if sex == "f" else 0)
    while True:
        first = f"{birth_date:%y%m%d}{century}{serial:04d}"
        digit = check_digit(first)
        if digit is not None:
            return first + str(digit)
        serial += 1


def school_class(organization, name: str = "5А", year: int = 2026, teacher=None):
    return services.class_create(organization=organization, academic_year=year, name=name, class_teacher=teacher)


def pupil(organization, name: str, *, in_class=None, on: dt.date | None = None, **kwargs):
    """A child of the organisation, enrolled in `in_class` from `on` (1 September by default)."""
    child = f.ChildFactory(parent=f.ParentFactory(organization=organization), organization=organization, full_name=name, **kwargs)
    if in_class is not None:
        services.enrolment_create(school_class=in_class, child=child, enrolled_on=on or dt.date(in_class.academic_year, 9, 1))
    return child


def category(child, code: str, starts_on: dt.date, ends_on: dt.date | None = None, **kwargs):
    return services.category_record(child=child, category=code, starts_on=starts_on, ends_on=ends_on, **kwargs)
