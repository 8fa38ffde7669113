"""`manage.py backup` and `manage.py restore` on a real database of their own.

Each engine gets a site of its own in a temporary folder (SQLite: a file there; PostgreSQL: a
database `qamqor_restore_check_<random>` on the server of DATABASE_URL, created and dropped
here), migrated and filled with a row of every model and an uploaded file. The commands run in
processes of their own, as an operator runs them, so nothing here touches pytest's database.
"""

from __future__ import annotations

import hashlib
import io
import json
import os
import secrets
import subprocess
import sys
import tarfile
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

import pytest

REPO = Path(__file__).resolve().parents[3]
ENGINES = ["sqlite", "postgresql"]

# Tables that fill() must have put rows in: one of every model of Qamqor and of the libraries
# it keeps data in. A new model belongs in restore_check.fill() and here.
FILLED = {
    "core_user", "core_user_groups", "core_user_user_permissions", "auth_group", "auth_group_permissions",
    "django_admin_log", "django_session", "django_content_type", "django_migrations",
    "orgs_region", "orgs_district", "orgs_organization", "orgs_consultationpoint", "orgs_room", "orgs_membership",
    "families_parent", "families_consent", "families_child",
    "journal_topic", "journal_journalcounter", "journal_request", "journal_request_specialists",
    "journal_statuschange", "journal_journalversion",
    "scheduling_workinghours", "scheduling_closedday", "scheduling_appointment", "scheduling_appointmentspecialist",
    "portal_applicationattempt", "portal_feedback", "portal_material", "portal_material_topics",
    "portal_material_recommended_in", "portal_question",
    "auditlog_logentry", "axes_accessattempt", "axes_accessattemptexpiration", "axes_accessfailurelog", "axes_accesslog",
}


PG_PRIMARY_KEY = """
SELECT a.attname FROM pg_index i JOIN pg_attribute a ON a.attrelid = i.indrelid AND a.attnum = ANY(i.indkey)
WHERE i.indrelid = %s::regclass AND i.indisprimary ORDER BY array_position(i.indkey, a.attnum)
"""


def _order(columns: list[str]) -> str:
    return ", ".join(f'"{c}"' for c in columns) or "1"


def _table_hash(rows) -> list:
    digest, count = hashlib.sha256(), 0
    for row in rows:
        digest.update(repr(tuple(row)).encode())
        count += 1
    return [count, digest.hexdigest()]


