"""The benchmark's dataset: many organisations, each with a year of journal, written in bulk.

Rows are built in Python, deterministically (the same sizes give the same data), and written
with COPY on PostgreSQL and executemany on SQLite, a chunk of organisations per transaction.
Columns the generator does not fill take the model field's default, so a field added later
with a default does not break it. A marker row (table bench_dataset) records what was
generated: a rerun with the same sizes reuses the data and only moves the upcoming
appointments of the measured organisation to the next 14 days when the day has changed.

Every organisation has a methodist, a psychologist and a speech therapist (both with weekly
hours Mon-Fri 09:00-13:00 and 14:00-18:00, each in a room of their own) and a nurse; its
parents and children; its requests spread over the last 365 days (two academic years, the
journal numbers consecutive per year, JournalCounter filled); the status history; routing;
past appointments (held, missed, cancelled) and upcoming ones over the next 14 days.
The first organisation is the measured one ("target").
"""

from __future__ import annotations

import bisect
import datetime as dt
import json
import random
import time
from collections import defaultdict
from collections.abc import Callable, Iterable
from dataclasses import asdict, dataclass, fields
from zoneinfo import ZoneInfo

from django.conf import settings
from django.contrib.auth.hashers import make_password
from django.core.management import call_command
from django.core.management.color import no_style
from django.db import connection, models, transaction
from django.utils import timezone

from bench import database
from bench.bulk import Writer, fast_load
from qamqor.core.academic_year import academic_year_of
from qamqor.core.models import User
from qamqor.families.models import Child, Consent, Parent
from qamqor.journal.models import JournalCounter, JournalVersion, Request, StatusChange, Topic, new_journal_version
from qamqor.orgs.models import ConsultationPoint, District, Membership, Organization, Region, Room
from qamqor.scheduling.calendar import public_holidays
from qamqor.scheduling.models import Appointment, AppointmentSpecialist, WorkingHours

GENERATOR_VERSION = 3
MARKER_TABLE = "bench_dataset"
PASSWORD = "qamqor-bench"  # every generated person's password: a throwaway database
UTC = dt.UTC
SPAN = dt.timedelta(days=365)
UPCOMING_DAYS = 14
SLOT = dt.timedelta(minutes=30)
WORKING_BLOCKS = ((dt.time(9), dt.time(13)), (dt.time(14), dt.time(18)))
ORGS_PER_DISTRICT = 25
CHUNK_REQUESTS = 50_000
# Upcoming occupancy: a 30-minute slot is booked when (its ordinal % 5) is in the role's set, so
# the psychologist is booked 40% of her time, the speech therapist 20%, never at the same time.
UPCOMING_PLAN = {"psychologist": {0, 2}, "speech_therapist": {4}}
ROUTABLE = ("speech_therapist", "psychologist", "nurse")

