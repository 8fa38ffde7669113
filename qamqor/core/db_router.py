"""Reports read from a PostgreSQL read replica when DATABASE_REPLICA_URL names one.

Only the code inside `reads_from_replica` (the officers' report views) reads there; everything
else, and every write, stays on the primary. Reports show counts over many organisations, so a
replica a few seconds behind changes nothing anybody acts on, while the journal and bookings
must always see their own writes at once and therefore never read from it.
"""

from __future__ import annotations

import functools
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from contextvars import ContextVar

from django.db import connections

REPLICA = "replica"
PRIMARY = "default"

# Set while a report is being built, for this thread (or task) only.
_reading_from_replica: ContextVar[bool] = ContextVar("qamqor_reading_from_replica", default=False)


@contextmanager
def replica_reads() -> Iterator[None]:
    token = _reading_from_replica.set(True)
    try:
        yield
    finally:
        _reading_from_replica.reset(token)


def reads_from_replica(view: Callable) -> Callable:
    """Decorate a view whose reads may go to the replica. The view must render its response
    inside (render(), not a lazy TemplateResponse), or the template's queries run after."""

    @functools.wraps(view)
    def wrapper(*args, **kwargs):
        with replica_reads():
            return view(*args, **kwargs)

    return wrapper


class ReplicaRouter:
    """Reads inside `replica_reads()` go to the replica, if one is configured; all else to the
    primary. The replica is a copy of the primary kept by PostgreSQL itself: the same tables,
    so relations between objects from either side are fine, and nothing is migrated on it."""

    def db_for_read(self, model, **hints) -> str | None:
        if _reading_from_replica.get() and REPLICA in connections:
            return REPLICA
        return None  # Django's own choice: the primary, or where a related instance came from

    def db_for_write(self, model, **hints) -> str:
        # Always the primary, even for an object read from the replica (Django would otherwise
        # save it back where it came from, and a replica refuses writes).
        return PRIMARY

    def allow_relation(self, obj1, obj2, **hints) -> bool:
        return True

    def allow_migrate(self, db: str, app_label: str, model_name: str | None = None, **hints) -> bool:
        return db == PRIMARY