class Site:
    """A Qamqor installation in a temporary folder, driven through manage.py."""

    def __init__(self, engine: str, root: Path, database_url: str | None):
        self.engine, self.root, self.database_url = engine, root, database_url
        self.media = root / "media"
        self.env = {k: v for k, v in os.environ.items() if k != "DATABASE_URL"}
        self.env.update({"DJANGO_DEBUG": "1", "QAMQOR_DATA_DIR": str(root), "DJANGO_SETTINGS_MODULE": "qamqor.settings"})
        if database_url:
            self.env["DATABASE_URL"] = database_url

    def run(self, *args: str, input: str | None = None, check: bool = True) -> subprocess.CompletedProcess:
        result = subprocess.run(  # noqa: S603
            [sys.executable, *args], cwd=REPO, env=self.env, capture_output=True, text=True, input=input, timeout=300
        )
        if check and result.returncode != 0:
            raise AssertionError(f"{args} failed ({result.returncode}):\n{result.stdout}\n{result.stderr}")
        return result

    def manage(self, *args: str, **kwargs) -> subprocess.CompletedProcess:
        return self.run("manage.py", *args, **kwargs)

    def fingerprint(self) -> dict:
        """Every table: its row count and a hash of all its rows in primary-key order; every media
        file: a hash of its bytes. Read with the database's own driver, without Django."""
        tables = {}
        if self.engine == "sqlite":
            import sqlite3

            conn = sqlite3.connect(self.root / "qamqor.sqlite3")
            try:
                query = "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite%'"
                names = [r[0] for r in conn.execute(query)]
                for name in names:
                    pk = [r[1] for r in sorted(conn.execute(f'PRAGMA table_info("{name}")'), key=lambda r: r[5]) if r[5]]
                    tables[name] = _table_hash(conn.execute(f'SELECT * FROM "{name}" ORDER BY {_order(pk)}'))  # noqa: S608
            finally:
                conn.close()
        else:
            import psycopg

            with psycopg.connect(self.database_url) as conn:
                names = [r[0] for r in conn.execute("SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
                for name in names:
                    pk = [r[0] for r in conn.execute(PG_PRIMARY_KEY, (f'public."{name}"',))]
                    tables[name] = _table_hash(conn.execute(f'SELECT * FROM public."{name}" ORDER BY {_order(pk)}'))  # noqa: S608
        media = {}
        if self.media.is_dir():
            for path in sorted(p for p in self.media.rglob("*") if p.is_file()):
                media[path.relative_to(self.media).as_posix()] = hashlib.sha256(path.read_bytes()).hexdigest()
        return {"tables": tables, "media": media}

    def destroy(self) -> None:
        """Lose everything: the database's tables (or its file) and the media folder."""
        if self.engine == "sqlite":
            for path in self.root.glob("qamqor.sqlite3*"):
                path.unlink()
        else:
            import psycopg

            with psycopg.connect(self.database_url, autocommit=True) as conn:
                conn.execute("DROP SCHEMA public CASCADE")
                conn.execute("CREATE SCHEMA public")
        import shutil

        shutil.rmtree(self.media)


def _admin_url(url: str, database: str) -> str:
    parts = urlsplit(url)
    return urlunsplit(parts._replace(path=f"/{database}"))


@pytest.fixture(scope="module", params=ENGINES)
def site(request, tmp_path_factory):
    """A migrated, filled site and its fingerprint, shared by the tests of one engine."""
    engine = request.param
    url = os.environ.get("DATABASE_URL", "")
    on_postgresql = url.startswith(("postgres://", "postgresql://"))
    if engine == "postgresql" and not on_postgresql:
        pytest.skip("DATABASE_URL is not PostgreSQL")
    if engine == "sqlite" and on_postgresql:
        pytest.skip("the SQLite run of the suite covers SQLite; this run keeps its minutes for PostgreSQL")
    root = tmp_path_factory.mktemp(f"site-{engine}")
    database_url = None
    if engine == "postgresql":
        import psycopg

        name = f"qamqor_restore_check_{secrets.token_hex(4)}"
        admin = _admin_url(url, "postgres")
        with psycopg.connect(admin, autocommit=True) as conn:
            conn.execute(f'CREATE DATABASE "{name}"')
        database_url = _admin_url(url, name)
        request.addfinalizer(lambda: _drop_database(admin, name))
    site = Site(engine, root, database_url)
    site.manage("migrate", "--no-input", "-v0")
    site.run("-m", "qamqor.core.testing.restore_check", "fill")
    site.before = site.fingerprint()
    site.archive = root / "backups" / "site.tar.gz"
    result = site.manage("backup", "--output", str(site.archive))
    assert str(site.archive) in result.stdout
    return site


def _drop_database(admin_url: str, name: str) -> None:
    import psycopg

    with psycopg.connect(admin_url, autocommit=True) as conn:
        conn.execute(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')


def test_the_site_holds_a_row_of_every_model_and_a_file(site):
    empty = sorted(t for t in FILLED if site.before["tables"].get(t, [0])[0] == 0)
    assert not empty, f"fill() left these tables empty: {empty}"
    assert site.before["media"], "fill() stored no uploaded file"


def test_backup_destroy_restore_finds_every_record(site):
    assert site.archive.stat().st_mode & 0o077 == 0, "an archive of personal data must be readable by its owner only"
    site.destroy()
    assert not site.media.exists()

    result = site.manage("restore", str(site.archive), "--yes")

    after = site.fingerprint()
    for table, (count, digest) in site.before["tables"].items():
        assert after["tables"].get(table) == [count, digest], f"{table}: {count} rows before, {after['tables'].get(table)} after"
    assert set(after["tables"]) == set(site.before["tables"])
    assert after["media"] == site.before["media"]
    assert str(sum(c for c, _ in site.before["tables"].values())) in result.stdout  # it says what it restored


def test_restore_asks_first_and_changes_nothing_without_yes(site):
    result = site.manage("restore", str(site.archive), input="no\n", check=False)

    assert result.returncode != 0
    assert site.fingerprint() == site.before


def _repacked(archive: Path, target: Path, *, manifest_change=None, damage: str | None = None) -> Path:
    """A copy of `archive` with its manifest changed, or one of its files' bytes altered."""
    with tarfile.open(archive, "r:gz") as source, tarfile.open(target, "w:gz") as out:
        for member in source:
            data = source.extractfile(member).read()
            if member.name == "manifest.json" and manifest_change:
                manifest = json.loads(data)
                manifest_change(manifest)
                data = json.dumps(manifest).encode()
            elif damage and member.name.startswith(damage):
                middle = len(data) // 2
                data = data[:middle] + bytes([data[middle] ^ 0xFF]) + data[middle + 1 :]
            member.size = len(data)
            out.addfile(member, io.BytesIO(data))
    return target


def _other_engine(manifest):
    manifest["engine"] = "postgresql" if manifest["engine"] == "sqlite" else "sqlite"


def _newer_schema(manifest):
    manifest["migrations"].setdefault("journal", []).append("9999_from_the_future")


def _truncated(archive: Path, target: Path) -> Path:
    target.write_bytes(archive.read_bytes()[: archive.stat().st_size // 2])
    return target


# The messages speak the site's language (Kazakh first): the tests look for what every
# language keeps (the engine's name, the migration, the file's name).
@pytest.mark.parametrize(
    ("make", "message"),
    [
        (lambda a, t: _repacked(a, t, manifest_change=_other_engine), "PostgreSQL"),
        (lambda a, t: _repacked(a, t, manifest_change=_newer_schema), "journal.9999_from_the_future"),
        (lambda a, t: _repacked(a, t, damage="database."), "bad.tar.gz"),
        (lambda a, t: _repacked(a, t, damage="media/"), "bad.tar.gz"),
        (_truncated, "bad.tar.gz"),
    ],
    ids=["other-engine", "newer-schema", "damaged-database", "damaged-media-file", "truncated"],
)
def test_a_bad_archive_is_refused_and_changes_nothing(site, make, message):
    bad = make(site.archive, site.root / "bad.tar.gz")

    result = site.manage("restore", str(bad), "--yes", check=False)

    assert result.returncode != 0
    assert message in result.stderr, result.stderr
    assert site.fingerprint() == site.before