SURNAMES = [
    "Ахметова", "Бекова", "Сейтқали", "Нұрланова", "Оспанова", "Жұмабаева", "Қасымова", "Төлеуова",
    "Серікбаева", "Әбдірахманова", "Омарова", "Исаева", "Кенжебаева", "Мұқанова", "Рахимова", "Сәрсенова",
    "Тұрсынова", "Жақсылықова", "Иванова", "Ким", "Байжанова", "Есенова", "Дәулетова", "Құдайбергенова",
]
WOMEN = ["Динара", "Айгүл", "Гүлнар", "Сәуле", "Ләззат", "Жанар", "Мөлдір", "Әйгерім", "Назгүл", "Ақмарал", "Елена", "Айжан"]
FATHERS = ["Серік", "Марат", "Ерлан", "Қайрат", "Әлібек", "Бауыржан", "Нұрлан", "Асқар", "Болат", "Дәурен"]
BOYS = ["Әли", "Нұрислам", "Ернұр", "Алихан", "Темірлан", "Айсұлтан", "Диас", "Арсен"]
GIRLS = ["Аяна", "Томирис", "Медина", "Айлин", "Сафия", "Раяна", "Амина", "Дариға"]
QUESTIONS = [
    "Бала үш жаста, бірақ сөйлемді құрастыра алмайды, жеке сөздерді ғана айтады. Логопедке қашан жүгіну керек?",
    "Ребёнок плохо засыпает и часто плачет по вечерам после детского сада. Как помочь ему успокоиться?",
    "Балабақшаға бейімделу кезеңінде бала таңертең жылайды, топқа кіргісі келмейді. Қалай көмектесуге болады?",
    "Сын не ходит в садик, мы живём в селе. Как подготовить его к школе и к общению с другими детьми?",
    "Қызым тамақты таңдап жейді, көкөністен мүлдем бас тартады. Тамақтануды қалай ұйымдастырған дұрыс?",
    "Ребёнок часто болеет, как организовать закаливание дома и что можно делать зимой?",
    "Бала ашуланғанда ойыншықтарын лақтырып, басқа балаларды итереді. Мінез-құлқын қалай түзетуге болады?",
    "Как играть с ребёнком дома, чтобы развивать речь и внимание? Какие игры подходят для четырёх лет?",
]
ANSWERS = [
    "Телефон арқылы кеңес берілді: күн тәртібі, ұйқы алдындағы рәсімдер, экран уақытын шектеу туралы түсіндірілді.",
    "Дана консультация по телефону: режим дня, совместное чтение перед сном, ограничение гаджетов.",
]
RECOMMENDATIONS = [
    "Күнделікті 15 минут артикуляциялық жаттығулар, бірге кітап оқу, сұрақ қойып жауап алу. Бір айдан соң қайта кеңес.",
    "Ежедневные игры на развитие мелкой моторики, режим дня, чтение вслух; повторная консультация через месяц.",
    "Бейімделу кезеңінде қоштасу рәсімін қысқа әрі тұрақты ету, баланы уақытында алып кету, үйде балабақша туралы ойнау.",
    "Рекомендовано обратиться в ПМПК для углублённого обследования; даны упражнения для занятий дома.",
]
OUTCOMES = ["Кеңес өтті, ата-ана ұсыныстарды алды.", "Консультация проведена, родитель получил рекомендации."]
CHANNELS = ["phone"] * 7 + ["in_person"] * 4 + ["walk_in"] * 2 + ["whatsapp"] * 3 + ["telegram"] * 2 + ["online"] * 1 + ["written", "email"]


@dataclass(frozen=True)
class Dataset:
    orgs: int
    requests: int
    target_organization_id: int
    methodist_user_id: int
    psychologist_id: int  # the target's psychologist (a Membership)
    booker_user_id: int  # books the benchmark's appointments, which are deleted afterwards
    generated_at: str
    generation_seconds: float
    schedule_day: str
    version: int = GENERATOR_VERSION
    reused: bool = False


def prepare(*, orgs: int, requests: int, regenerate: bool = False, say: Callable[[str], None] = print) -> Dataset:
    """The dataset of this size: reused when the marker says it is there, generated otherwise."""
    marker = _read_marker()
    if marker and not regenerate and marker.get("version") == GENERATOR_VERSION and (marker["orgs"], marker["requests"]) == (orgs, requests):
        call_command("migrate", verbosity=0, interactive=False)
        dataset = Dataset(**{f.name: marker[f.name] for f in fields(Dataset) if f.name in marker}, reused=True)
        if dataset.schedule_day != timezone.localdate().isoformat():
            say("bench: moving the measured organisation's upcoming appointments to the next 14 days")
            refresh_upcoming(dataset.target_organization_id, dataset.booker_user_id)
            dataset = Dataset(**{**asdict(dataset), "schedule_day": timezone.localdate().isoformat()})
            _write_marker(dataset)
        return dataset

    say(f"bench: generating {orgs:,} organisations and {requests:,} requests into {database.describe(connection.vendor)}")
    connection.close()
    database.reset()
    call_command("migrate", verbosity=0, interactive=False)
    started = time.perf_counter()
    dataset = Generator(orgs=orgs, requests=requests, say=say).run()
    dataset = Dataset(**{**asdict(dataset), "generation_seconds": round(time.perf_counter() - started, 1)})
    _write_marker(dataset)
    say(f"bench: dataset ready in {dataset.generation_seconds:.0f} s")
    return dataset


