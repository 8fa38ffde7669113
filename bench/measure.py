"""The measurements.

Pages go through Django's request handler in this process with django.test.Client, one
request at a time, logged in as the measured organisation's methodist: the floor (a bare view)
and the journal exactly the same way. Booking calls appointment_book() directly. The three
throughputs are measured in interleaved rounds (floor, journal, booking, floor, journal, …)
so that a change in the machine's load during the run touches all of them alike. Free slots
are timed call by call.
"""

from __future__ import annotations

import cProfile
import datetime as dt
import io
import pstats
import re
import statistics
import time
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from itertools import chain, zip_longest
from urllib.parse import urlencode

from django.core.cache import cache
from django.db import connection
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench.dataset import Dataset, clear_bookings
from qamqor.core.models import User
from qamqor.orgs.models import Membership
from qamqor.scheduling.services import free_slots

WARMUP_SECONDS = 0.5
ROUND_SECONDS = 1.0
JOURNAL_ROW = re.compile(rb'<td><a href="/journal/\d+/">')


@dataclass
class Meter:
    """Counts how often `action` runs in the time it is given, slice by slice. `action`
    returns False when it has nothing left to do (the booking runs out of free slots)."""

    name: str
    action: Callable[[], object]
    count: int = 0
    seconds: float = 0.0
    rounds: list[float] = field(default_factory=list)  # per second, slice by slice
    exhausted: bool = False

    def warm_up(self, seconds: float = WARMUP_SECONDS) -> None:
        deadline = time.perf_counter() + seconds
        while time.perf_counter() < deadline and self.action() is not False:
            pass

    def run(self, seconds: float) -> None:
        count, started = 0, time.perf_counter()
        deadline, now = started + seconds, started
        while not self.exhausted and now < deadline:
            if self.action() is False:
                self.exhausted = True
                break
            count += 1
            now = time.perf_counter()
        if count:
            self.count += count
            self.seconds += now - started
            self.rounds.append(count / (now - started))

    @property
    def per_second(self) -> float:
        return self.count / self.seconds if self.seconds else 0.0

    @property
    def ms_each(self) -> float:
        return 1000 * self.seconds / self.count if self.count else float("nan")


def interleaved(meters: list[Meter], seconds: float) -> None:
    """Give each meter `seconds` in all, in rounds of about ROUND_SECONDS, taking turns."""
    for meter in meters:
        meter.warm_up()
    rounds = max(1, round(seconds / ROUND_SECONDS))
    for _ in range(rounds):
        for meter in meters:
            meter.run(seconds / rounds)


def logged_in_client(user_id: int) -> Client:
    client = Client(HTTP_HOST="localhost")
    client.force_login(User.objects.get(pk=user_id))
    return client


def methodist_client(dataset: Dataset) -> Client:
    return logged_in_client(dataset.methodist_user_id)


def page(client: Client, url: str) -> Callable[[], object]:
    """A GET that must answer 200 (checked once, before any timing)."""
    response = client.get(url)
    if response.status_code != 200:
        raise SystemExit(f"bench: GET {url} answered {response.status_code}")
    return lambda: client.get(url)


def floor_meter(client: Client) -> Meter:
    return Meter("floor", page(client, reverse("bench_floor")))


def anonymous_floor_meter() -> Meter:
    return Meter("anonymous floor", page(Client(HTTP_HOST="localhost"), reverse("bench_anonymous_floor")))


def uncached_journal_meter(client: Client) -> Meter:
    """The journal page as it is after every change: rendered from the database, not the cache."""
    url = reverse("journal:list")

    def render() -> object:
        cache.clear()
        return client.get(url)

    return Meter("journal, uncached", render)


def journal_meter(client: Client) -> Meter:
    url = reverse("journal:list")
    rows = len(JOURNAL_ROW.findall(client.get(url).content))
    if rows != 50:
        raise SystemExit(f"bench: the journal's first page shows {rows} rows, not 50")
    return Meter("journal", page(client, url))


