"""PostgreSQL restarted in the middle of a stream of bookings: `make resilience`.

On this machine, with a PostgreSQL cluster of its own (initdb in a temporary folder, a free port
from 55432 on; the machine's own server is never touched), the script

1. migrates a fresh database and seeds a consultation point with specialists and working hours;
2. serves Qamqor with gunicorn (production settings, DEBUG off);
3. streams bookings from several client threads over real HTTP, the way parents book: the public
   application form (GET for the CSRF token, then POST with a chosen time), each booking from an
   address of its own on 127.0.0.0/8 so the per-address limit of the public site does not apply;
4. restarts the cluster in the middle (`pg_ctl restart -m fast`) and keeps streaming;
5. checks that the service answered successfully again within seconds (measured), that every
   booking confirmed to its client (a redirect to its private link) is in the database, and
   that nothing is half-written: every appointment has its specialist rows, every request of the
   stream its parent, consent, status history, specialist and exactly one booking.

Prints what it saw and exits non-zero when a check fails. Results: docs/operations.md.
"""

from __future__ import annotations

import argparse
import glob
import http.client
import json
import os
import re
import shutil
import socket
import subprocess
import sys
import tempfile
import threading
import time
import urllib.parse
from dataclasses import dataclass
from pathlib import Path

REPO = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
CSRF_FIELD = re.compile(r'name="csrfmiddlewaretoken" value="([^"]+)"')


def say(message: str) -> None:
    print(f"pg_restart: {message}", flush=True)


def free_port(start: int) -> int:
    for port in range(start, start + 200):
        with socket.socket() as s:
            try:
                s.bind(("127.0.0.1", port))
            except OSError:
                continue
            return port
    raise SystemExit(f"no free port from {start}")


class Cluster:
    """A throwaway PostgreSQL cluster: its own data folder, port and socket folder. Run as the
    `postgres` system user when we are root (PostgreSQL refuses to run as root)."""

    def __init__(self, root: Path, port: int):
        binaries = sorted(glob.glob("/usr/lib/postgresql/*/bin/initdb"), key=lambda p: int(p.split("/")[4]))
        if not binaries:
            raise SystemExit("PostgreSQL server binaries not found in /usr/lib/postgresql/*/bin (apt-get install postgresql)")
        self.bin = Path(binaries[-1]).parent
        self.root, self.port = root, port
        self.data, self.log = root / "pgdata", root / "postgres.log"
        self.as_user = ["runuser", "-u", "postgres", "--"] if os.geteuid() == 0 else []

    def _run(self, *args: str) -> None:
        subprocess.run([*self.as_user, *args], check=True, cwd=self.root, stdout=subprocess.DEVNULL)

    def init(self) -> None:
        if self.as_user:
            shutil.chown(self.root, "postgres", "postgres")
        self._run(str(self.bin / "initdb"), "-D", str(self.data), "-U", "postgres", "--auth=trust", "-E", "UTF8",
                  "--locale=C.UTF-8", "--no-sync")

    def ctl(self, *args: str) -> None:
        options = f"-p {self.port} -k {self.root} -c listen_addresses=127.0.0.1 -c fsync=on -c max_connections=50"
        self._run(str(self.bin / "pg_ctl"), "-D", str(self.data), "-l", str(self.log), "-o", options, "-w", *args)

    def stop(self) -> None:
        if self.data.exists():
            subprocess.run([*self.as_user, str(self.bin / "pg_ctl"), "-D", str(self.data), "-m", "immediate", "-w", "stop"],
                           check=False, capture_output=True)

    def url(self, database: str) -> str:
        return f"postgres://postgres@127.0.0.1:{self.port}/{database}"


@dataclass
class Attempt:
    client: int
    number: int
    started: float
    ended: float
    outcome: str  # "confirmed", "taken", "limited", "error 500", "no connection", …
    phone: str
    specialist: int
    starts_at: int  # unix time of the booked slot