def clear_bookings(booker_user_id: int) -> None:
    """Remove what the booking benchmark booked (also after an interrupted run)."""
    AppointmentSpecialist.objects.filter(appointment__booked_by_id=booker_user_id).delete()
    Appointment.objects.filter(booked_by_id=booker_user_id).delete()


def _read_marker() -> dict | None:
    if MARKER_TABLE not in connection.introspection.table_names():
        return None
    with connection.cursor() as cursor:
        cursor.execute(f"SELECT data FROM {MARKER_TABLE}")
        row = cursor.fetchone()
    return json.loads(row[0]) if row else None


def _write_marker(dataset: Dataset) -> None:
    data = {k: v for k, v in asdict(dataset).items() if k != "reused"}
    with transaction.atomic(), connection.cursor() as cursor:
        cursor.execute(f"CREATE TABLE IF NOT EXISTS {MARKER_TABLE} (data TEXT NOT NULL)")
        cursor.execute(f"DELETE FROM {MARKER_TABLE}")
        cursor.execute(f"INSERT INTO {MARKER_TABLE} (data) VALUES (%s)", [json.dumps(data)])


# The attributes each generated row holds, in order.
DISTRICT = ("id", "region_id", "kato", "name", "name_kk", "name_ru")
ORGANIZATION = ("id", "district_id", "kind", "name", "name_kk", "name_ru", "phone")
POINT = ("organization_id", "phone", "slot_minutes", "opened_on")
ROOM = ("id", "organization_id", "name")
USER = ("id", "username", "password", "full_name", "date_joined")
MEMBERSHIP = ("id", "user_id", "role", "organization_id")
HOURS = ("membership_id", "weekday", "starts", "ends", "room_id")
PARENT = ("id", "organization_id", "full_name", "phone", "language", "created_at")
CONSENT = ("parent_id", "scope", "method", "given_at", "recorded_by_id")
CHILD = ("id", "organization_id", "parent_id", "full_name", "birth_date", "sex", "created_at")
REQUEST = (
    "id", "organization_id", "academic_year", "number", "received_at", "channel", "parent_id", "child_id", "topic_id", "question",
    "received_by_id", "status", "answer", "recommendations", "outcome", "answered_by_phone", "call_minutes", "closed_at", "closed_by_id",
)
ROUTED = ("request_id", "membership_id")
CHANGE = ("request_id", "from_status", "to_status", "changed_by_id", "changed_at")
APPOINTMENT = ("id", "organization_id", "request_id", "starts_at", "ends_at", "room_id", "child_id", "status", "booked_by_id", "created_at")
LINK = ("appointment_id", "membership_id", "person_id", "starts_at", "ends_at", "is_active")
COUNTER = ("organization_id", "academic_year", "last_number")
VERSION = ("organization_id", "version")

# Tables in the order they are written (foreign keys first).
TABLES: list[tuple[type[models.Model], tuple[str, ...]]] = [
    (District, DISTRICT), (Organization, ORGANIZATION), (ConsultationPoint, POINT), (Room, ROOM), (User, USER),
    (Membership, MEMBERSHIP), (WorkingHours, HOURS), (Parent, PARENT), (Consent, CONSENT), (Child, CHILD), (Request, REQUEST),
    (Request.specialists.through, ROUTED), (StatusChange, CHANGE), (Appointment, APPOINTMENT), (AppointmentSpecialist, LINK),
    (JournalCounter, COUNTER), (JournalVersion, VERSION),
]


@dataclass
class Staff:
    membership_id: int
    user_id: int
    room_id: int | None


def upcoming_times(role: str, hours: dict[int, list[tuple[dt.time, dt.time, int | None]]], *, today: dt.date,
                   now: dt.datetime) -> list[tuple[dt.datetime, int | None]]:
    """The times (and rooms) UPCOMING_PLAN books for a specialist of `role` with weekly
    `hours` (weekday -> blocks) over the 14 days from `today`: a slot is booked when its
    ordinal % 5 is in the role's set, so specialists of one organisation never share a time."""
    from qamqor.scheduling.calendar import working_weekday

    booked = UPCOMING_PLAN[role]
    times = []
    for offset in range(UPCOMING_DAYS):
        day = today + dt.timedelta(days=offset)
        weekday = working_weekday(day, {})
        index = day.toordinal() * 16
        for starts, ends, room in hours.get(weekday, []) if weekday is not None else []:
            slot, block_end = timezone.make_aware(dt.datetime.combine(day, starts)), timezone.make_aware(dt.datetime.combine(day, ends))
            while slot + SLOT <= block_end:
                if index % 5 in booked and slot > now:
                    times.append((slot.astimezone(UTC), room))
                slot += SLOT
                index += 1
    return times


