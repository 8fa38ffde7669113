"""Reads of the social service: the social passport as of a date, the monthly class movement,
the housing inspections that are due, and the counts others may see.

A child is counted in a passport when enrolled in a class of the organisation on the day; a
category counts when it holds on the day (from `starts_on`, up to but not including `ends_on`).
Each read costs a fixed number of queries, whatever the number of children.
"""

from __future__ import annotations

import calendar
import datetime as dt
from collections import defaultdict
from dataclasses import dataclass, field

from django.db.models import Count, Max, Q

from qamqor.core.academic_year import academic_year_of
from qamqor.families.models import Child
from qamqor.orgs.models import Organization
from qamqor.social.models import Category, CategoryRecord, Enrolment, HousingAct, SchoolClass

# Housing inspections (seed 004, annual plan items 6 and 7): children without parental care
# twice a year, children on the risk registers once a year.
TWICE_A_YEAR = frozenset({Category.ORPHAN, Category.WITHOUT_PARENTAL_CARE})
ONCE_A_YEAR = frozenset({Category.SCHOOL_RISK_REGISTER, Category.POLICE_REGISTER})
# Without any act since the category began, the first visit is due this long after it began.
FIRST_VISIT_MONTHS = 1
DUE_SOON_DAYS = 30


def add_months(day: dt.date, months: int) -> dt.date:
    """The same day `months` later; the 31st falls to the month's last day."""
    year, month = divmod(day.year * 12 + day.month - 1 + months, 12)
    month += 1
    return dt.date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass
class PassportEntry:
    child: Child
    class_name: str
    record: CategoryRecord


@dataclass
class PassportCategory:
    code: str
    label: str
    entries: list[PassportEntry]

    @property
    def count(self) -> int:
        return len(self.entries)


@dataclass
class Passport:
    organization: Organization
    day: dt.date
    school_class: SchoolClass | None
    total: int  # children in the class (or the organisation's classes) on the day
    categories: list[PassportCategory]
    class_names: list[str] = field(default_factory=list)

    @property
    def children(self) -> list[Child]:
        """Every child named in the lists, once (for the access log)."""
        seen: dict[int, Child] = {}
        for category in self.categories:
            for entry in category.entries:
                seen.setdefault(entry.child.pk, entry.child)
        return list(seen.values())

    @property
    def with_any_category(self) -> int:
        return len(self.children)


def _enrolled_on(organization: Organization, day: dt.date, school_class: SchoolClass | None):
    enrolments = Enrolment.objects.filter(
        school_class__organization=organization, school_class__academic_year=academic_year_of(day)
    ).on(day)
    if school_class is not None:
        enrolments = enrolments.filter(school_class=school_class)
    return enrolments


def passport(*, organization: Organization, day: dt.date, school_class: SchoolClass | None = None) -> Passport:
    """Counts per category and the named lists, as of `day` (two queries)."""
    class_of = dict(_enrolled_on(organization, day, school_class).values_list("child_id", "school_class__name"))
    records = (
        CategoryRecord.objects.filter(organization=organization, child_id__in=list(class_of))
        .holding_on(day)
        .select_related("child")
    )
    by_category: dict[str, list[PassportEntry]] = defaultdict(list)
    for record in records:
        by_category[record.category].append(PassportEntry(record.child, class_of[record.child_id], record))
    categories = [
        PassportCategory(
            code,
            str(label),  # in the language of the page or document being made
            sorted(by_category.get(code, []), key=lambda e: (e.class_name, e.child.full_name, e.child.pk)),
        )
        for code, label in Category.choices
    ]
    return Passport(
        organization=organization,
        day=day,
        school_class=school_class,
        total=len(class_of),
        categories=categories,
        class_names=sorted(set(class_of.values())),
    )


def category_counts(*, organization_ids: list[int], day: dt.date) -> dict[int, dict[str, int]]:
    """For each organisation: the children in its classes on the day ("total") and the children
    of each category among them; no names (two queries)."""
    year = academic_year_of(day)
    enrolled = Enrolment.objects.filter(school_class__organization_id__in=organization_ids, school_class__academic_year=year).on(
        day
    )
    counts: dict[int, dict[str, int]] = {org: dict.fromkeys(["total", *Category.values], 0) for org in organization_ids}
    for org, total in (
        enrolled.values("school_class__organization_id")
        .annotate(n=Count("child", distinct=True))
        .values_list("school_class__organization_id", "n")
    ):
        counts[org]["total"] = total
    rows = (
        CategoryRecord.objects.filter(organization_id__in=organization_ids, child_id__in=enrolled.values("child_id"))
        .holding_on(day)
        .values("organization_id", "category")
        .annotate(n=Count("child", distinct=True))
        .values_list("organization_id", "category", "n")
    )
    for org, category, n in rows:
        counts[org][category] = n
    return counts


