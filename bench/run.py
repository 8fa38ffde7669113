"""Qamqor's benchmark: `make bench` (SQLite) or `DATABASE_URL=postgres://… make bench`.

Generates (or reuses) a large dataset in a database of its own, then measures, the same way
and in the same run: a bare Django view (the floor), the journal page, booking and free slots,
and prints throughput as ratios to the floor with PASS/FAIL against the targets
(docs/benchmarks.md). The same figures go to bench/results/<time>-<database>.json.
"""

from __future__ import annotations

import argparse
import datetime as dt
import os
import sys
from dataclasses import asdict
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
DEFAULT_SIZES = {"sqlite": (50, 50_000), "postgresql": (1_000, 1_000_000)}
JOURNAL_TARGET = 0.30  # journal page throughput / floor
BOOKING_TARGET = 0.25  # bookings per second / floor
FREE_SLOTS_TARGET_MS = 5.0  # free_slots() for one specialist over 14 days, median


def parse(argv: list[str] | None = None) -> argparse.Namespace:
    """Flags, or the same as environment variables for `make bench` (BENCH_ORGS=… make bench)."""
    env = os.environ.get
    parser = argparse.ArgumentParser(prog="bench/run.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--orgs", type=int, default=env("BENCH_ORGS"),
                        help="organisations (default: 50 on SQLite, 1,000 on PostgreSQL; env BENCH_ORGS)")
    parser.add_argument("--requests", type=int, default=env("BENCH_REQUESTS"),
                        help="journal requests in all (default: 50,000 on SQLite, 1,000,000 on PostgreSQL; env BENCH_REQUESTS)")
    parser.add_argument("--seconds", type=float, default=env("BENCH_SECONDS", "5"),
                        help="how long each throughput is measured (default: 5; env BENCH_SECONDS)")
    parser.add_argument("--regenerate", action="store_true", help="generate the dataset again even if it is there")
    parser.add_argument("--generate-only", action="store_true", help="prepare the dataset and stop")
    parser.add_argument("--profile", action="store_true", default=bool(env("BENCH_PROFILE")),
                        help="also print the journal page's SQL and a cProfile of it (env BENCH_PROFILE=1)")
    return parser.parse_args(argv)


def main(argv: list[str] | None = None) -> int:
    args = parse(argv)
    sys.path.insert(0, str(REPO))
    from bench import database

    vendor = database.configure()
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qamqor.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")  # only for the development secret key: pages are measured with DEBUG off
    import django

    django.setup()
    orgs, requests = (args.orgs or DEFAULT_SIZES[vendor][0]), (args.requests or DEFAULT_SIZES[vendor][1])

    from bench import dataset as data

    prepared = data.prepare(orgs=orgs, requests=requests, regenerate=args.regenerate)
    if args.generate_only:
        return 0

    from django.test.utils import override_settings

    with override_settings(ROOT_URLCONF="bench.urls", DEBUG=False, ALLOWED_HOSTS=["localhost"]):
        return measure(args, prepared)


