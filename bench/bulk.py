"""Writing millions of rows quickly: COPY on PostgreSQL, executemany on SQLite, with the
tables' secondary indexes and constraints dropped during the load and rebuilt after it (as
pg_restore does): building an index once is far cheaper than maintaining it row by row."""

from __future__ import annotations

from collections.abc import Iterator, Sequence
from contextlib import contextmanager

from django.db import connection, models


class Writer:
    """Bulk rows into a model's table. `given` names the attributes each row holds, in order;
    the model's other columns get the field's default (so a field added later with a default
    does not break the generator), and an auto primary key not given is left to the database."""

    def __init__(self) -> None:
        self.postgres = connection.vendor == "postgresql"
        self._plans: dict[tuple[type[models.Model], tuple[str, ...]], tuple[str, tuple]] = {}

    def write(self, model: type[models.Model], given: tuple[str, ...], rows: list[tuple]) -> None:
        if not rows:
            return
        statement, defaults = self._plan(model, given)
        if defaults:
            rows = [row + defaults for row in rows]
        connection.ensure_connection()
        raw = connection.connection
        if self.postgres:
            with raw.cursor() as cursor, cursor.copy(statement) as copy:
                for row in rows:
                    copy.write_row(row)
        else:
            raw.executemany(statement, rows)

    def _plan(self, model: type[models.Model], given: tuple[str, ...]) -> tuple[str, tuple]:
        key = (model, given)
        if key not in self._plans:
            by_attname = {f.attname: f for f in model._meta.concrete_fields}
            unknown = set(given) - set(by_attname)
            if unknown:
                raise ValueError(f"{model.__name__} has no column for {sorted(unknown)}")
            others = [f for f in model._meta.concrete_fields if f.attname not in given and not f.primary_key]
            defaults = tuple(f.get_db_prep_save(f.get_default(), connection) for f in others)
            quote = connection.ops.quote_name
            columns = ", ".join(quote(by_attname[a].column) for a in given) + "".join(f", {quote(f.column)}" for f in others)
            table = quote(model._meta.db_table)
            if self.postgres:
                statement = f"COPY {table} ({columns}) FROM STDIN"
            else:
                statement = f"INSERT INTO {table} ({columns}) VALUES ({', '.join('?' * (len(given) + len(others)))})"
            self._plans[key] = (statement, defaults)
        return self._plans[key]


@contextmanager
def fast_load(tables: Sequence[str]) -> Iterator[None]:
    """Within: the tables have no secondary index, no unique or exclusion constraint and no
    foreign key (SQLite: foreign keys not enforced). After: all rebuilt, so whatever the
    load broke fails here. Primary keys stay."""
    if connection.vendor == "postgresql":
        with _postgres_without_constraints(tables):
            yield
    else:
        with connection.constraint_checks_disabled(), _sqlite_without_indexes(tables):
            yield


@contextmanager
def _sqlite_without_indexes(tables: Sequence[str]) -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute(
            f"SELECT name, sql FROM sqlite_master WHERE type = 'index' AND sql IS NOT NULL AND tbl_name IN ({', '.join('%s' for _ in tables)})",
            list(tables),
        )
        indexes = cursor.fetchall()
        for name, _sql in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
    yield
    with connection.cursor() as cursor:
        for _name, sql in indexes:
            cursor.execute(sql)


@contextmanager
def _postgres_without_constraints(tables: Sequence[str]) -> Iterator[None]:
    with connection.cursor() as cursor:
        cursor.execute(
            """SELECT c.conrelid::regclass::text, c.conname, pg_get_constraintdef(c.oid), c.contype
               FROM pg_constraint c WHERE c.conrelid = ANY(%s::regclass[]) AND c.contype IN ('f', 'u', 'x')""",
            [list(tables)],
        )
        constraints = cursor.fetchall()
        cursor.execute(
            """SELECT i.relname, pg_get_indexdef(i.oid) FROM pg_index x JOIN pg_class i ON i.oid = x.indexrelid
               WHERE x.indrelid = ANY(%s::regclass[]) AND NOT x.indisprimary
               AND NOT EXISTS (SELECT 1 FROM pg_constraint c WHERE c.conindid = x.indexrelid AND c.conrelid = x.indrelid)""",
            [list(tables)],
        )
        indexes = cursor.fetchall()
        foreign_keys_first = sorted(constraints, key=lambda c: c[3] != "f")
        for table, name, _definition, _kind in foreign_keys_first:
            cursor.execute(f"ALTER TABLE {table} DROP CONSTRAINT {connection.ops.quote_name(name)}")
        for name, _definition in indexes:
            cursor.execute(f"DROP INDEX {connection.ops.quote_name(name)}")
        cursor.execute("SET maintenance_work_mem TO '512MB'")
        cursor.execute("SET synchronous_commit TO off")
    yield
    with connection.cursor() as cursor:
        for _name, definition in indexes:
            cursor.execute(definition)
        for table, name, definition, _kind in reversed(foreign_keys_first):
            cursor.execute(f"ALTER TABLE {table} ADD CONSTRAINT {connection.ops.quote_name(name)} {definition}")
        cursor.execute("RESET maintenance_work_mem")
        cursor.execute("RESET synchronous_commit")