# --- The monthly class movement report (seed 004: «сыныптың әлеуметтік қозғалысы»)


@dataclass
class Movement:
    month: dt.date
    arrived: list[Enrolment]
    left: list[Enrolment]
    began: list[CategoryRecord]
    ended: list[CategoryRecord]

    @property
    def children(self) -> list[Child]:
        seen: dict[int, Child] = {}
        for row in (*self.arrived, *self.left, *self.began, *self.ended):
            seen.setdefault(row.child_id, row.child)
        return list(seen.values())


def movement(*, organization: Organization, month: dt.date, school_class: SchoolClass | None = None) -> Movement:
    """Who arrived, left, or began or ended a category in the month (four queries)."""
    first = month.replace(day=1)
    after = add_months(first, 1)
    enrolments = Enrolment.objects.filter(school_class__organization=organization).select_related("child", "school_class")
    if school_class is not None:
        enrolments = enrolments.filter(school_class=school_class)
    # The children who were in the class (or any class) at some time in the month.
    present = enrolments.filter(Q(left_on__isnull=True) | Q(left_on__gte=first), enrolled_on__lt=after).values("child_id")
    records = CategoryRecord.objects.filter(organization=organization, child_id__in=present).select_related("child")
    order = ("child__full_name", "pk")
    return Movement(
        month=first,
        arrived=list(enrolments.filter(enrolled_on__gte=first, enrolled_on__lt=after).order_by("enrolled_on", *order)),
        left=list(enrolments.filter(left_on__gte=first, left_on__lt=after).order_by("left_on", *order)),
        began=list(records.filter(starts_on__gte=first, starts_on__lt=after).order_by("starts_on", *order)),
        ended=list(records.filter(ends_on__gte=first, ends_on__lt=after).order_by("ends_on", *order)),
    )


# --- Housing inspections due


@dataclass
class DueInspection:
    child: Child
    categories: list[str]  # labels
    every_months: int
    last_visit: dt.date | None
    due_on: dt.date
    today: dt.date

    @property
    def overdue(self) -> bool:
        return self.due_on < self.today

    @property
    def due_soon(self) -> bool:
        return not self.overdue and self.due_on <= self.today + dt.timedelta(days=DUE_SOON_DAYS)


def inspections_due(*, organization: Organization, today: dt.date) -> list[DueInspection]:
    """Every child whose categories call for housing inspections, with the date the next visit is
    due, soonest first (two queries). Twice a year is every 6 months after the last act, once
    a year every 12; the stricter rule wins for a child in both kinds of category. A visit made
    before the category began does not count: the first visit is due a month after it began."""
    records = (
        CategoryRecord.objects.filter(organization=organization, category__in=[*TWICE_A_YEAR, *ONCE_A_YEAR])
        .holding_on(today)
        .select_related("child")
        .order_by("starts_on", "pk")
    )
    by_child: dict[int, list[CategoryRecord]] = defaultdict(list)
    for record in records:
        by_child[record.child_id].append(record)
    last_visits = dict(
        HousingAct.objects.filter(organization=organization, child_id__in=list(by_child))
        .values("child_id")
        .annotate(last=Max("visited_on"))
        .values_list("child_id", "last")
    )
    due: list[DueInspection] = []
    for child_id, held in by_child.items():
        months = 6 if any(r.category in TWICE_A_YEAR for r in held) else 12
        since = min(r.starts_on for r in held)
        last = last_visits.get(child_id)
        counted = last if last is not None and last >= since else None
        due_on = add_months(counted, months) if counted else add_months(since, FIRST_VISIT_MONTHS)
        labels = list(dict.fromkeys(r.get_category_display() for r in held))
        due.append(DueInspection(held[0].child, labels, months, last, due_on, today))
    return sorted(due, key=lambda d: (d.due_on, d.child.full_name, d.child.pk))