@dataclass
class Booking:
    """One booking per call, served like a page: a POST by the logged-in client to bench/book/
    (the floor's view plus appointment_book()), for distinct free slots of many specialists.

    The slots come from free_slots() before any timing; what was booked is deleted by
    `clear()`, so every run books into the same dataset."""

    dataset: Dataset
    needed: int
    client: Client
    specialists: int = 0
    refused: int = 0

    def __post_init__(self) -> None:
        clear_bookings(self.dataset.booker_user_id)
        self.url = reverse("bench_book")
        candidates = self._candidates()
        self._next: Iterator[tuple[Membership, dt.datetime]] = iter(candidates)
        self.available = len(candidates)

    def __call__(self) -> bool:
        candidate = next(self._next, None)
        if candidate is None:
            return False
        membership, starts_at = candidate
        # URL-encoded, as a browser sends a form without files.
        body = urlencode({"specialist": membership.pk, "starts_at": starts_at.isoformat()})
        response = self.client.post(self.url, body, content_type="application/x-www-form-urlencoded")
        if response.status_code == 409:  # SlotTaken and the like: counted and reported, never expected
            self.refused += 1
        elif response.status_code != 200:
            raise SystemExit(f"bench: booking answered {response.status_code}")
        return True

    def clear(self) -> None:
        clear_bookings(self.dataset.booker_user_id)

    def _candidates(self) -> list[tuple[Membership, dt.datetime]]:
        """Free slots from tomorrow over 4 weeks of the psychologists and speech therapists of
        the other organisations, taken in turn: one booking per specialist, then the next."""
        start = timezone.localdate() + dt.timedelta(days=1)
        specialists = (
            Membership.objects.filter(role__in=("psychologist", "speech_therapist"), is_active=True, organization__isnull=False)
            .exclude(organization_id=self.dataset.target_organization_id)
            .select_related("organization", "user")
            .order_by("pk")
        )
        per_specialist, total = [], 0
        for membership in specialists.iterator():
            slots = [(membership, slot.starts_at) for slot in free_slots(specialists=[membership], start=start, days=28)]
            per_specialist.append(slots)
            total += len(slots)
            if total >= self.needed:
                break
        self.specialists = len(per_specialist)
        return [c for c in chain.from_iterable(zip_longest(*per_specialist)) if c is not None]


@dataclass(frozen=True)
class FreeSlots:
    runs: int
    median_ms: float
    p95_ms: float
    slots: int


def free_slots_time(dataset: Dataset, seconds: float, *, min_runs: int = 200) -> FreeSlots:
    """free_slots() for the measured organisation's psychologist over the next 14 days."""
    psychologist = Membership.objects.select_related("user").get(pk=dataset.psychologist_id)
    start = timezone.localdate()
    slots = len(free_slots(specialists=[psychologist], start=start, days=14))
    times = []
    deadline = time.perf_counter() + seconds
    while time.perf_counter() < deadline or len(times) < min_runs:
        started = time.perf_counter()
        free_slots(specialists=[psychologist], start=start, days=14)
        times.append(time.perf_counter() - started)
    return FreeSlots(runs=len(times), median_ms=1000 * statistics.median(times), p95_ms=1000 * statistics.quantiles(times, n=20)[-1],
                     slots=slots)


@contextmanager
def sql_log() -> Iterator[list[tuple[float, str]]]:
    """Every statement run inside, with the seconds the database call took."""
    log: list[tuple[float, str]] = []

    def timed(execute, sql, params, many, context):
        started = time.perf_counter()
        try:
            return execute(sql, params, many, context)
        finally:
            log.append((time.perf_counter() - started, sql))

    with connection.execute_wrapper(timed):
        yield log


@dataclass(frozen=True)
class Anatomy:
    """Where one journal request's time goes."""

    request_ms: float  # the whole request through the test client (median)
    queries: int
    sql_ms: float  # inside the database driver's execute (median of the sums)
    statements: list[tuple[float, str]]  # one request's statements (ms, SQL)


def journal_anatomy(client: Client, runs: int = 30) -> Anatomy:
    url = reverse("journal:list")
    client.get(url)
    totals, sql, counts, statements = [], [], [], []
    for _ in range(runs):
        with sql_log() as log:
            started = time.perf_counter()
            client.get(url)
            totals.append(time.perf_counter() - started)
        counts.append(len(log))
        sql.append(sum(seconds for seconds, _sql in log))
        statements = [(1000 * seconds, statement) for seconds, statement in log]
    return Anatomy(request_ms=1000 * statistics.median(totals), queries=max(counts), sql_ms=1000 * statistics.median(sql),
                   statements=statements)


def journal_profile(client: Client, runs: int = 100, top: int = 30) -> str:
    """cProfile of `runs` journal requests: the functions that take the time."""
    url = reverse("journal:list")
    client.get(url)
    profile = cProfile.Profile()
    profile.enable()
    for _ in range(runs):
        client.get(url)
    profile.disable()
    out = io.StringIO()
    stats = pstats.Stats(profile, stream=out).strip_dirs()
    out.write(f"cProfile of {runs} requests of {url} (the profiler itself slows Python code several times)\n")
    stats.sort_stats("cumulative").print_stats(top)
    stats.sort_stats("tottime").print_stats(top)
    return out.getvalue()
