"""Backups of the whole site: the database and the uploaded files in one archive.

An archive is a gzipped tar holding

- `manifest.json`: format version, database engine, the applied Django migrations, when it was
  made, the row count of every table, and a SHA-256 of each file in the archive;
- `database.sqlite3` (SQLite: a copy made with SQLite's online backup API, consistent while the
  site runs, whatever still sits in the WAL included) or `database.dump` (PostgreSQL:
  `pg_dump --format=custom`, taken in the same snapshot as the manifest's row counts);
- `media/…`: every file under MEDIA_ROOT.

`restore` checks the whole archive before it touches anything (the manifest, the checksums, the
engine, the schema), replaces the database in one transaction, then swaps the media folder in,
and finally compares every table's rows with the manifest. Archives hold personal data: they
are written readable by their owner only.
"""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import sqlite3
import subprocess
import tarfile
import tempfile
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from pathlib import Path, PurePosixPath

from django.conf import settings
from django.db import connection, connections
from django.db.migrations.loader import MigrationLoader
from django.utils import timezone
from django.utils.translation import gettext as _

FORMAT_VERSION = 1
MANIFEST = "manifest.json"
DATABASE_FILES = {"sqlite": "database.sqlite3", "postgresql": "database.dump"}
MEDIA_PREFIX = "media/"
CHUNK = 1 << 20


class BackupError(Exception):
    """A backup or restore refused or failed; the message says why, for the operator."""


@dataclass
class Manifest:
    engine: str
    migrations: dict[str, list[str]]
    created_at: str
    tables: dict[str, int]
    files: dict[str, str] = field(default_factory=dict)  # archive member -> sha256
    format_version: int = FORMAT_VERSION

    @property
    def media_files(self) -> list[str]:
        return sorted(name for name in self.files if name.startswith(MEDIA_PREFIX))

    def as_json(self) -> bytes:
        data = {
            "format_version": self.format_version,
            "engine": self.engine,
            "created_at": self.created_at,
            "migrations": self.migrations,
            "tables": self.tables,
            "files": self.files,
        }
        return json.dumps(data, ensure_ascii=False, indent=2, sort_keys=True).encode()


@dataclass(frozen=True)
class Restored:
    manifest: Manifest
    rows: int
    media_files: int
    unapplied: list[str]  # migrations of this code the archive's schema has not got yet


def engine() -> str:
    vendor = connection.vendor
    if vendor not in DATABASE_FILES:
        raise BackupError(_("Backups support SQLite and PostgreSQL only, not %(vendor)s.") % {"vendor": vendor})
    return vendor


def default_backup_dir() -> Path:
    return Path(settings.QAMQOR_BACKUP_DIR)


def media_root() -> Path:
    return Path(settings.MEDIA_ROOT)


# --- reading the database ---------------------------------------------------------------


_TABLES_SQL = {
    "sqlite": "SELECT name FROM sqlite_master WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY name",
    "postgresql": "SELECT tablename FROM pg_tables WHERE schemaname = current_schema() ORDER BY tablename",
}


def row_counts(cursor, vendor: str) -> dict[str, int]:
    """Every table of the database and its rows (not only Django's tables: a table some
    migration made with raw SQL is data too). Works on a Django cursor or a driver's own."""
    cursor.execute(_TABLES_SQL[vendor])
    counts = {}
    for (table,) in cursor.fetchall():
        cursor.execute(f'SELECT COUNT(*) FROM "{table}"')  # noqa: S608 (names from the catalogue)
        counts[table] = cursor.fetchone()[0]
    return counts


def _migrations_in(cursor, tables: dict[str, int]) -> dict[str, list[str]]:
    migrations: dict[str, list[str]] = {}
    if "django_migrations" in tables:
        cursor.execute("SELECT app, name FROM django_migrations ORDER BY app, name")
        for app, name in cursor.fetchall():
            migrations.setdefault(app, []).append(name)
    return migrations