def book(host: str, port: int, source: str, point: int, specialist: int, starts_at: int, phone: str) -> str:
    """One parent's booking through the public form; returns the outcome."""
    conn = http.client.HTTPConnection(host, port, timeout=30, source_address=(source, 0))
    try:
        query = urllib.parse.urlencode({"topic": "behaviour", "specialist": specialist})
        conn.request("GET", f"/points/{point}/apply/?{query}", headers={"Host": "localhost", "Accept-Language": "kk"})
        page = conn.getresponse()
        body = page.read().decode(errors="replace")
        if page.status != 200:
            return f"error {page.status}"
        cookie = next((v.split(";")[0] for k, v in page.getheaders() if k.lower() == "set-cookie" and v.startswith("csrftoken=")), "")
        token = CSRF_FIELD.search(body)
        if not cookie or not token:
            return "no csrf token"
        form = urllib.parse.urlencode({
            "csrfmiddlewaretoken": token.group(1), "topic": "behaviour", "specialist": specialist,
            "slot": f"{specialist}-{starts_at}", "parent_full_name": "Сынақова Айгүл Маратқызы", "phone": phone,
            "email": "", "language": "kk", "question": "Бала түнде жиі оянады", "consent": "on", "website": "",
        })
        conn.request("POST", f"/points/{point}/apply/", body=form, headers={
            "Host": "localhost", "Cookie": cookie, "Content-Type": "application/x-www-form-urlencoded", "Accept-Language": "kk",
        })
        answer = conn.getresponse()
        answer.read()
        location = answer.getheader("Location", "")
        if answer.status == 302 and "/my/" in location:
            return "confirmed"
        return {409: "taken", 429: "limited"}.get(answer.status, f"error {answer.status}")
    except (ConnectionError, TimeoutError, OSError, http.client.HTTPException):
        return "no connection"
    finally:
        conn.close()


SEED = r"""
import datetime as dt, json
from django.db import transaction
from qamqor.core.testing import factories as f
from qamqor.orgs.models import Membership
from qamqor.portal import selectors
with transaction.atomic():
    point = f.ConsultationPointFactory()
    point.is_open = True
    point.online_booking = True
    point.save()
    specialists = []
    for i in range(%(specialists)d):
        m = f.staff(point.organization, "psychologist", full_name=f"Оспанова Айгүл {i}", username=f"psychologist{i}")
        f.weekly_hours(m, start="08:00", end="20:00", weekdays=range(7))
        specialists.append(m)
times = {m.pk: [int(s.starts_at.timestamp()) for s in selectors.offered_times([m])] for m in specialists}
print(json.dumps({"point": point.pk, "times": times}))
"""

CHECKS = {
    "appointments without a specialist row":
        "SELECT count(*) FROM scheduling_appointment a WHERE NOT EXISTS "
        "(SELECT 1 FROM scheduling_appointmentspecialist s WHERE s.appointment_id = a.id)",
    "specialist rows not matching their appointment's time":
        "SELECT count(*) FROM scheduling_appointmentspecialist s JOIN scheduling_appointment a ON a.id = s.appointment_id "
        "WHERE s.starts_at <> a.starts_at OR s.ends_at <> a.ends_at",
    "online requests without exactly one booking":
        "SELECT count(*) FROM journal_request r WHERE r.channel = 'online' AND (SELECT count(*) FROM scheduling_appointment a "
        "WHERE a.request_id = r.id AND a.status = 'booked') <> 1",
    "online requests not in the status 'scheduled'":
        "SELECT count(*) FROM journal_request r WHERE r.channel = 'online' AND r.status <> 'scheduled'",
    "requests without a status history":
        "SELECT count(*) FROM journal_request r WHERE NOT EXISTS (SELECT 1 FROM journal_statuschange c WHERE c.request_id = r.id)",
    "requests without their specialists":
        "SELECT count(*) FROM journal_request r WHERE r.channel = 'online' AND NOT EXISTS "
        "(SELECT 1 FROM journal_request_specialists s WHERE s.request_id = r.id)",
    "parents without a consent":
        "SELECT count(*) FROM families_parent p WHERE NOT EXISTS (SELECT 1 FROM families_consent c WHERE c.parent_id = p.id)",
    "journal numbers duplicated or missing":
        "SELECT count(*) - count(DISTINCT number) + (max(number) - min(number) + 1 - count(DISTINCT number)) FROM journal_request",
}

