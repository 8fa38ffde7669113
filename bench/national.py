"""National-scale benchmark of the reports (issue 7), PostgreSQL only:
`DATABASE_URL=postgres://… python bench/national.py [--scale 0.1]`.

Generates 20 regions (those the migrations bring), 200 districts, 10,000 organisations,
5,000,000 requests, 2,000,000 appointments and 500,000 feedback records (times --scale) in a
database of its own (qamqor_national), with server-side `INSERT … SELECT generate_series`
statements: no row passes through Python. Then builds the pre-aggregated day figures with the
application's own full rebuild (qamqor/reports/figures.py) and measures, in the same run and
the same way as bench/run.py (django.test.Client in process, DEBUG off, interleaved rounds):
the floor (a bare view behind login_required), a region's dashboard as its officer sees it, and
the national summary as an administrator sees it, over the academic year 2025–2026.

A rerun with the same sizes reuses the data (a marker table records them); --regenerate
starts from an empty database.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import asdict, dataclass
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
DATABASE = "qamqor_national"
MARKER = "bench_national"
YEAR_START, YEAR_END = "2025-09-01", "2026-08-31"
REGION_TARGET_MS = 300.0
NATIONAL_TARGET_MS = 1000.0


@dataclass(frozen=True)
class Sizes:
    districts: int
    organizations: int
    requests: int
    appointments_share: float = 0.4  # 2,000,000 of 5,000,000
    feedback_share: float = 0.1  # 500,000 of 5,000,000

    @classmethod
    def scaled(cls, scale: float) -> Sizes:
        districts = max(20, round(200 * scale))
        organizations = max(districts, round(10_000 * scale))
        return cls(districts=districts, organizations=organizations, requests=max(organizations, round(5_000_000 * scale)))

    @property
    def parents_per_org(self) -> int:
        return max(1, self.requests // 5 // self.organizations)  # a family asks about five times a year


def configure() -> None:
    url = os.environ.get("DATABASE_URL", "")
    if not urlsplit(url).scheme.startswith("postgres"):
        raise SystemExit("bench/national.py: set DATABASE_URL to a PostgreSQL server (this benchmark is PostgreSQL only)")
    parts = urlsplit(url)
    os.environ["DATABASE_URL"] = urlunsplit((parts.scheme, parts.netloc, f"/{DATABASE}", parts.query, parts.fragment))
    os.environ["QAMQOR_DATA_DIR"] = str(REPO / "data" / "bench")
    (REPO / "data" / "bench" / "static").mkdir(parents=True, exist_ok=True)
    os.environ.setdefault("DJANGO_SETTINGS_MODULE", "qamqor.settings")
    os.environ.setdefault("DJANGO_DEBUG", "1")  # the development secret key only; pages are measured with DEBUG off


def _server(drop: bool) -> None:
    import psycopg
    from psycopg import sql

    parts = urlsplit(os.environ["DATABASE_URL"])
    admin = urlunsplit(("postgresql", parts.netloc, "/postgres", "", ""))
    with psycopg.connect(admin, autocommit=True) as conn:
        if drop:
            conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(DATABASE)))
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [DATABASE]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(DATABASE)))


# --- Generation


def insert_select(model, given: dict[str, str], source: str, params: list | tuple = ()) -> int:
    """INSERT INTO model's table SELECT `given` (column -> SQL expression) `source`; every other
    NOT NULL column takes the model field's default, so a field added later does not break it."""
    from django.db import connection

    columns, expressions, values = [], [], []
    for field in model._meta.concrete_fields:
        if field.primary_key:
            continue
        if field.column in given:
            columns.append(field.column)
            expressions.append(given[field.column])
        elif not field.null:
            default = field.get_default()
            if default is None:
                raise SystemExit(f"bench/national.py: {model.__name__}.{field.name} needs a value")
            columns.append(field.column)
            expressions.append("%s")
            values.append(field.get_db_prep_save(default, connection))
    quote = connection.ops.quote_name
    statement = (
        f"INSERT INTO {quote(model._meta.db_table)} ({', '.join(map(quote, columns))}) "  # noqa: S608 (names from the models)
        f"SELECT {', '.join(expressions)} {source}"
    )
    with connection.cursor() as cursor:
        cursor.execute(statement, [*values, *params])
        return cursor.rowcount


