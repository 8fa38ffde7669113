"""The figures of issue 7, computed from the records.

Two ways to the same numbers:
- `organization_dashboard()` reads one organisation's records directly (always current), with
  the breakdowns only its managers see (topics, specialists, kinds of help);
- `rollup()` sums the pre-aggregated day rows (`OrganizationDayFigures`) over any set of
  organisations: a district, a region, the country. `figures_refresh()` rebuilds those rows.
Both make a fixed number of grouped queries, however many rows or organisations there are.
A roll-up equals the sum of its organisations' figures (tests/test_rollup.py).
"""

from __future__ import annotations

import datetime as dt
from collections import Counter, defaultdict
from collections.abc import Iterable
from dataclasses import dataclass, field

from django.db import connection, transaction
from django.db.models import (
    Count,
    DurationField,
    Exists,
    ExpressionWrapper,
    F,
    OuterRef,
    Q,
    QuerySet,
    Sum,
)
from django.db.models.functions import TruncDate, TruncMonth
from django.utils import timezone

from qamqor.core.periods import within_days
from qamqor.engagement.models import Event, Registration
from qamqor.families.models import Child
from qamqor.journal.models import Channel, Request, Status
from qamqor.portal.models import Feedback
from qamqor.reports.models import (
    CHANNELS,
    STATUSES,
    Dimension,
    FiguresState,
    OrganizationDayBreakdown,
    OrganizationDayFigures,
    OrganizationMonthBreakdown,
    OrganizationMonthFigures,
    RegionDayFigures,
    SafetyRecord,
)
from qamqor.scheduling.models import Appointment

assert set(CHANNELS) == set(Channel.values), "reports.models.CHANNELS is out of step with the journal"
assert set(STATUSES) == set(Status.values), "reports.models.STATUSES is out of step with the journal"

COUNT_FIELDS = tuple(
    f.name for f in OrganizationDayFigures._meta.get_fields() if f.name not in {"id", "organization", "district", "region", "day"}
)
REBUILD_BATCH = 500  # organisations per query of the full rebuild


def _seconds(value: dt.timedelta | int | None) -> int:
    """A summed duration in whole seconds (SQLite sums microseconds, PostgreSQL intervals)."""
    if value is None:
        return 0
    seconds = value.total_seconds() if isinstance(value, dt.timedelta) else value / 1_000_000
    return max(0, round(seconds))


# --- Counts grouped by organisation and something else (a day, a month, a topic…)


def _request_grouped(requests: QuerySet, *group: str) -> QuerySet:
    """The request columns of the day table, grouped by `group`."""
    return (
        requests.values(*group)
        .order_by()
        .annotate(
            requests=Count("id"),
            answered_by_phone=Count("id", filter=Q(answered_by_phone=True)),
            **{f"channel_{c}": Count("id", filter=Q(channel=c)) for c in CHANNELS},
            **{f"status_{s}": Count("id", filter=Q(status=s)) for s in STATUSES},
        )
    )


def first_consultations(appointments: QuerySet) -> QuerySet:
    """Of `appointments`, each request's first held one: the end of its wait. A NOT EXISTS the
    database runs as an anti-join (a correlated "first one" subquery per request took minutes
    over millions of requests)."""
    earlier = Appointment.objects.filter(request=OuterRef("request"), status=Appointment.Status.DONE).filter(
        Q(starts_at__lt=OuterRef("starts_at")) | Q(starts_at=OuterRef("starts_at"), pk__lt=OuterRef("pk"))
    )
    return appointments.filter(status=Appointment.Status.DONE, request__isnull=False).filter(~Exists(earlier))


def _wait_grouped(first: QuerySet, *group: str) -> QuerySet:
    """Requests with a held consultation and their waits summed, counted on the request's side
    (`first` from first_consultations(), filtered by the requests' organisation and days)."""
    wait = ExpressionWrapper(F("starts_at") - F("request__received_at"), output_field=DurationField())
    return first.values(*group).order_by().annotate(waited=Count("id"), wait=Sum(wait))


def _request_counts(requests: QuerySet, *group: str) -> dict[tuple, dict[str, int]]:
    return {tuple(row.pop(g) for g in group): row for row in _request_grouped(requests, *group)}


def _wait_counts(first: QuerySet, *group: str) -> dict[tuple, dict[str, int]]:
    out = {}
    for row in _wait_grouped(first, *group):
        key = tuple(row.pop(g) for g in group)
        row["wait_seconds"] = _seconds(row.pop("wait"))
        out[key] = row
    return out


def _appointment_grouped(appointments: QuerySet, *group: str) -> QuerySet:
    return (
        appointments.exclude(status=Appointment.Status.CANCELLED)
        .values(*group)
        .order_by()
        .annotate(
            appointments=Count("id"),
            appointments_held=Count("id", filter=Q(status=Appointment.Status.DONE)),
            no_shows=Count("id", filter=Q(status=Appointment.Status.NO_SHOW)),
        )
    )