class Generator:
    def __init__(self, *, orgs: int, requests: int, say: Callable[[str], None] = print) -> None:
        if orgs < 1 or requests < orgs:
            raise SystemExit("bench: need at least one organisation and one request per organisation")
        self.orgs, self.requests, self.say = orgs, requests, say
        self.writer = Writer()
        self.postgres = self.writer.postgres
        self.now = timezone.now().replace(microsecond=0)
        self.today = timezone.localdate(self.now)
        self.zone = ZoneInfo(settings.TIME_ZONE)
        self.password = make_password(PASSWORD)
        self.regions = list(Region.objects.order_by("kato").values_list("id", flat=True))
        topics = list(Topic.objects.filter(is_active=True).order_by("position", "code").values_list("id", "roles"))
        self.topics = [(topic_id, next((r for r in ROUTABLE if r in roles), "methodist")) for topic_id, roles in topics]
        self.next_id = {model: (model.objects.aggregate(m=models.Max("pk"))["m"] or 0) + 1 for model, given in TABLES if given[0] == "id"}
        # The instants (UTC) where an academic year starts, for a fast lookup of a request's year.
        first_year = academic_year_of(timezone.localdate(self.now - SPAN))
        self.first_year = first_year
        self.year_starts = [dt.datetime(y, 9, 1, tzinfo=self.zone).astimezone(UTC) for y in range(first_year + 1, first_year + 3)]
        self._slots_of_day: dict[dt.date, list[dt.datetime]] = {}
        self.rows: dict[type[models.Model], list[tuple]] = defaultdict(list)
        if self.postgres:  # psycopg takes Python values as they are; SQLite gets Django's text forms
            self.ts = self.day = self.clock = _same
        else:
            self.ts, self.day, self.clock = _sqlite_datetime, dt.date.isoformat, dt.time.isoformat

    def take_id(self, model: type[models.Model]) -> int:
        value = self.next_id[model]
        self.next_id[model] = value + 1
        return value

    def run(self) -> Dataset:
        booker = self.take_id(User)
        self.rows[User].append((booker, "bench-booker", self.password, "Benchmark booker", self.ts(self.now)))
        per_org, extra = divmod(self.requests, self.orgs)
        target: dict[str, int] = {}
        done = pending = 0
        started = time.perf_counter()
        with fast_load([model._meta.db_table for model, _given in TABLES]):
            for index in range(self.orgs):
                count = per_org + (1 if index < extra else 0)
                staff = self.organization(index, count)
                if index == 0:
                    target = {"target_organization_id": staff["organization"], "methodist_user_id": staff["methodist"].user_id,
                              "psychologist_id": staff["psychologist"].membership_id}
                done, pending = done + count, pending + count
                if pending >= CHUNK_REQUESTS or index == self.orgs - 1:
                    with transaction.atomic():
                        for model, given in TABLES:
                            self.writer.write(model, given, self.rows.pop(model, []))
                    pending = 0
                    rate = done / (time.perf_counter() - started)
                    self.say(f"bench:   {index + 1:,} organisations, {done:,} requests ({rate:,.0f} requests/s)")
            self.say(f"bench:   rows written in {time.perf_counter() - started:.0f} s; building indexes and constraints")
            started = time.perf_counter()
        self.reset_sequences()
        self.say(f"bench:   indexes and constraints built in {time.perf_counter() - started:.0f} s; analysing tables")
        started = time.perf_counter()
        analyse()
        self.say(f"bench:   analysed in {time.perf_counter() - started:.0f} s")
        return Dataset(orgs=self.orgs, requests=self.requests, booker_user_id=booker, generated_at=self.now.isoformat(),
                       generation_seconds=0.0, schedule_day=self.today.isoformat(), **target)

    def reset_sequences(self) -> None:
        statements = connection.ops.sequence_reset_sql(no_style(), [model for model, _given in TABLES])
        with connection.cursor() as cursor:
            for statement in statements:
                cursor.execute(statement)

    def organization(self, index: int, count: int) -> dict:
        """One organisation's rows; returns who works there."""
        rng = random.Random(index)
        n = index + 1
        rows = self.rows
        if index % ORGS_PER_DISTRICT == 0:
            district = self.take_id(District)
            name = f"Бенчмарк ауданы {district}"
            rows[District].append((district, self.regions[(index // ORGS_PER_DISTRICT) % len(self.regions)], f"99{district:07d}",
                                   name, name, f"Район бенчмарка {district}"))
        district = self.next_id[District] - 1
        org = self.take_id(Organization)
        name = f"№{n} «Балбөбек» бөбекжай-бақшасы"
        rows[Organization].append((org, district, "kindergarten", name, name, f"Ясли-сад №{n} «Балбобек»", f"+7717{n % 10_000_000:07d}"))
        rows[JournalVersion].append((org, new_journal_version()))
        rows[ConsultationPoint].append((org, f"+7717{n % 10_000_000:07d}", 30, self.day(dt.date(2024, 9, 1))))
        staff: dict = {"organization": org}
        for role, room_name in (("methodist", None), ("psychologist", "Психолог кабинеті"),
                                ("speech_therapist", "Логопед кабинеті"), ("nurse", None)):
            room = None
            if room_name:
                room = self.take_id(Room)
                rows[Room].append((room, org, room_name))
            user, membership = self.take_id(User), self.take_id(Membership)
            full_name = f"{rng.choice(SURNAMES)} {rng.choice(WOMEN)} {rng.choice(FATHERS)}қызы"
            rows[User].append((user, f"org{n}-{role}", self.password, full_name, self.ts(self.now - SPAN)))
            rows[Membership].append((membership, user, role, org))
            if room_name:
                for weekday in range(5):
                    for starts, ends in WORKING_BLOCKS:
                        rows[WorkingHours].append((membership, weekday, self.clock(starts), self.clock(ends), room))
            staff[role] = Staff(membership, user, room)

        families = self.families(org, count, rng, staff["methodist"].user_id)
        self.journal(org, count, rng, staff, families)
        return staff

    def families(self, org: int, count: int, rng: random.Random, recorded_by: int) -> list[tuple[int, int | None]]:
        """Parents (two for every three requests), most with a child; returns (parent, child) ids."""
        rows = self.rows
        since = self.ts(self.now - SPAN)
        families = []
        for _ in range(max(1, count * 2 // 3)):
            parent = self.take_id(Parent)
            surname = SURNAMES[int(rng.random() * len(SURNAMES))]
            rows[Parent].append((parent, org, f"{surname} {WOMEN[parent % len(WOMEN)]} {FATHERS[parent % len(FATHERS)]}қызы",
                                 f"+7701{parent % 10_000_000:07d}", "ru" if parent % 3 == 0 else "kk", since))
            rows[Consent].append((parent, "parent", "paper", since, recorded_by))
            child = None
            if rng.random() < 0.8:
                child = self.take_id(Child)
                boy = child % 2 == 0
                rows[Child].append((child, org, parent, f"{surname.removesuffix('а')} {(BOYS if boy else GIRLS)[child % 8]}",
                                    self.day(dt.date(2019, 1, 1) + dt.timedelta(days=child % 2000)), "m" if boy else "f", since))
                rows[Consent].append((parent, "child", "paper", since, recorded_by))
            families.append((parent, child))
        return families

    def journal(self, org: int, count: int, rng: random.Random, staff: dict, families: list[tuple[int, int | None]]) -> None:
        """`count` requests over the last year, numbered per academic year, with their history,
        routing and appointments: past ones for closed requests, upcoming ones (the next 14
        days, UPCOMING_PLAN) for the scheduled."""
        rows, ts, now, random_ = self.rows, self.ts, self.now, rng.random
        methodist = staff["methodist"].user_id
        gap = (SPAN - dt.timedelta(hours=1)) / count
        start = now - SPAN
        numbers: dict[int, int] = defaultdict(int)
        used_slots: set[dt.datetime] = set()
        waiting: dict[str, list[tuple[int, int | None]]] = defaultdict(list)
        recent, upcoming = now - dt.timedelta(days=1), now - dt.timedelta(days=UPCOMING_DAYS)
        for i in range(count):
            received = start + gap * (i + random_() * 0.5)
            year = self.first_year + bisect.bisect_right(self.year_starts, received)
            numbers[year] += 1
            request = self.take_id(Request)
            parent, child = families[int(random_() * len(families))]
            if random_() < 0.15:
                child = None
            topic, role = self.topics[int(random_() * len(self.topics))]
            specialist: Staff = staff[role]
            channel = CHANNELS[int(random_() * len(CHANNELS))]
            answer = recommendations = outcome = ""
            by_phone, minutes, closed, routed, appointment = False, None, None, False, None  # appointment: (status, is_active)
            r = random_()
            if received > recent:
                status, routed = ("new", False) if r < 0.6 else ("routed", True)
            elif received > upcoming:
                status, routed = ("new", False) if r < 0.1 else ("routed", True) if r < 0.3 or role not in UPCOMING_PLAN else ("scheduled", True)
            elif r < 0.30:
                status, answer, closed = "done", ANSWERS[i % len(ANSWERS)], received + dt.timedelta(minutes=15)
                by_phone = channel == "phone"
                minutes = 5 + i % 11 if by_phone else None
            elif r < 0.75:
                status, routed, appointment = "done", True, ("done", True)
                recommendations, outcome = RECOMMENDATIONS[i % len(RECOMMENDATIONS)], OUTCOMES[i % len(OUTCOMES)]
            elif r < 0.83:
                status, routed, appointment = "no_show", True, ("no_show", True)
            elif r < 0.93:
                status, closed = "cancelled", received + dt.timedelta(days=1)
                if r < 0.88:
                    routed, appointment = True, ("cancelled", False)
            else:
                status, routed = "routed", True

            when = self.past_slot(received, rng, used_slots) if appointment else None
            if appointment and when is None:  # its time would not be past yet: no appointment
                appointment = None
                if status != "cancelled":
                    status, recommendations, outcome = "routed", "", ""
            if appointment:
                self.appointment(org, request, when, specialist, child, appointment[0], methodist, received)
                if status == "done":
                    closed = when + SLOT
            if status == "scheduled":
                waiting[role].append((request, child))
            rows[Request].append((request, org, year, numbers[year], ts(received), channel, parent, child, topic,
                                  QUESTIONS[i % len(QUESTIONS)], methodist, status, answer, recommendations, outcome,
                                  by_phone, minutes, ts(closed) if closed else None, methodist if closed else None))
            if routed:
                rows[Request.specialists.through].append((request, specialist.membership_id))
            rows[StatusChange].append((request, "", "new", methodist, ts(received)))
            if status != "new":
                rows[StatusChange].append((request, "new", status, methodist, ts(min(closed or received + dt.timedelta(hours=2), now))))
        for year, last in numbers.items():
            rows[JournalCounter].append((org, year, last))

        for role in UPCOMING_PLAN:
            specialist, queue = staff[role], waiting[role][::-1]
            hours = {weekday: [(s, e, specialist.room_id) for s, e in WORKING_BLOCKS] for weekday in range(5)}
            for when, room in upcoming_times(role, hours, today=self.today, now=now):
                request, child = queue.pop() if queue else (None, None)  # the rest: follow-ups booked from the schedule
                self.appointment(org, request, when, specialist, child, "booked", methodist, now, room=room)

    def appointment(self, org: int, request: int | None, when: dt.datetime, specialist: Staff, child: int | None, status: str,
                    booked_by: int, created: dt.datetime, room: int | None = None) -> None:
        ts, appointment = self.ts, self.take_id(Appointment)
        self.rows[Appointment].append((appointment, org, request, ts(when), ts(when + SLOT), room or specialist.room_id, child, status,
                                       booked_by, ts(created)))
        self.rows[AppointmentSpecialist].append((appointment, specialist.membership_id, specialist.user_id, ts(when), ts(when + SLOT),
                                                 status != "cancelled"))

    def past_slot(self, received: dt.datetime, rng: random.Random, used: set[dt.datetime]) -> dt.datetime | None:
        """A free working slot of this organisation one to three days after `received`, if it is past."""
        day = received.astimezone(self.zone).date() + dt.timedelta(days=1 + int(rng.random() * 3))
        first = int(rng.random() * 16)
        for _ in range(30):
            slots = self.slots_of_day(day)
            for k in range(len(slots)):
                slot = slots[(first + k) % len(slots)]
                if slot not in used:
                    if slot + SLOT > self.now - dt.timedelta(hours=1):
                        return None
                    used.add(slot)
                    return slot
            day += dt.timedelta(days=1)
        return None

    def slots_of_day(self, day: dt.date) -> list[dt.datetime]:
        """The 30-minute working slots (UTC) of a weekday that is no public holiday."""
        if day not in self._slots_of_day:
            slots = []
            if day.weekday() < 5 and day not in public_holidays(day.year):
                for starts, ends in WORKING_BLOCKS:
                    t = dt.datetime.combine(day, starts, tzinfo=self.zone)
                    while t.time() < ends:
                        slots.append(t.astimezone(UTC))
                        t += SLOT
            self._slots_of_day[day] = slots
        return self._slots_of_day[day]


def _same(value):
    return value


def _sqlite_datetime(value: dt.datetime) -> str:
    """Django's SQLite form of an aware datetime: naive UTC text."""
    return value.astimezone(UTC).replace(tzinfo=None).isoformat(" ")


def refresh_upcoming(organization_id: int, booker_user_id: int) -> None:
    """Move an organisation's upcoming appointments (generated on an earlier day) to the next
    14 days: the same plan as the generator's, the scheduled requests first."""
    upcoming = Appointment.objects.filter(organization_id=organization_id, status="booked").exclude(booked_by_id=booker_user_id)
    now, today = timezone.now(), timezone.localdate()
    specialists = list(Membership.objects.filter(organization_id=organization_id, role__in=UPCOMING_PLAN, is_active=True))
    methodist = Membership.objects.filter(organization_id=organization_id, role="methodist").values_list("user_id", flat=True).first()
    appointments, people = [], []
    for m in specialists:
        hours: dict[int, list] = defaultdict(list)
        for block in WorkingHours.objects.filter(membership=m).order_by("starts"):
            hours[block.weekday].append((block.starts, block.ends, block.room_id))
        queue = list(
            Request.objects.filter(specialists=m, status="scheduled").order_by("-received_at").values_list("pk", "child_id")
        )
        for when, room in upcoming_times(m.role, hours, today=today, now=now):
            request, child = queue.pop() if queue else (None, None)
            appointments.append(Appointment(organization_id=organization_id, request_id=request, starts_at=when, ends_at=when + SLOT,
                                            room_id=room, child_id=child, booked_by_id=methodist))
            people.append(m)
    with transaction.atomic():
        AppointmentSpecialist.objects.filter(appointment__in=upcoming).delete()
        upcoming.delete()
        Appointment.objects.bulk_create(appointments)
        AppointmentSpecialist.objects.bulk_create(
            AppointmentSpecialist(appointment=a, membership=m, person_id=m.user_id, starts_at=a.starts_at, ends_at=a.ends_at)
            for a, m in zip(appointments, people)
        )


def analyse() -> None:
    """Fresh planner statistics, as a database in service has them."""
    with connection.cursor() as cursor:
        cursor.execute("VACUUM ANALYZE" if connection.vendor == "postgresql" else "ANALYZE")


def counts(models_: Iterable[type[models.Model]] = (Organization, Parent, Child, Request, StatusChange, Appointment)) -> dict[str, int]:
    """Row counts of the main tables (planner estimates on PostgreSQL: exact counts take seconds)."""
    result = {}
    with connection.cursor() as cursor:
        for model in models_:
            table = model._meta.db_table
            if connection.vendor == "postgresql":
                cursor.execute("SELECT reltuples::bigint FROM pg_class WHERE relname = %s", [table])
            else:
                cursor.execute(f"SELECT COUNT(*) FROM {connection.ops.quote_name(table)}")
            result[table] = int(cursor.fetchone()[0])
    return result