def measure(args: argparse.Namespace, prepared) -> int:
    from django.db import connection

    from bench import api, report
    from bench import dataset as data
    from bench import measure as m
    from bench.database import describe

    seconds, say = args.seconds, print
    info = report.machine()
    say(f"bench: {info['cpus']} CPUs ({info['cpu']}), Python {info['python']}, Django {info['django']}, {info['database']}")
    say(f"bench: {describe(connection.vendor)}: {prepared.orgs:,} organisations, {prepared.requests:,} requests"
        f" ({'reused' if prepared.reused else f'generated in {prepared.generation_seconds:.0f} s'})")

    client = m.methodist_client(prepared)
    floor, journal = m.floor_meter(client), m.journal_meter(client)
    anonymous, uncached = m.anonymous_floor_meter(), m.uncached_journal_meter(client)
    booking = m.Booking(prepared, needed=int((seconds + 1) * 3000), client=m.logged_in_client(prepared.booker_user_id))
    booking_meter = m.Meter("booking", booking)
    api_slots = api.ApiFreeSlots(prepared)
    api_booking = api.ApiBooking(prepared, needed=int((seconds + 1) * 400))
    api_slots_meter, api_booking_meter = m.Meter("API free slots", api_slots), m.Meter("API booking", api_booking)
    say(f"bench: floors, journal page (cached and not), booking and the API, in turns, {seconds:g} s each …")
    try:
        m.interleaved([floor, journal, booking_meter, anonymous, uncached, api_slots_meter, api_booking_meter], seconds)
    finally:
        booking.clear()
        api_booking.clear()
    say("bench: free slots …")
    slots = m.free_slots_time(prepared, seconds)
    anatomy = m.journal_anatomy(client)

    journal_ratio = journal.per_second / floor.per_second
    booking_ratio = booking_meter.per_second / floor.per_second

    def spread(meter: m.Meter) -> str:
        ratios = [r / f for r, f in zip(meter.rounds, floor.rounds)]
        return f"ratio per round {min(ratios):.3f}-{max(ratios):.3f}" if ratios else ""

    rows = [
        report.Row("floor: bare Django view, logged in", floor.per_second, "req/s", 1.0,
                   note=f"{floor.ms_each:.3f} ms each, {floor.count:,} requests"),
        report.Row("bare Django view, anonymous (for reference)", anonymous.per_second, "req/s", anonymous.per_second / floor.per_second,
                   note=f"{anonymous.ms_each:.3f} ms each; journal page / this = {journal.per_second / anonymous.per_second:.3f}"),
        report.Row("journal page /journal/, 50 rows", journal.per_second, "req/s", journal_ratio, f"ratio >= {JOURNAL_TARGET:.2f}",
                   journal_ratio >= JOURNAL_TARGET,
                   note=f"{journal.ms_each:.2f} ms each, {journal.count:,} requests, {spread(journal)}; "
                        f"{anatomy.queries} queries, {anatomy.sql_ms:.2f} ms of it in the database driver"),
        report.Row("journal page, uncached (after a change)", uncached.per_second, "req/s", uncached.per_second / floor.per_second,
                   note=f"{uncached.ms_each:.2f} ms each, {uncached.count:,} requests, {spread(uncached)}"),
        report.Row("booking: POST bench/book/ (floor + appointment_book())", booking_meter.per_second, "/s", booking_ratio,
                   f"ratio >= {BOOKING_TARGET:.2f}", booking_ratio >= BOOKING_TARGET,
                   note=f"{booking_meter.ms_each:.2f} ms each, {booking_meter.count:,} bookings, {spread(booking_meter)}; "
                        f"{booking.specialists} specialists, {booking.refused} refused"
                        + (", ran out of free slots" if booking_meter.exhausted else "")),
        report.Row("API: GET free-slots/ of a point, a week", api_slots_meter.per_second, "req/s",
                   api_slots_meter.per_second / floor.per_second,
                   note=f"{api_slots_meter.ms_each:.2f} ms each, {api_slots_meter.count:,} requests, {spread(api_slots_meter)}; "
                        f"{api_slots.slots} free slots in the answer; "
                        f"/ anonymous bare view = {api_slots_meter.per_second / anonymous.per_second:.3f}"),
        report.Row("API: POST bookings/ (application + booking, new key)", api_booking_meter.per_second, "/s",
                   api_booking_meter.per_second / floor.per_second,
                   note=f"{api_booking_meter.ms_each:.2f} ms each, {api_booking_meter.count:,} bookings, {spread(api_booking_meter)}; "
                        f"/ anonymous bare view = {api_booking_meter.per_second / anonymous.per_second:.3f}; "
                        f"{api_booking.specialists} specialists, {api_booking.refused} refused"
                        + (", ran out of free slots" if api_booking_meter.exhausted else "")),
        report.Row("free slots, 1 specialist, 14 days: median", slots.median_ms, "ms", None, f"<= {FREE_SLOTS_TARGET_MS:g} ms",
                   slots.median_ms <= FREE_SLOTS_TARGET_MS, note=f"{slots.runs:,} runs, {slots.slots} free slots found"),
        report.Row("free slots, 1 specialist, 14 days: p95", slots.p95_ms, "ms"),
    ]
    say("")
    say(report.table(rows))
    say("")
    say("Pages: django.test.Client in this process, one request at a time, DEBUG off, logged in as a methodist;")
    say("the floor is a bare view behind login_required, asked by the same client.")
    say("Booking: the floor's view plus appointment_book(), posted by a logged-in client, one specialist per booking.")
    say("API: without a token, each call from another client address; a booking is the public site's application")
    say("(parent, child, request, appointment) with a new Idempotency-Key, by another parent each time (bench/api.py).")
    for row in rows:
        if row.note:
            say(f"  {row.name}: {row.note}")
    if args.profile:
        say("\nOne journal request's statements (ms in the driver, SQL):")
        for ms, sql in anatomy.statements:
            say(f"  {ms:7.2f}  {sql[:240]}")
        say("")
        say(m.journal_profile(client))

    stamp = dt.datetime.now().strftime("%Y%m%d-%H%M%S")
    path = report.save({
        "when": dt.datetime.now().astimezone().isoformat(timespec="seconds"),
        "machine": info,
        "dataset": {**asdict(prepared), "rows": data.counts()},
        "seconds_per_measure": seconds,
        "method": {
            "pages": "django.test.Client in process, one request at a time, DEBUG off, logged in as a methodist; "
                     "floor: a bare view behind login_required for the same client",
            "booking": "POST bench/book/ (login_required view + appointment_book()), distinct free slots of many specialists",
            "api": "GET /api/v1/points/<measured point>/free-slots/ and POST /api/v1/bookings/ without a token, JSON, "
                   "a new Idempotency-Key, client address and phone number each call (bench/api.py)",
            "order": "floor, journal, booking and the API interleaved in rounds of about 1 s",
        },
        "results": rows,
        "rounds_per_second": {meter.name: meter.rounds for meter in (floor, journal, booking_meter, anonymous, uncached,
                                                                         api_slots_meter, api_booking_meter)},
        "journal_anatomy": anatomy,
        "markdown": report.markdown(rows),
    }, stamp)
    say(f"\nbench: results written to {path.relative_to(REPO)}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