def _appointment_counts(appointments: QuerySet, *group: str) -> dict[tuple, dict[str, int]]:
    return {tuple(row.pop(g) for g in group): row for row in _appointment_grouped(appointments, *group)}


def _feedback_grouped(feedback: QuerySet, *group: str) -> QuerySet:
    return (
        feedback.values(*group)
        .order_by()
        .annotate(
            feedback=Count("id"),
            feedback_sum=Sum("rating"),
            **{f"rating_{r}": Count("id", filter=Q(rating=r)) for r in range(1, 6)},
        )
    )


def _feedback_counts(feedback: QuerySet, *group: str) -> dict[tuple, dict[str, int]]:
    return {tuple(row.pop(g) for g in group): row for row in _feedback_grouped(feedback, *group)}


def _merge(*parts: dict[tuple, dict[str, int]]) -> dict[tuple, dict[str, int]]:
    merged: dict[tuple, dict[str, int]] = defaultdict(lambda: dict.fromkeys(COUNT_FIELDS, 0))
    for part in parts:
        for key, values in part.items():
            for name, value in values.items():
                merged[key][name] += value or 0
    return merged


def _day_querysets(organization_ids: list[int] | None, start: dt.date | None, end: dt.date | None) -> list[QuerySet]:
    """The three grouped queries of the day table: requests, appointments, feedback, each by
    (organisation, local day)."""
    requests = Request.objects.all()
    appointments = Appointment.objects.all()
    feedback = Feedback.objects.all()
    if organization_ids is not None:
        requests, appointments, feedback = (
            requests.filter(organization_id__in=organization_ids),
            appointments.filter(organization_id__in=organization_ids),
            feedback.filter(organization_id__in=organization_ids),
        )
    # The waits count on their request's day; an appointment is always its request's organisation's.
    first = within_days(first_consultations(appointments), "request__received_at", start, end)
    first = first.annotate(day=TruncDate("request__received_at"))
    requests = within_days(requests, "received_at", start, end).annotate(day=TruncDate("received_at"))
    appointments = within_days(appointments, "starts_at", start, end).annotate(day=TruncDate("starts_at"))
    feedback = within_days(feedback, "given_at", start, end).annotate(day=TruncDate("given_at"))
    group = ("organization_id", "day")
    return [
        _request_grouped(requests, *group),
        _wait_grouped(first, *group),
        _appointment_grouped(appointments, *group),
        _feedback_grouped(feedback, *group),
    ]


def _day_counts(organization_ids: list[int] | None, start: dt.date | None, end: dt.date | None) -> dict[tuple, dict]:
    """(organisation id, day) -> the columns of the day table, from the records: four queries."""
    out = []
    for part in _day_querysets(organization_ids, start, end):
        rows = {}
        for row in part:
            key = (row.pop("organization_id"), row.pop("day"))
            if "wait" in row:
                row["wait_seconds"] = _seconds(row.pop("wait"))
            rows[key] = row
        out.append(rows)
    return _merge(*out)


def _insert_day_rows(organization_ids: list[int] | None, start: dt.date | None, end: dt.date | None) -> int:
    """PostgreSQL: the same rows written by one INSERT … SELECT over the three grouped queries
    (compiled by the ORM, so the rules are the ones above), without a row passing through
    Python: a full rebuild of millions of rows takes seconds, not minutes."""
    from qamqor.orgs.models import District, Organization

    quote = connection.ops.quote_name
    parts, params = [], []
    for queryset in _day_querysets(organization_ids, start, end):
        sql, part_params = queryset.query.sql_with_params()
        names = set(queryset.query.annotations) | {"organization_id", "day"}
        columns = []
        for name in COUNT_FIELDS:
            if name == "wait_seconds" and "wait" in names:
                columns.append(f"COALESCE(EXTRACT(EPOCH FROM p.{quote('wait')}), 0)")
            elif name in names:
                columns.append(f"COALESCE(p.{quote(name)}, 0)")
            else:
                columns.append("0")
        # Only column names from the models and the ORM's own SQL go into the text; values are parameters.
        parts.append(f"SELECT p.organization_id, p.day, {', '.join(columns)} FROM ({sql}) p")  # noqa: S608
        params.extend(part_params)
    sums = ", ".join(f"ROUND(SUM(u.c{i}))" for i in range(len(COUNT_FIELDS)))
    inner = " UNION ALL ".join(parts)
    aliases = ", ".join(f"c{i}" for i in range(len(COUNT_FIELDS)))
    table = OrganizationDayFigures._meta.db_table
    target = ", ".join(quote(OrganizationDayFigures._meta.get_field(n).column) for n in COUNT_FIELDS)
    # Names from the models, values as parameters.
    statement = (
        f"INSERT INTO {quote(table)} (organization_id, district_id, region_id, day, {target}) "  # noqa: S608
        f"SELECT u.organization_id, o.district_id, d.region_id, u.day, {sums} "
        f"FROM ({inner}) AS u (organization_id, day, {aliases}) "
        f"JOIN {quote(Organization._meta.db_table)} o ON o.id = u.organization_id "
        f"JOIN {quote(District._meta.db_table)} d ON d.id = o.district_id "
        f"WHERE u.day IS NOT NULL "
        f"GROUP BY u.organization_id, o.district_id, d.region_id, u.day"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)
        return cursor.rowcount