FOUND = """
SELECT count(*) FROM families_parent p JOIN journal_request r ON r.parent_id = p.id
JOIN scheduling_appointment a ON a.request_id = r.id AND a.status = 'booked'
JOIN scheduling_appointmentspecialist s ON s.appointment_id = a.id
WHERE p.phone = %s AND s.membership_id = %s AND a.starts_at = to_timestamp(%s)
"""


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="bench/pg_restart.py", description=__doc__.split("\n\n")[0])
    parser.add_argument("--clients", type=int, default=4, help="client threads booking at once (default 4)")
    parser.add_argument("--seconds", type=float, default=24, help="how long the stream runs (default 24)")
    parser.add_argument("--restart-at", type=float, default=8, help="seconds into the stream to restart PostgreSQL (default 8)")
    parser.add_argument("--workers", type=int, default=3, help="gunicorn worker processes (default 3)")
    parser.add_argument("--recovery-limit", type=float, default=10, help="seconds allowed to answer again (default 10)")
    parser.add_argument("--quiet-restart", action="store_true",
                        help="pause the clients while PostgreSQL restarts, so every web worker still holds a connection "
                             "from before the restart when the stream resumes (the idle site at night)")
    parser.add_argument("--keep", action="store_true", help="leave the cluster's folder behind for a look")
    args = parser.parse_args(argv)

    root = Path(tempfile.mkdtemp(prefix="qamqor-pg-restart-"))
    cluster = Cluster(root, free_port(55432))
    gunicorn = None
    try:
        say(f"cluster: {cluster.bin.parent.name} in {root}, port {cluster.port} (the machine's server is not touched)")
        cluster.init()
        cluster.ctl("start")
        subprocess.run(["psql", "-h", "127.0.0.1", "-p", str(cluster.port), "-U", "postgres", "-qc", "CREATE DATABASE qamqor"],
                       check=True)
        env = {**os.environ, "DATABASE_URL": cluster.url("qamqor"), "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "pg-restart-" + os.urandom(16).hex(),
               "DJANGO_ALLOWED_HOSTS": "localhost,127.0.0.1", "DJANGO_SECURE_SSL_REDIRECT": "0", "DJANGO_SECURE_COOKIES": "0",
               "QAMQOR_DATA_DIR": str(root / "data"), "QAMQOR_LOG_LEVEL": "ERROR", "DJANGO_SETTINGS_MODULE": "qamqor.settings"}
        started = time.monotonic()
        subprocess.run([PYTHON, "manage.py", "migrate", "--no-input", "-v0"], cwd=REPO, env=env, check=True)
        say(f"migrated in {time.monotonic() - started:.1f} s")
        seeded = subprocess.run([PYTHON, "manage.py", "shell", "-c", SEED % {"specialists": args.clients}], cwd=REPO, env=env,
                                check=True, capture_output=True, text=True)
        seed = json.loads(seeded.stdout.strip().splitlines()[-1])
        point, times = seed["point"], {int(k): v for k, v in seed["times"].items()}
        say(f"seeded point {point}: {len(times)} psychologists, {sum(map(len, times.values()))} free times over 14 days")

        web_port = free_port(cluster.port + 1000)
        gunicorn = subprocess.Popen(
            [str(REPO / ".venv/bin/gunicorn"), "qamqor.wsgi", "--workers", str(args.workers), "--bind", f"127.0.0.1:{web_port}",
             "--timeout", "30", "--log-level", "warning"],
            cwd=REPO, env=env, stdout=open(root / "gunicorn.log", "w"), stderr=subprocess.STDOUT,  # noqa: SIM115
        )
        for _ in range(100):
            try:
                with socket.create_connection(("127.0.0.1", web_port), timeout=1):
                    break
            except OSError:
                time.sleep(0.2)
        say(f"gunicorn: {args.workers} workers on 127.0.0.1:{web_port}; settings: "
            + ("CONN_HEALTH_CHECKS on" if _health_checks(env) else "CONN_HEALTH_CHECKS off"))

        attempts: list[Attempt] = []
        lock = threading.Lock()
        t0 = time.monotonic()
        stop_at = t0 + args.seconds

        streaming = threading.Event()
        streaming.set()

        def client(index: int, specialist: int, slots: list[int]) -> None:
            for number, starts_at in enumerate(slots):
                streaming.wait()
                if time.monotonic() >= stop_at:
                    return
                n = index * 100_000 + number
                phone = f"+7701{n:07d}"
                source = f"127.{1 + index}.{number // 250 % 250}.{number % 250 + 1}"
                begun = time.monotonic() - t0
                outcome = book("127.0.0.1", web_port, source, point, specialist, starts_at, phone)
                with lock:
                    attempts.append(Attempt(index, number, begun, time.monotonic() - t0, outcome, phone, specialist, starts_at))

        threads = [threading.Thread(target=client, args=(i, m, slots)) for i, (m, slots) in enumerate(times.items())]
        for t in threads:
            t.start()
        time.sleep(args.restart_at)
        if args.quiet_restart:
            streaming.clear()
            time.sleep(2)  # the bookings under way finish
        restart_begun = time.monotonic() - t0
        cluster.ctl("-m", "fast", "restart")
        restart_done = time.monotonic() - t0
        streaming.set()
        say(f"restarted PostgreSQL at +{restart_begun:.2f} s; it accepted connections again at +{restart_done:.2f} s "
            f"(pg_ctl restart -m fast took {restart_done - restart_begun:.2f} s)")
        for t in threads:
            t.join()

        return report(args, cluster, attempts, restart_begun, restart_done, root)
    finally:
        if gunicorn is not None:
            gunicorn.terminate()
            gunicorn.wait(timeout=30)
        cluster.stop()
        if not args.keep:
            shutil.rmtree(root, ignore_errors=True)
        else:
            say(f"left behind: {root}")


