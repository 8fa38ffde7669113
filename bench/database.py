"""Where the benchmark's data lives: never the developer's database.

SQLite: data/bench/qamqor.sqlite3 (QAMQOR_DATA_DIR=data/bench). PostgreSQL: a database named
qamqor_bench on the server DATABASE_URL points at, created here when missing. Everything in
this module runs before Django starts, so the settings only ever see the benchmark database.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit, urlunsplit

REPO = Path(__file__).resolve().parent.parent
SQLITE_DIR = REPO / "data" / "bench"
POSTGRES_NAME = "qamqor_bench"


def configure() -> str:
    """Point the environment at the benchmark database; returns 'postgresql' or 'sqlite'."""
    os.environ["QAMQOR_DATA_DIR"] = str(SQLITE_DIR)
    (SQLITE_DIR / "static").mkdir(parents=True, exist_ok=True)  # STATIC_ROOT: WhiteNoise warns when it is missing
    url = os.environ.get("DATABASE_URL", "")
    scheme = urlsplit(url).scheme
    if scheme.startswith("postgres") or scheme == "pgsql":
        bench_url = _with_database(url, POSTGRES_NAME)
        _create_postgres_database(bench_url)
        os.environ["DATABASE_URL"] = bench_url
        return "postgresql"
    if url and not scheme.startswith("sqlite"):
        raise SystemExit(f"bench: DATABASE_URL must point at PostgreSQL (or be unset for SQLite), not {scheme}://")
    # An SQLite DATABASE_URL would be the developer's own file: use the benchmark's instead.
    os.environ.pop("DATABASE_URL", None)
    return "sqlite"


def describe(vendor: str) -> str:
    if vendor == "postgresql":
        parts = urlsplit(os.environ["DATABASE_URL"])
        return f"postgresql://{parts.hostname}:{parts.port or 5432}/{POSTGRES_NAME}"
    return str(SQLITE_DIR / "qamqor.sqlite3")


def reset() -> None:
    """Start from an empty database (Django must not hold a connection: call after close)."""
    if os.environ.get("DATABASE_URL"):
        _drop_postgres_database(os.environ["DATABASE_URL"])
        _create_postgres_database(os.environ["DATABASE_URL"])
        return
    for suffix in ("", "-wal", "-shm"):
        (SQLITE_DIR / f"qamqor.sqlite3{suffix}").unlink(missing_ok=True)


def _with_database(url: str, name: str) -> str:
    parts = urlsplit(url)
    return urlunsplit((parts.scheme, parts.netloc, f"/{name}", parts.query, parts.fragment))


def _libpq(url: str, database: str) -> str:
    parts = urlsplit(_with_database(url, database))
    return urlunsplit(("postgresql", *parts[1:]))


def _create_postgres_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(_libpq(url, "postgres"), autocommit=True) as conn:
        if conn.execute("SELECT 1 FROM pg_database WHERE datname = %s", [POSTGRES_NAME]).fetchone() is None:
            conn.execute(sql.SQL("CREATE DATABASE {}").format(sql.Identifier(POSTGRES_NAME)))


def _drop_postgres_database(url: str) -> None:
    import psycopg
    from psycopg import sql

    with psycopg.connect(_libpq(url, "postgres"), autocommit=True) as conn:
        conn.execute(sql.SQL("DROP DATABASE IF EXISTS {} WITH (FORCE)").format(sql.Identifier(POSTGRES_NAME)))