# --- Pre-aggregation (item 3)


REGION_FIELDS = tuple(
    f.name for f in RegionDayFigures._meta.get_fields() if f.name not in {"id", "region", "day", "organizations"}
)


@transaction.atomic
def figures_refresh(
    *, organization_ids: Iterable[int] | None = None, start: dt.date | None = None, end: dt.date | None = None
) -> int:
    """Rebuild the day rows of these organisations (all when None) from `start` to `end` (open
    when None) from the records, then their regions' rows for the same days; returns the number
    of organisation rows written. Idempotent."""
    from qamqor.orgs.models import Organization

    ids = None if organization_ids is None else list(organization_ids)
    orgs = Organization.objects.all() if ids is None else Organization.objects.filter(pk__in=ids)
    places = {pk: (district, region) for pk, district, region in orgs.values_list("pk", "district_id", "district__region_id")}
    old = OrganizationDayFigures.objects.all()
    if ids is not None:
        old = old.filter(organization_id__in=ids)
    if start:
        old = old.filter(day__gte=start)
    if end:
        old = old.filter(day__lte=end)
    old._raw_delete(old.db)  # a plain DELETE: nothing refers to these rows, no signals to send
    if connection.vendor == "postgresql":
        written = _insert_day_rows(ids, start, end)
    else:
        rows = [
            OrganizationDayFigures(organization_id=org, district_id=places[org][0], region_id=places[org][1], day=day, **values)
            for (org, day), values in _day_counts(ids, start, end).items()
            if day is not None and org in places
        ]
        OrganizationDayFigures.objects.bulk_create(rows, batch_size=2000)
        written = len(rows)
    _regions_refresh(region_ids={region for _district, region in places.values()}, start=start, end=end)
    _months_refresh(organization_ids=ids, start=start, end=end)
    _breakdowns_refresh(organization_ids=ids, places=places, start=start, end=end)
    return written


def _breakdown_sources(requests: QuerySet, appointments: QuerySet, *group: str) -> dict[str, QuerySet]:
    """The two breakdowns as grouped queries, each row `group` + key + n: requests by topic,
    appointments not cancelled by format (the organisation's dashboard counts the same way)."""
    return {
        Dimension.TOPIC: requests.values(*group, key=F("topic_id")).order_by().annotate(n=Count("id")),
        Dimension.KIND: appointments.exclude(status=Appointment.Status.CANCELLED)
        .values(*group, key=F("format"))
        .order_by()
        .annotate(n=Count("id")),
    }


def _breakdowns_refresh(
    *, organization_ids: list[int] | None, places: dict[int, tuple[int, int]], start: dt.date | None, end: dt.date | None
) -> None:
    """Rebuild the day breakdown rows of these organisations and days from the records (two
    grouped queries), then the month rows of the months those days touch (one)."""
    days = OrganizationDayBreakdown.objects.all()
    requests, appointments = Request.objects.all(), Appointment.objects.all()
    if organization_ids is not None:
        days = days.filter(organization_id__in=organization_ids)
        requests = requests.filter(organization_id__in=organization_ids)
        appointments = appointments.filter(organization_id__in=organization_ids)
    if start:
        days = days.filter(day__gte=start)
    if end:
        days = days.filter(day__lte=end)
    days._raw_delete(days.db)
    requests = within_days(requests, "received_at", start, end).annotate(day=TruncDate("received_at"))
    appointments = within_days(appointments, "starts_at", start, end).annotate(day=TruncDate("starts_at"))
    sources = _breakdown_sources(requests, appointments, "organization_id", "day")
    if connection.vendor == "postgresql":
        _insert_breakdown_rows(sources)
    else:
        _create_breakdown_rows(sources, places)
    _breakdown_months_refresh(organization_ids=organization_ids, start=start, end=end)