def _sha256(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as handle:
        while chunk := handle.read(CHUNK):
            digest.update(chunk)
    return digest.hexdigest()


def _pg_env() -> dict[str, str]:
    """libpq's variables for pg_dump/pg_restore/psql: the password travels in the environment,
    never on a command line that `ps` shows to every user of the machine."""
    db = connection.settings_dict
    env = dict(os.environ)
    values = {"PGHOST": db.get("HOST"), "PGPORT": db.get("PORT"), "PGUSER": db.get("USER"), "PGPASSWORD": db.get("PASSWORD")}
    values["PGDATABASE"] = db.get("NAME")
    options = db.get("OPTIONS") or {}
    if options.get("sslmode"):
        values["PGSSLMODE"] = options["sslmode"]
    for key, value in values.items():
        if value:
            env[key] = str(value)
        else:
            env.pop(key, None)
    return env


def _run(command: list[str], *, env: dict[str, str], what: str, **kwargs) -> subprocess.CompletedProcess:
    try:
        result = subprocess.run(command, env=env, capture_output=True, check=False, **kwargs)  # noqa: S603
    except FileNotFoundError:
        raise BackupError(
            _("%(program)s is not installed: install the PostgreSQL client of the server's version.") % {"program": command[0]}
        ) from None
    if result.returncode != 0:
        stderr = result.stderr.decode(errors="replace").strip() if isinstance(result.stderr, bytes) else result.stderr
        raise BackupError(_("%(what)s failed: %(error)s") % {"what": what, "error": stderr[-2000:]})
    return result


def _copy_sqlite(target: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    """Copy the live database page by page with SQLite's backup API (readers and writers go on;
    the WAL's committed pages are included), then read the counts from the copy itself."""
    source = sqlite3.connect(connection.settings_dict["NAME"], timeout=20)
    copy = sqlite3.connect(target)
    try:
        source.backup(copy)
        copy.execute("PRAGMA journal_mode=DELETE")  # one self-contained file in the archive
        cursor = copy.cursor()
        counts = row_counts(cursor, "sqlite")
        return counts, _migrations_in(cursor, counts)
    finally:
        source.close()
        copy.close()


def _dump_postgresql(target: Path) -> tuple[dict[str, int], dict[str, list[str]]]:
    """pg_dump in the snapshot in which the row counts are read, so the manifest describes
    exactly the dump even while the site keeps writing."""
    raw = connection.get_new_connection(connection.get_connection_params())
    try:
        raw.autocommit = False
        with raw.cursor() as cursor:
            cursor.execute("SET TRANSACTION ISOLATION LEVEL REPEATABLE READ, READ ONLY")
            cursor.execute("SELECT pg_export_snapshot()")
            snapshot = cursor.fetchone()[0]
            _run(
                ["pg_dump", "--format=custom", "--no-owner", f"--snapshot={snapshot}", "--file", str(target)],
                env=_pg_env(),
                what="pg_dump",
            )
            counts = row_counts(cursor, "postgresql")
            migrations = _migrations_in(cursor, counts)
        raw.rollback()
    finally:
        raw.close()
    return counts, migrations


def _media_files() -> Iterator[Path]:
    root = media_root()
    if root.is_dir():
        yield from sorted(p for p in root.rglob("*") if p.is_file() and not p.is_symlink())


# --- backup -----------------------------------------------------------------------------


def backup_create(*, output: Path | None = None) -> tuple[Path, Manifest]:
    """Write an archive of the database and the media folder; return its path and manifest."""
    vendor = engine()
    now = timezone.now()
    if output is None:
        output = default_backup_dir() / f"qamqor-{vendor}-{now:%Y%m%d-%H%M%S}.tar.gz"
    output = Path(output)
    if output.is_dir():
        output = output / f"qamqor-{vendor}-{now:%Y%m%d-%H%M%S}.tar.gz"
    output.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix="qamqor-backup-", dir=output.parent) as work:
        database_file = Path(work) / DATABASE_FILES[vendor]
        counts, migrations = (_copy_sqlite if vendor == "sqlite" else _dump_postgresql)(database_file)
        media = list(_media_files())
        files = {DATABASE_FILES[vendor]: _sha256(database_file)}
        for path in media:
            files[MEDIA_PREFIX + path.relative_to(media_root()).as_posix()] = _sha256(path)
        manifest = Manifest(
            engine=vendor, migrations=migrations, created_at=now.isoformat(), tables=counts, files=files
        )
        manifest_file = Path(work) / MANIFEST
        manifest_file.write_bytes(manifest.as_json())
        # Written under a temporary name and renamed: a half-written archive never carries the
        # final name, so a cron job that copies finished archives away never takes one.
        partial = Path(work) / "archive.tar.gz"
        fd = os.open(partial, os.O_WRONLY | os.O_CREAT | os.O_EXCL, 0o600)
        with os.fdopen(fd, "wb") as raw, tarfile.open(fileobj=raw, mode="w:gz") as archive:
            archive.add(manifest_file, arcname=MANIFEST)
            archive.add(database_file, arcname=DATABASE_FILES[vendor])
            for path in media:
                archive.add(path, arcname=MEDIA_PREFIX + path.relative_to(media_root()).as_posix())
        os.replace(partial, output)
    return output, manifest


# --- restore ----------------------------------------------------------------------------


def _refuse_unreadable(path: Path) -> BackupError:
    return BackupError(_("%(path)s is not a readable Qamqor backup (damaged or not an archive).") % {"path": path})


@contextmanager
def _open_archive(path: Path) -> Iterator[tarfile.TarFile]:
    """The archive open for reading; any damage (a bad gzip stream raises zlib.error, a
    truncated one EOFError, a bad header TarError) becomes a clear refusal."""
    try:
        with tarfile.open(path, mode="r:gz") as archive:
            yield archive
    except (BackupError, KeyError, json.JSONDecodeError):
        raise
    except Exception as exc:
        raise _refuse_unreadable(path) from exc


def read_manifest(path: Path) -> Manifest:
    """The archive's manifest, or BackupError when it has none or an unknown one."""
    path = Path(path)
    if not path.is_file():
        raise BackupError(_("There is no file %(path)s.") % {"path": path})
    try:
        with _open_archive(path) as archive:
            member = archive.extractfile(MANIFEST)
            data = json.loads(member.read()) if member else None
    except (KeyError, json.JSONDecodeError, UnicodeDecodeError) as exc:
        raise _refuse_unreadable(path) from exc
    if not isinstance(data, dict) or data.get("format_version") != FORMAT_VERSION:
        raise BackupError(
            _("%(path)s is not a backup in a format this version of Qamqor reads (format %(version)s).")
            % {"path": path, "version": data.get("format_version") if isinstance(data, dict) else "?"}
        )
    try:
        return Manifest(
            engine=str(data["engine"]),
            migrations={str(k): [str(n) for n in v] for k, v in data["migrations"].items()},
            created_at=str(data["created_at"]),
            tables={str(k): int(v) for k, v in data["tables"].items()},
            files={str(k): str(v) for k, v in data["files"].items()},
        )
    except (KeyError, TypeError, ValueError, AttributeError) as exc:
        raise _refuse_unreadable(path) from exc


def unknown_migrations(manifest: Manifest) -> list[str]:
    """Migrations the archive's database had that this code does not know: a newer schema."""
    known = set(MigrationLoader(None, ignore_no_migrations=True).disk_migrations)
    return [f"{app}.{name}" for app, names in manifest.migrations.items() for name in names if (app, name) not in known]


def missing_migrations(manifest: Manifest) -> list[str]:
    """Migrations of this code the archive's database had not applied yet (`migrate` adds them)."""
    had = {(app, name) for app, names in manifest.migrations.items() for name in names}
    on_disk = MigrationLoader(None, ignore_no_migrations=True).disk_migrations
    return sorted(f"{app}.{name}" for app, name in on_disk if (app, name) not in had)


def check_archive(path: Path) -> Manifest:
    """Everything that can be checked before anything changes."""
    manifest = read_manifest(path)
    vendor = engine()
    names = {"sqlite": "SQLite", "postgresql": "PostgreSQL"}
    if manifest.engine != vendor:
        raise BackupError(
            _("This archive holds a %(archive)s database, but this site runs on %(site)s: it cannot be restored here.")
            % {"archive": names.get(manifest.engine, manifest.engine), "site": names[vendor]}
        )
    newer = unknown_migrations(manifest)
    if newer:
        raise BackupError(
            _(
                "This archive was made by a newer version of Qamqor (its database has migrations this code does not know: "
                "%(migrations)s). Install that version first, then restore."
            )
            % {"migrations": ", ".join(newer[:5]) + ("…" if len(newer) > 5 else "")}
        )
    if DATABASE_FILES[vendor] not in manifest.files:
        raise _refuse_unreadable(path)
    return manifest


def _extract_checked(path: Path, manifest: Manifest, into: Path) -> None:
    """Extract the database file and the media files, each checked against its checksum: a
    single damaged byte refuses the whole archive before anything changes."""
    with _open_archive(path) as archive:
        for member in archive:
            if member.name == MANIFEST:
                continue
            expected = manifest.files.get(member.name)
            posix = PurePosixPath(member.name)
            if expected is None or not member.isfile() or posix.is_absolute() or ".." in posix.parts:
                raise _refuse_unreadable(path)
            target = into / posix
            target.parent.mkdir(parents=True, exist_ok=True)
            digest = hashlib.sha256()
            source = archive.extractfile(member)
            with target.open("wb") as out:
                while chunk := source.read(CHUNK):
                    digest.update(chunk)
                    out.write(chunk)
            if digest.hexdigest() != expected:
                raise _refuse_unreadable(path)
    for name in manifest.files:
        if not (into / PurePosixPath(name)).is_file():
            raise _refuse_unreadable(path)


def _restore_sqlite(copy: Path) -> None:
    """Write the copy over the live database with the backup API, in one step under SQLite's
    lock, so the WAL and its index stay consistent (replacing the file under a running site
    would leave a stale -wal file beside it)."""
    check = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    try:
        ok = check.execute("PRAGMA integrity_check").fetchone()[0]
    finally:
        check.close()
    if ok != "ok":
        raise BackupError(_("The database in the archive is damaged: %(error)s") % {"error": ok})
    connections.close_all()
    target = Path(connection.settings_dict["NAME"])
    target.parent.mkdir(parents=True, exist_ok=True)
    source = sqlite3.connect(f"file:{copy}?mode=ro", uri=True)
    live = sqlite3.connect(target, timeout=20)
    try:
        source.backup(live)
        live.execute("PRAGMA journal_mode=WAL")
    finally:
        source.close()
        live.close()


# Drops what the dump does not hold (tables a newer migration made, say) in the same
# transaction as the restore: afterwards the schema is exactly the archive's, so `migrate`
# brings it forward without tripping over a table that is already there.
_DROP_EVERYTHING = """
DO $$
DECLARE item record;
BEGIN
  FOR item IN SELECT c.relname, c.relkind FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
              LEFT JOIN pg_depend d ON d.objid = c.oid AND d.deptype = 'e'
              WHERE n.nspname = current_schema() AND c.relkind IN ('r', 'v', 'm', 'S', 'p') AND d.objid IS NULL
              ORDER BY c.relkind = 'S' LOOP  -- tables first: their own sequences go with them
    EXECUTE format(CASE item.relkind WHEN 'v' THEN 'DROP VIEW IF EXISTS %I CASCADE'
                                     WHEN 'm' THEN 'DROP MATERIALIZED VIEW IF EXISTS %I CASCADE'
                                     WHEN 'S' THEN 'DROP SEQUENCE IF EXISTS %I CASCADE'
                                     ELSE 'DROP TABLE IF EXISTS %I CASCADE' END, item.relname);
  END LOOP;
END $$;
"""


def _restore_postgresql(dump: Path) -> None:
    """pg_restore --clean --if-exists --no-owner, played by psql in a single transaction: the
    database is either entirely the archive's or unchanged."""
    connections.close_all()
    env = _pg_env()
    # pg_restore writes the SQL, psql plays it: piped, so a large dump never sits in memory.
    try:
        restore = subprocess.Popen(  # noqa: S603
            ["pg_restore", "--clean", "--if-exists", "--no-owner", "--no-acl", "--file=-", str(dump)],  # noqa: S607
            env=env, stdout=subprocess.PIPE, stderr=subprocess.PIPE,
        )
    except FileNotFoundError:
        raise BackupError(
            _("%(program)s is not installed: install the PostgreSQL client of the server's version.") % {"program": "pg_restore"}
        ) from None
    try:
        _run(
            ["psql", "--no-psqlrc", "--quiet", "--set=ON_ERROR_STOP=1", "--single-transaction",
             f"--command={_DROP_EVERYTHING}", "--file=-"],
            env=env,
            what="psql",
            stdin=restore.stdout,
        )
    finally:
        restore.stdout.close()
        restore_error = restore.stderr.read().decode(errors="replace").strip()
        restore.wait()
    if restore.returncode != 0:
        raise BackupError(_("%(what)s failed: %(error)s") % {"what": "pg_restore", "error": restore_error[-2000:]})


def _swap_media(extracted: Path) -> int:
    """Put the archive's media folder in place of the current one; the old one goes only
    after the new one is in place."""
    root = media_root()
    root.parent.mkdir(parents=True, exist_ok=True)
    new = extracted / "media"
    if not new.is_dir():
        new.mkdir()
    staged = Path(tempfile.mkdtemp(prefix=".media-restoring-", dir=root.parent))
    staged.rmdir()
    shutil.move(str(new), staged)  # same filesystem as MEDIA_ROOT from here on: the renames are atomic
    old = root.parent / f".media-before-restore-{os.getpid()}"
    if root.exists():
        os.replace(root, old)
    os.replace(staged, root)
    shutil.rmtree(old, ignore_errors=True)
    return sum(1 for p in root.rglob("*") if p.is_file())


def backup_restore(*, path: Path) -> Restored:
    """Replace the database and the media folder with the archive's. Refused (BackupError,
    nothing changed) when the archive is damaged, of the other engine or of a newer schema."""
    path = Path(path)
    manifest = check_archive(path)
    vendor = manifest.engine
    media = media_root()
    media.parent.mkdir(parents=True, exist_ok=True)
    with tempfile.TemporaryDirectory(prefix=".qamqor-restore-", dir=media.parent) as work:
        _extract_checked(path, manifest, Path(work))
        database_file = Path(work) / DATABASE_FILES[vendor]
        (_restore_sqlite if vendor == "sqlite" else _restore_postgresql)(database_file)
        media_files = _swap_media(Path(work))
    connections.close_all()
    with connection.cursor() as cursor:
        counts = row_counts(cursor, vendor)
    differ = sorted(t for t in set(counts) | set(manifest.tables) if counts.get(t) != manifest.tables.get(t))
    if differ:
        raise BackupError(
            _("The restored database does not match the archive's manifest in tables: %(tables)s")
            % {"tables": ", ".join(differ)}
        )
    return Restored(manifest=manifest, rows=sum(counts.values()), media_files=media_files, unapplied=missing_migrations(manifest))