def _health_checks(env: dict) -> bool:
    out = subprocess.run([PYTHON, "-c", "from django.conf import settings; import django; django.setup(); "
                          "print(settings.DATABASES['default'].get('CONN_HEALTH_CHECKS'))"],
                         cwd=REPO, env=env, capture_output=True, text=True)
    return out.stdout.strip() == "True"


def report(args, cluster: Cluster, attempts: list[Attempt], restart_begun: float, restart_done: float, root: Path) -> int:
    import psycopg

    attempts.sort(key=lambda a: a.started)
    outcomes: dict[str, int] = {}
    for a in attempts:
        outcomes[a.outcome] = outcomes.get(a.outcome, 0) + 1
    confirmed = [a for a in attempts if a.outcome == "confirmed"]
    failed = [a for a in attempts if a.outcome != "confirmed"]
    say(f"{len(attempts)} bookings tried by {args.clients} clients in {args.seconds:.0f} s: "
        + ", ".join(f"{n} {k}" for k, n in sorted(outcomes.items())))
    for a in failed:
        say(f"  not confirmed: client {a.client} #{a.number} sent +{a.started:.2f} s, answered +{a.ended:.2f} s: {a.outcome}")
    before = [a for a in confirmed if a.ended < restart_begun]
    last_ok_before = max((a.ended for a in before), default=None)
    after = [a for a in confirmed if a.started >= restart_begun]
    first_ok_after = min((a.ended for a in after), default=None)
    ok = True
    if first_ok_after is None:
        say("FAIL: no booking succeeded after the restart")
        ok = False
    else:
        recovery = first_ok_after - restart_begun
        say(f"last confirmed booking before the restart answered at +{last_ok_before or 0:.2f} s; first one sent after it "
            f"answered at +{first_ok_after:.2f} s: the service answered successfully again {recovery:.2f} s after the restart "
            f"began ({first_ok_after - restart_done:.2f} s after PostgreSQL was back)")
        if recovery > args.recovery_limit:
            say(f"FAIL: recovery took more than {args.recovery_limit:.0f} s")
            ok = False
    during = [a for a in failed if a.started < restart_done]
    failed_after = [a for a in failed if a.started >= restart_done]
    say(f"not confirmed: {len(during)} sent while PostgreSQL was restarting, {len(failed_after)} sent after it was back")
    if failed_after:
        say(f"FAIL: {len(failed_after)} bookings sent after PostgreSQL was back failed (stale connections in the web workers)")
        ok = False

    with psycopg.connect(cluster.url("qamqor")) as conn:
        missing = [a for a in confirmed if conn.execute(FOUND, (a.phone, a.specialist, a.starts_at)).fetchone()[0] != 1]
        stored = conn.execute("SELECT count(*) FROM scheduling_appointment WHERE status = 'booked'").fetchone()[0]
        say(f"database: {stored} booked appointments; {len(confirmed)} confirmed to their clients, "
            f"{len(confirmed) - len(missing)} of them found")
        if missing:
            say(f"FAIL: {len(missing)} confirmed bookings are not in the database: {missing[:5]}")
            ok = False
        unconfirmed_stored = stored - (len(confirmed) - len(missing))
        if unconfirmed_stored:
            say(f"note: {unconfirmed_stored} bookings are stored but their client got no confirmation "
                "(committed as the connection dropped); the parent sees the time as taken when trying again")
        for name, query in CHECKS.items():
            count = conn.execute(query).fetchone()[0] or 0
            say(f"  half-written check, {name}: {count}")
            if count:
                ok = False
    say("PASS" if ok else "FAIL")
    return 0 if ok else 1


if __name__ == "__main__":
    sys.exit(main())