def _insert_breakdown_rows(sources: dict[str, QuerySet]) -> None:
    """PostgreSQL: the day breakdown rows written by one INSERT … SELECT over the grouped
    queries (as _insert_day_rows), so a national rebuild moves no row through Python."""
    from qamqor.orgs.models import District, Organization

    quote = connection.ops.quote_name
    parts, params = [], []
    for dimension, queryset in sources.items():
        sql, part_params = queryset.query.sql_with_params()
        # Only names from the models and the ORM's own SQL go into the text; values are parameters.
        key = f"CAST(p.{quote('key')} AS varchar)"
        parts.append(f"SELECT p.organization_id, p.day, CAST(%s AS varchar), {key}, p.n FROM ({sql}) p")  # noqa: S608
        params.extend([dimension, *part_params])
    table = OrganizationDayBreakdown._meta.db_table
    statement = (
        f"INSERT INTO {quote(table)} (organization_id, district_id, region_id, day, dimension, {quote('key')}, n) "  # noqa: S608
        f"SELECT u.organization_id, o.district_id, d.region_id, u.day, u.dimension, u.k, u.n "
        f"FROM ({' UNION ALL '.join(parts)}) AS u (organization_id, day, dimension, k, n) "
        f"JOIN {quote(Organization._meta.db_table)} o ON o.id = u.organization_id "
        f"JOIN {quote(District._meta.db_table)} d ON d.id = o.district_id "
        f"WHERE u.day IS NOT NULL"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, params)


def _create_breakdown_rows(sources: dict[str, QuerySet], places: dict[int, tuple[int, int]]) -> None:
    rows = []
    for dimension, queryset in sources.items():
        for row in queryset:
            place = places.get(row["organization_id"])
            if place and row["day"] is not None:
                rows.append(
                    OrganizationDayBreakdown(
                        organization_id=row["organization_id"],
                        district_id=place[0],
                        region_id=place[1],
                        day=row["day"],
                        dimension=dimension,
                        key=str(row["key"]),
                        n=row["n"],
                    )
                )
    OrganizationDayBreakdown.objects.bulk_create(rows, batch_size=2000)