def generate(sizes: Sizes, *, say=print) -> dict[str, float]:
    """Write the national dataset; returns seconds per step. Numbers in `sizes`, all else fixed."""
    from django.db import connection

    from qamqor.families.models import Child, Parent
    from qamqor.journal.models import Request, Topic
    from qamqor.orgs.models import District, Organization, Region
    from qamqor.portal.models import Feedback
    from qamqor.scheduling.models import Appointment

    timings: dict[str, float] = {}
    regions = Region.objects.count()
    topics = list(Topic.objects.order_by("pk").values_list("pk", flat=True)) or [
        Topic.objects.create(code="bench", name="Bench").pk
    ]
    topic_array = "ARRAY[" + ",".join(map(str, topics)) + "]"
    o, ppo = sizes.organizations, sizes.parents_per_org

    def step(name: str, work) -> None:
        started = time.perf_counter()
        rows = work()
        timings[name] = time.perf_counter() - started
        say(f"bench: {name}: {rows:,} rows in {timings[name]:.1f} s")

    with connection.cursor() as cursor:
        cursor.execute("SET CONSTRAINTS ALL IMMEDIATE")
    step(
        "districts",
        lambda: insert_select(
            District,
            {
                "region_id": "r.id",
                "kato": "'99' || lpad(g::text, 7, '0')",
                "name": "'Аудан ' || g",
                "name_kk": "'Аудан ' || g",
                "name_ru": "'Район ' || g",
            },
            "FROM generate_series(0, %s) g JOIN (SELECT id, row_number() OVER (ORDER BY kato) - 1 AS rn FROM orgs_region) r "
            "ON r.rn = g %% %s",
            [sizes.districts - 1, regions],
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_districts, bench_orgs, bench_parents")
        cursor.execute(
            "CREATE TEMP TABLE bench_districts AS SELECT id, row_number() OVER (ORDER BY kato) - 1 AS rn "
            "FROM orgs_district WHERE kato LIKE '99%%'"
        )
    step(
        "organisations",
        lambda: insert_select(
            Organization,
            {
                "district_id": "d.id",
                "name": "'№' || g || ' балабақша'",
                "name_kk": "'№' || g || ' балабақша'",
                "name_ru": "'Детский сад №' || g",
            },
            "FROM generate_series(0, %s) g JOIN bench_districts d ON d.rn = g %% %s",
            [o - 1, sizes.districts],
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_orgs AS SELECT o.id, row_number() OVER (ORDER BY o.id) - 1 AS rn "
            "FROM orgs_organization o JOIN bench_districts d ON d.id = o.district_id"
        )
        cursor.execute("CREATE UNIQUE INDEX ON bench_orgs (rn)")
    step(
        "parents",
        lambda: insert_select(
            Parent,
            {
                "organization_id": "o.id",
                "full_name": "'Ата-ана ' || g",
                "phone": "'+7701' || lpad((g %% 10000000)::text, 7, '0')",
            },
            "FROM generate_series(0, %s) g JOIN bench_orgs o ON o.rn = g %% %s",
            [o * ppo - 1, o],
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute(
            "CREATE TEMP TABLE bench_parents AS SELECT p.id, p.organization_id, row_number() OVER (ORDER BY p.id) - 1 AS rn, "
            "row_number() OVER (PARTITION BY p.organization_id ORDER BY p.id) - 1 AS k "
            "FROM families_parent p JOIN bench_orgs o ON o.id = p.organization_id"
        )
        cursor.execute("CREATE UNIQUE INDEX ON bench_parents (organization_id, k)")
        cursor.execute("ANALYZE bench_orgs")
        cursor.execute("ANALYZE bench_parents")
    step(
        "children",
        lambda: insert_select(
            Child,
            {
                "organization_id": "p.organization_id",
                "parent_id": "p.id",
                "full_name": "'Бала ' || p.rn",
                "birth_date": "date '2021-01-01' + (p.rn %% 1500)::int",
                "sex": "CASE WHEN p.rn %% 2 = 0 THEN 'm' ELSE 'f' END",
            },
            "FROM bench_parents p WHERE p.rn %% 2 = 0",
        ),
    )
    # Request g: organisation g mod O, its (g div O)+1-th of the year, one of the organisation's
    # families in turn; received on one of the year's 365 days between 09:00 and 18:00 local.
    channels = "ARRAY['phone','written','in_person','walk_in','online','telegram','whatsapp','email']"
    statuses = "ARRAY['done','done','done','done','done','routed','scheduled','no_show','cancelled','new']"
    step(
        "requests",
        lambda: insert_select(
            Request,
            {
                "organization_id": "o.id",
                "academic_year": "2025",
                "number": f"g / {o} + 1",
                "received_at": f"timestamptz '{YEAR_START} 09:00+05' + ((g::bigint * 7919) %% 365)::int * interval '1 day' "
                "+ ((g * 31) %% 540) * interval '1 minute'",
                "channel": f"({channels})[1 + (g * 13) %% 8]",
                "parent_id": "p.id",
                "topic_id": f"({topic_array})[1 + g %% {len(topics)}]",
                "question": "'Сұрақ'",
                "status": f"({statuses})[1 + (g * 17) %% 10]",
                "answered_by_phone": "((g * 13) %% 8 = 0 AND g %% 2 = 0)",
            },
            "FROM generate_series(0, %s) g JOIN bench_orgs o ON o.rn = g %% %s "
            "JOIN bench_parents p ON p.organization_id = o.id AND p.k = (g / %s) %% %s",
            [sizes.requests - 1, o, o, ppo],
        ),
    )
    # Two requests in five got an appointment one to seven days later; one in ten, feedback.
    step(
        "appointments",
        lambda: insert_select(
            Appointment,
            {
                "organization_id": "r.organization_id",
                "request_id": "r.id",
                "starts_at": "r.received_at + (1 + r.id %% 7) * interval '1 day'",
                "ends_at": "r.received_at + (1 + r.id %% 7) * interval '1 day' + interval '30 minutes'",
                "status": "CASE r.status WHEN 'done' THEN 'done' WHEN 'no_show' THEN 'no_show' "
                "WHEN 'cancelled' THEN 'cancelled' ELSE 'booked' END",
                "created_at": "r.received_at",
            },
            "FROM journal_request r JOIN bench_orgs o ON o.id = r.organization_id WHERE (r.number - 1) %% 5 < 2",
        ),
    )
    step(
        "feedback",
        lambda: insert_select(
            Feedback,
            {
                "request_id": "r.id",
                "organization_id": "r.organization_id",
                "rating": "(ARRAY[5,5,4,4,5,3,4,5,2,1])[1 + (r.id * 7) %% 10]",
                "given_at": "r.received_at + interval '3 days'",
            },
            "FROM journal_request r JOIN bench_orgs o ON o.id = r.organization_id WHERE (r.number - 1) %% 10 = 2",
        ),
    )
    with connection.cursor() as cursor:
        cursor.execute("DROP TABLE IF EXISTS bench_districts, bench_orgs, bench_parents")
    return timings


def prepare(sizes: Sizes, *, regenerate: bool, say=print) -> tuple[bool, dict]:
    """Generate (or reuse) the data and the figures; returns (reused, timings)."""
    import json

    from django.core.management import call_command
    from django.db import connection

    from bench import bulk
    from qamqor.reports.figures import figures_refresh_all

    if regenerate:
        connection.close()
        _server(drop=True)
    call_command("migrate", verbosity=0)
    with connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {MARKER} (sizes text)")
        cursor.execute(f"SELECT sizes FROM {MARKER}")  # noqa: S608 (a constant)
        row = cursor.fetchone()
    wanted = json.dumps(asdict(sizes), sort_keys=True)
    if row and row[0] == wanted:
        return True, {}
    if row:
        raise SystemExit("bench/national.py: the database holds another size; run with --regenerate")
    big = ["journal_request", "scheduling_appointment", "portal_feedback", "families_parent", "families_child"]
    started = time.perf_counter()
    with bulk.fast_load(big):  # indexes and constraints rebuilt once at the end, and checked then
        timings = generate(sizes, say=say)
    timings["indexes and constraints"] = time.perf_counter() - started - sum(timings.values())
    say(f"bench: indexes and constraints rebuilt in {timings['indexes and constraints']:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
    started = time.perf_counter()
    rows = figures_refresh_all()
    timings["day figures (figures_refresh_all)"] = time.perf_counter() - started
    say(f"bench: day figures: {rows:,} rows in {timings['day figures (figures_refresh_all)']:.1f} s")
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE")
        cursor.execute(f"INSERT INTO {MARKER} (sizes) VALUES (%s)", [wanted])  # noqa: S608 (a constant)
    return False, timings


def measure(seconds: float, say=print) -> list[tuple[str, float, float | None, str]]:
    """(name, ms each, ratio of throughput to the floor, note) per page."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext
    from django.urls import reverse

    from bench import measure as m
    from qamqor.core.models import User
    from qamqor.core.testing.second_factor import pass_second_factor
    from qamqor.orgs.models import Membership, Organization, Region

    region = max(Region.objects.all(), key=lambda r: Organization.objects.filter(district__region=r).count())
    officer, _ = User.objects.get_or_create(username="national-region-officer")
    Membership.objects.get_or_create(user=officer, role="region_officer", region=region)
    admin, _ = User.objects.get_or_create(username="national-admin", defaults={"is_superuser": True, "is_staff": True})
    period = f"?start={YEAR_START}&end={YEAR_END}"
    officer_client, admin_client = m.logged_in_client(officer.pk), m.logged_in_client(admin.pk)
    pass_second_factor(admin_client, admin)  # an administrator's pages ask for it (qamqor/core/second_factor.py)
    floor = m.floor_meter(officer_client)
    region_page = m.Meter("region dashboard", m.page(officer_client, reverse("reports:region", args=[region.pk]) + period))
    national_page = m.Meter("national summary", m.page(admin_client, reverse("reports:national") + period))
    orgs = Organization.objects.filter(district__region=region).count()
    say(f"bench: measuring {region.name} ({orgs:,} organisations) and the country, {seconds:g} s each …")
    m.interleaved([floor, region_page, national_page], seconds)
    queries = {}
    for name, client, url in (
        ("region", officer_client, reverse("reports:region", args=[region.pk]) + period),
        ("national", admin_client, reverse("reports:national") + period),
    ):
        with CaptureQueriesContext(connection) as ctx:
            client.get(url)
        queries[name] = (len(ctx.captured_queries), sum(float(q["time"]) for q in ctx.captured_queries) * 1000)
    return [
        ("floor: bare Django view, logged in", floor.ms_each, 1.0, f"{floor.count:,} requests"),
        (
            f"region dashboard ({orgs:,} organisations)",
            region_page.ms_each,
            region_page.per_second / floor.per_second,
            f"{region_page.count:,} requests, median of rounds {statistics.median(1000 / r for r in region_page.rounds):.1f} ms; "
            f"{queries['region'][0]} queries, {queries['region'][1]:.1f} ms in the database",
        ),
        (
            "national summary (20 regions)",
            national_page.ms_each,
            national_page.per_second / floor.per_second,
            f"{national_page.count:,} requests; {queries['national'][0]} queries, {queries['national'][1]:.1f} ms in the database",
        ),
    ]


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/national.py", description=__doc__.split("\n\n")[0])
    parser.add_argument(
        "--scale",
        type=float,
        default=float(os.environ.get("BENCH_SCALE", "1")),
        help="fraction of the national sizes (default 1: 10,000 organisations, 5,000,000 requests)",
    )
    parser.add_argument("--seconds", type=float, default=5.0, help="how long each page is measured (default 5)")
    parser.add_argument("--regenerate", action="store_true", help="start from an empty database")
    args = parser.parse_args(argv)
    sys.path.insert(0, str(REPO))
    configure()
    _server(drop=False)
    import django

    django.setup()
    from django.test.utils import override_settings

    sizes = Sizes.scaled(args.scale)
    print(
        f"bench: national dataset at scale {args.scale:g}: {sizes.districts:,} districts, {sizes.organizations:,} organisations, "
        f"{sizes.requests:,} requests, about {int(sizes.requests * sizes.appointments_share):,} appointments and "
        f"{int(sizes.requests * sizes.feedback_share):,} feedback records"
    )
    started = time.perf_counter()
    reused, timings = prepare(sizes, regenerate=args.regenerate)
    if not reused:
        print(f"bench: generated in {time.perf_counter() - started:.0f} s")
    with override_settings(ROOT_URLCONF="bench.urls", DEBUG=False, ALLOWED_HOSTS=["localhost"]):
        rows = measure(args.seconds)
    print("\n| measure | ms each | throughput / floor | target |\n|---|---:|---:|---|")
    targets = {1: REGION_TARGET_MS, 2: NATIONAL_TARGET_MS}
    for i, (name, ms, ratio, _note) in enumerate(rows):
        target = f"< {targets[i]:g} ms {'PASS' if ms < targets[i] else 'FAIL'}" if i in targets else ""
        print(f"| {name} | {ms:.1f} | {ratio:.3f} | {target} |")
    for name, _ms, _ratio, note in rows:
        print(f"  {name}: {note}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