def _breakdown_months_refresh(*, organization_ids: list[int] | None, start: dt.date | None, end: dt.date | None) -> None:
    """Sum the day breakdown rows into month rows for the months `start` to `end` touch."""
    low = start.replace(day=1) if start else None
    high = (end.replace(day=1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1) if end else None
    months = OrganizationMonthBreakdown.objects.all()
    days = OrganizationDayBreakdown.objects.all()
    if organization_ids is not None:
        months, days = months.filter(organization_id__in=organization_ids), days.filter(organization_id__in=organization_ids)
    if low:
        months, days = months.filter(month__gte=low), days.filter(day__gte=low)
    if high:
        months, days = months.filter(month__lte=high), days.filter(day__lte=high)
    months._raw_delete(months.db)
    sums = (
        days.annotate(month=TruncMonth("day"))
        .values("organization_id", "district_id", "region_id", "month", "dimension", "key")
        .order_by()
        .annotate(n=Sum("n"))
    )
    OrganizationMonthBreakdown.objects.bulk_create(
        [OrganizationMonthBreakdown(**{**row, "month": _month_key(row["month"])}) for row in sums], batch_size=2000
    )


def _months_refresh(*, organization_ids: list[int] | None, start: dt.date | None, end: dt.date | None) -> None:
    """Sum the day rows into month rows for these organisations and the months that `start` to
    `end` touch: one grouped query and one insert."""
    low = start.replace(day=1) if start else None
    high = (end.replace(day=1) + dt.timedelta(days=32)).replace(day=1) - dt.timedelta(days=1) if end else None
    months = OrganizationMonthFigures.objects.all()
    days = OrganizationDayFigures.objects.all()
    if organization_ids is not None:
        months, days = months.filter(organization_id__in=organization_ids), days.filter(organization_id__in=organization_ids)
    if low:
        months, days = months.filter(month__gte=low), days.filter(day__gte=low)
    if high:
        months, days = months.filter(month__lte=high), days.filter(day__lte=high)
    months._raw_delete(months.db)
    sums = (
        days.annotate(month=TruncMonth("day"))
        .values("organization_id", "district_id", "region_id", "month")
        .order_by()
        .annotate(**{name: Sum(name) for name in COUNT_FIELDS})
    )
    OrganizationMonthFigures.objects.bulk_create([OrganizationMonthFigures(**row) for row in sums], batch_size=2000)


def _regions_refresh(*, region_ids: set[int], start: dt.date | None, end: dt.date | None) -> None:
    """Sum the organisations' rows of these regions and days into RegionDayFigures: one grouped query."""

    def within(qs: QuerySet) -> QuerySet:
        qs = qs.filter(region_id__in=region_ids)
        if start:
            qs = qs.filter(day__gte=start)
        if end:
            qs = qs.filter(day__lte=end)
        return qs

    within(RegionDayFigures.objects.all()).delete()
    sums = (
        within(OrganizationDayFigures.objects.all())
        .values("region_id", "day")
        .order_by()
        .annotate(organizations=Count("organization_id"), **{name: Sum(name) for name in REGION_FIELDS})
    )
    RegionDayFigures.objects.bulk_create([RegionDayFigures(**row) for row in sums], batch_size=2000)


def _touched_since(since: dt.datetime) -> set[tuple[int, dt.date]]:
    """The (organisation, day) rows whose records changed after `since`, found by the records'
    own times: new requests, status changes (they count on the request's day), new
    appointments (on their day and their request's), new feedback. Four queries. An
    appointment marked held or missed moves its request's status, which is a status change;
    anything else the nightly full rebuild catches."""
    from qamqor.journal.models import StatusChange

    touched: set[tuple[int, dt.date]] = set()
    touched.update(
        Request.objects.filter(received_at__gte=since)
        .annotate(day=TruncDate("received_at"))
        .values_list("organization_id", "day")
        .distinct()
    )
    touched.update(
        StatusChange.objects.filter(changed_at__gte=since)
        .annotate(day=TruncDate("request__received_at"))
        .values_list("request__organization_id", "day")
        .distinct()
    )
    for org, day, request_day in (
        Appointment.objects.filter(created_at__gte=since)
        .annotate(day=TruncDate("starts_at"), request_day=TruncDate("request__received_at"))
        .values_list("organization_id", "day", "request_day")
        .distinct()
    ):
        touched.add((org, day))
        if request_day:
            touched.add((org, request_day))
    touched.update(
        Feedback.objects.filter(given_at__gte=since)
        .annotate(day=TruncDate("given_at"))
        .values_list("organization_id", "day")
        .distinct()
    )
    return touched


def figures_refresh_changed(*, since: dt.datetime | None = None) -> int:
    """The incremental refresh: rebuild only the days whose records changed since the last
    refresh (or `since`); the first refresh rebuilds everything. Returns the rows written."""
    now = timezone.now()
    since = since or figures_as_of()
    if since is None:
        written = figures_refresh()
        figures_mark_fresh(now)
        return written
    spans: dict[int, list[dt.date]] = {}
    for org, day in _touched_since(since):
        low_high = spans.setdefault(org, [day, day])
        low_high[0], low_high[1] = min(low_high[0], day), max(low_high[1], day)
    # Organisations with the same span share one rebuild: usually all of them are "today".
    by_span: dict[tuple[dt.date, dt.date], list[int]] = defaultdict(list)
    for org, (low, high) in spans.items():
        by_span[(low, high)].append(org)
    written = sum(figures_refresh(organization_ids=orgs, start=low, end=high) for (low, high), orgs in by_span.items())
    figures_mark_fresh(now)
    return written


def figures_refresh_all() -> int:
    """The nightly full rebuild, in batches of organisations so memory stays small."""
    from qamqor.orgs.models import Organization

    now = timezone.now()
    ids = list(Organization.objects.order_by("pk").values_list("pk", flat=True))
    written = sum(figures_refresh(organization_ids=ids[i : i + REBUILD_BATCH]) for i in range(0, len(ids), REBUILD_BATCH))
    figures_mark_fresh(now)
    return written


def figures_mark_fresh(at: dt.datetime | None = None) -> None:
    FiguresState.objects.update_or_create(key="all", defaults={"refreshed_at": at or timezone.now()})


def figures_as_of() -> dt.datetime | None:
    return FiguresState.objects.filter(key="all").values_list("refreshed_at", flat=True).first()


# --- What the pages show


@dataclass
class Figures:
    """The counts of a period for one organisation or a sum of them, with what derives from them."""

    counts: dict[str, int] = field(default_factory=lambda: dict.fromkeys(COUNT_FIELDS, 0))
    months: dict[dt.date, int] = field(default_factory=dict)  # first day of a month -> requests
    topics: dict[str, int] = field(default_factory=dict)  # topic id (as text) -> requests
    kinds: dict[str, int] = field(default_factory=dict)  # kind of help (format code) -> appointments
    families: int = 0
    families_took_part: int = 0
    children: int = 0
    parent_events: int = 0
    offences: int = 0
    bullying: int = 0
    suicide: int = 0
    safety_recorded: int = 0  # organisations that recorded their safety figures
    survey_answers: int = 0  # answers on a 1–5 scale in satisfaction surveys (seed 003, criterion 1)
    survey_sum: int = 0

    def __getitem__(self, name: str):
        # Templates look a name up as a key first: answering it here spares a failed lookup per
        # cell (a region's table has thousands).
        counts = self.__dict__.get("counts", {})
        return counts[name] if name in counts else getattr(self, name)

    def __getattr__(self, name: str) -> int:
        counts = self.__dict__.get("counts", {})
        if name in counts:
            return counts[name]
        raise AttributeError(name)

    def add(self, other: Figures) -> Figures:
        for name in COUNT_FIELDS:
            self.counts[name] += other.counts[name]
        for month, n in other.months.items():
            self.months[month] = self.months.get(month, 0) + n
        for mine, theirs in ((self.topics, other.topics), (self.kinds, other.kinds)):
            for key, n in theirs.items():
                mine[key] = mine.get(key, 0) + n
        for name in (
            "families",
            "families_took_part",
            "children",
            "parent_events",
            "offences",
            "bullying",
            "suicide",
            "safety_recorded",
            "survey_answers",
            "survey_sum",
        ):
            setattr(self, name, getattr(self, name) + getattr(other, name))
        return self

    @property
    def feedback_average(self) -> float | None:
        return round(self.counts["feedback_sum"] / self.counts["feedback"], 2) if self.counts["feedback"] else None

    @property
    def survey_average(self) -> float | None:
        return round(self.survey_sum / self.survey_answers, 2) if self.survey_answers else None

    @property
    def average_wait_days(self) -> float | None:
        return round(self.counts["wait_seconds"] / self.counts["waited"] / 86400, 1) if self.counts["waited"] else None

    @property
    def share_took_part(self) -> float | None:
        return round(100 * self.families_took_part / self.families, 1) if self.families else None

    @property
    def parent_events_per_100_children(self) -> float | None:
        return round(100 * self.parent_events / self.children, 1) if self.children else None

    @property
    def handled(self) -> int:
        return self.counts["status_done"]

    def comparable(self) -> dict:
        """Everything that sums, as plain data: what the roll-up test compares."""
        return {
            **self.counts,
            "months": dict(sorted(self.months.items())),
            "topics": dict(sorted(self.topics.items())),
            "kinds": dict(sorted(self.kinds.items())),
            **{
                n: getattr(self, n)
                for n in (
                    "families",
                    "families_took_part",
                    "children",
                    "parent_events",
                    "offences",
                    "bullying",
                    "suicide",
                    "survey_answers",
                    "survey_sum",
                )
            },
        }


def month_starts(start: dt.date, end: dt.date) -> list[dt.date]:
    months, day = [], start.replace(day=1)
    while day <= end:
        months.append(day)
        day = (day + dt.timedelta(days=32)).replace(day=1)
    return months


def _participation(organization_ids: list[int] | QuerySet, start: dt.date, end: dt.date) -> dict[int, dict[str, int]]:
    """Per organisation, the participation figures of seed 003 (criteria 2 and 3) in three
    grouped queries for any number of organisations, read from the children's side (a region's
    children by their index; a join to the parents cost a region a second):
    - families: the parents of the organisation's children (engagement.selectors.participation:
      "a parent with at least one child there");
    - families that took part: those of them registered as coming to an event of the
      organisation that started in the period (not cancelled);
    - children: the organisation's children on record now;
    - parent-organised events held in the period."""
    out: dict[int, dict[str, int]] = defaultdict(
        lambda: dict.fromkeys(("families", "families_took_part", "children", "parent_events"), 0)
    )
    events = within_days(Event.objects.filter(organization_id__in=organization_ids), "starts_at", start, end)
    children = Child.objects.filter(organization_id__in=organization_ids)
    for row in children.values("organization_id").order_by().annotate(n=Count("id"), families=Count("parent_id", distinct=True)):
        out[row["organization_id"]]["children"] = row["n"]
        out[row["organization_id"]]["families"] = row["families"]
    came = Registration.objects.filter(attended=True, event__in=events.exclude(status=Event.Status.CANCELLED))
    took_part = children.filter(parent_id__in=came.values("parent_id"), organization_id=F("parent__organization_id"))
    for row in took_part.values("organization_id").order_by().annotate(n=Count("parent_id", distinct=True)):
        out[row["organization_id"]]["families_took_part"] = row["n"]
    held = events.filter(status=Event.Status.HELD, organizer=Event.Organizer.PARENTS)
    for row in held.values("organization_id").order_by().annotate(n=Count("id")):
        out[row["organization_id"]]["parent_events"] = row["n"]
    return out


def _safety(organization_ids: list[int] | QuerySet, start: dt.date, end: dt.date) -> dict[int, dict[str, int]]:
    """Per organisation, the safety counts of the half-years that lie within the period."""
    from qamqor.reports.periods import halves_within

    halves = halves_within(start, end)
    out: dict[int, dict[str, int]] = {}
    if not halves:
        return out
    wanted = Q()
    for year, half in halves:
        wanted |= Q(academic_year=year, half=half)
    for row in (
        SafetyRecord.objects.filter(wanted, organization_id__in=organization_ids)
        .values("organization_id")
        .order_by()
        .annotate(offences=Sum("offences"), bullying=Sum("bullying"), suicide=Sum("suicide"), recorded=Count("id"))
    ):
        out[row["organization_id"]] = row
    return out


def _surveys(organization_ids: list[int] | QuerySet, start: dt.date, end: dt.date) -> dict[int, dict[str, int]]:
    """Per organisation, the 1–5 answers of its satisfaction surveys answered in the period."""
    from qamqor.reports.models import SurveyAnswer

    rows = (
        SurveyAnswer.objects.filter(
            response__organization_id__in=organization_ids,
            response__answered_on__gte=start,
            response__answered_on__lte=end,
            scale__isnull=False,
        )
        .values("response__organization_id")
        .order_by()
        .annotate(n=Count("id"), total=Sum("scale"))
    )
    return {row["response__organization_id"]: {"survey_answers": row["n"], "survey_sum": row["total"]} for row in rows}


def _apply_extras(figures: Figures, participation: dict | None, safety: dict | None, surveys: dict | None = None) -> None:
    if surveys:
        figures.survey_answers, figures.survey_sum = surveys["survey_answers"], surveys["survey_sum"]
    if participation:
        for name in ("families", "families_took_part", "children", "parent_events"):
            setattr(figures, name, participation[name])
    if safety:
        figures.offences, figures.bullying, figures.suicide = safety["offences"], safety["bullying"], safety["suicide"]
        figures.safety_recorded = safety["recorded"]


def extras_by_region(*, start: dt.date, end: dt.date) -> dict[int, Figures]:
    """The national summary's participation and safety figures per region: each organisation's
    own (as in rollup(), so a region here equals its region view), summed in Python. Four
    grouped queries plus one for where the organisations are, whatever their number."""
    from qamqor.orgs.models import Organization

    all_ids = Organization.objects.values("pk")
    participation, safety = _participation(all_ids, start, end), _safety(all_ids, start, end)
    out: dict[int, Figures] = defaultdict(Figures)
    for org_id, region_id in Organization.objects.values_list("pk", "district__region_id"):
        if org_id not in participation and org_id not in safety:
            continue
        own = Figures()
        _apply_extras(own, participation.get(org_id), safety.get(org_id))
        out[region_id].add(own)
    return out


@dataclass
class Dashboard:
    figures: Figures
    topics: list[tuple[str, int]]
    specialists: list[tuple[str, int]]
    kinds_of_help: list[tuple[str, int]]


def organization_figures(*, organization_id: int, start: dt.date, end: dt.date) -> Figures:
    """One organisation's figures from its records (not the day table): a constant number of queries."""
    figures = Figures()
    counts = _merge(
        _request_counts(
            within_days(Request.objects.filter(organization_id=organization_id), "received_at", start, end), "organization_id"
        ),
        _wait_counts(
            within_days(
                first_consultations(Appointment.objects.filter(organization_id=organization_id)),
                "request__received_at",
                start,
                end,
            ),
            "organization_id",
        ),
        _appointment_counts(
            within_days(Appointment.objects.filter(organization_id=organization_id), "starts_at", start, end), "organization_id"
        ),
        _feedback_counts(
            within_days(Feedback.objects.filter(organization_id=organization_id), "given_at", start, end), "organization_id"
        ),
    )
    if (organization_id,) in counts:
        figures.counts = dict(counts[(organization_id,)])
    for row in (
        within_days(Request.objects.filter(organization_id=organization_id), "received_at", start, end)
        .annotate(month=TruncMonth("received_at"))
        .values("month")
        .order_by()
        .annotate(n=Count("id"))
    ):
        month = row["month"].date() if isinstance(row["month"], dt.datetime) else row["month"]
        figures.months[month] = row["n"]
    breakdowns = _breakdown_sources(
        within_days(Request.objects.filter(organization_id=organization_id), "received_at", start, end),
        within_days(Appointment.objects.filter(organization_id=organization_id), "starts_at", start, end),
    )
    figures.topics = {str(row["key"]): row["n"] for row in breakdowns[Dimension.TOPIC]}
    figures.kinds = {str(row["key"]): row["n"] for row in breakdowns[Dimension.KIND]}
    _apply_extras(
        figures,
        _participation([organization_id], start, end).get(organization_id),
        _safety([organization_id], start, end).get(organization_id),
        _surveys([organization_id], start, end).get(organization_id),
    )
    return figures


def organization_dashboard(*, organization_id: int, start: dt.date, end: dt.date) -> Dashboard:
    """The managers' dashboard (item 1): the figures and the breakdowns by topic, specialist and
    kind of help (form of work). Eleven queries, whatever the number of records."""
    from qamqor.orgs.models import Membership

    figures = organization_figures(organization_id=organization_id, start=start, end=end)
    requests = within_days(Request.objects.filter(organization_id=organization_id), "received_at", start, end)
    routed = Counter(
        dict(
            Request.specialists.through.objects.filter(request__in=requests)
            .values_list("membership")
            .order_by()
            .annotate(n=Count("id"))
        )
    )
    people = {m.pk: m.person_name for m in Membership.objects.filter(pk__in=list(routed)).select_related("user")}
    specialists = sorted(((people.get(pk, "?"), n) for pk, n in routed.items()), key=lambda t: (-t[1], t[0]))
    return Dashboard(figures=figures, topics=topic_rows(figures), specialists=specialists, kinds_of_help=kind_rows(figures))


def topic_rows(figures: Figures) -> list[tuple[str, int]]:
    """The requests by topic as (the topic's name, count), most first: one query for the names."""
    from qamqor.journal.models import Topic

    ids = [int(key) for key in figures.topics if key.isdigit()]
    names = {str(pk): name for pk, name in Topic.objects.filter(pk__in=ids).values_list("pk", "name")}
    return sorted(((names.get(key, "?"), n) for key, n in figures.topics.items()), key=lambda t: (-t[1], t[0]))


def kind_rows(figures: Figures) -> list[tuple[str, int]]:
    """The appointments by kind of help as (its name, count), most first: no query."""
    from qamqor.scheduling.formats import FORMATS

    return sorted(
        ((str(FORMATS[code].label) if code in FORMATS else code, n) for code, n in figures.kinds.items()),
        key=lambda t: (-t[1], t[0]),
    )


@dataclass
class Rollup:
    total: Figures
    by_organization: list[tuple[object, Figures]]  # (organisation, its figures), in name order


def _split(start: dt.date, end: dt.date) -> tuple[tuple[dt.date, dt.date] | None, list[tuple[dt.date, dt.date]]]:
    """The period as its whole calendar months (read from the month rows) and the partial
    months at its edges (read from the day rows)."""
    first = start if start.day == 1 else (start.replace(day=1) + dt.timedelta(days=32)).replace(day=1)
    after_end = end + dt.timedelta(days=1)
    last = after_end.replace(day=1) - dt.timedelta(days=1)  # the last day of the last whole month
    if first > last:
        return None, [(start, end)]
    edges = [(start, first - dt.timedelta(days=1))] if start < first else []
    if last < end:
        edges.append((last + dt.timedelta(days=1), end))
    return (first, last.replace(day=1)), edges


def _month_key(value) -> dt.date:
    return value.date() if isinstance(value, dt.datetime) else value


def rollup(*, organizations: QuerySet, area: dict[str, int] | None = None, start: dt.date, end: dt.date) -> Rollup:
    """The figures summed over `organizations` from the pre-aggregated rows, and each
    organisation's own (for the comparison table). `area` ({"district_id": …} or
    {"region_id": …}) selects the same organisations' rows by the copied column, one index
    range. A fixed number of queries, however many organisations there are."""
    orgs = list(organizations.select_related("district").order_by("district__name", "name"))
    # The ids go to the database as a subquery, not a list of thousands of parameters.
    id_query = organizations.values("pk")

    def of_area(qs: QuerySet) -> QuerySet:
        return qs.filter(**area) if area else qs.filter(organization_id__in=id_query)

    whole, edges = _split(start, end)
    parts: list[QuerySet] = []
    breakdowns: list[QuerySet] = []
    if whole:
        breakdowns.append(of_area(OrganizationMonthBreakdown.objects.filter(month__gte=whole[0], month__lte=whole[1])))
    for low, high in edges:
        breakdowns.append(of_area(OrganizationDayBreakdown.objects.filter(day__gte=low, day__lte=high)))
    if whole:
        parts.append(
            of_area(OrganizationMonthFigures.objects.filter(month__gte=whole[0], month__lte=whole[1])).annotate(m=F("month"))
        )
    for low, high in edges:
        parts.append(of_area(OrganizationDayFigures.objects.filter(day__gte=low, day__lte=high)).annotate(m=TruncMonth("day")))
    sums = {name: Sum(name) for name in COUNT_FIELDS}
    per_org_figures: dict[int, Figures] = defaultdict(Figures)
    total = Figures()
    for part in parts:
        for row in part.values("organization_id").order_by().annotate(**sums):
            counts = per_org_figures[row["organization_id"]].counts
            for name in COUNT_FIELDS:
                counts[name] += row[name] or 0
        for row in part.values("m").order_by().annotate(n=Sum("requests")):
            if row["n"]:  # as organization_figures: a month without requests is not in the trend
                month = _month_key(row["m"])
                total.months[month] = total.months.get(month, 0) + row["n"]
    for part in breakdowns:  # the totals only: the comparison table has no breakdowns
        for row in part.values("dimension", "key").order_by().annotate(n=Sum("n")):
            into = total.topics if row["dimension"] == Dimension.TOPIC else total.kinds
            into[row["key"]] = into.get(row["key"], 0) + row["n"]
    participation = _participation(id_query, start, end)
    safety = _safety(id_query, start, end)
    surveys = _surveys(id_query, start, end)
    per_org = []
    for org in orgs:
        figures = per_org_figures.get(org.pk) or Figures()
        _apply_extras(figures, participation.get(org.pk), safety.get(org.pk), surveys.get(org.pk))
        total.add(figures)
        per_org.append((org, figures))
    return Rollup(total=total, by_organization=per_org)


def suppressed(value: int | None):
    """A sensitive count as officers see it: 1–4 become "fewer than 5" (0 stays 0: none is a
    result seed 003 asks for, and it identifies nobody). The social service's rule, shared."""
    from qamqor.social.suppression import suppress_small

    return None if value is None else suppress_small(value)
