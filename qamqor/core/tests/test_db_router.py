"""The read replica for reports (qamqor/core/db_router.py): the officers' overview reads from
a second database alias while everything else, and every write, stays on the primary."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.db import connections
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qamqor.core.db_router import PRIMARY, REPLICA, ReplicaRouter, replica_reads
from qamqor.core.testing import factories as f
from qamqor.journal.models import Request
from qamqor.journal.services import request_intake

ROUTER = "qamqor.core.db_router.ReplicaRouter"


@pytest.fixture(scope="module")
def replica_alias(django_db_setup, django_db_blocker):
    """A 'replica' alias on a connection of its own to the test database, as a streaming
    replica would be: it sees what the primary committed, through another connection. Module
    scope, so that it exists before pytest-django opens the test's databases."""
    primary = connections[PRIMARY].settings_dict
    # A test mirror, as settings declare the real one: the test case neither flushes nor
    # reloads it (that is done once, through the primary), it only connects.
    connections.settings[REPLICA] = {**primary, "TEST": {**primary["TEST"], "MIRROR": PRIMARY}}
    try:
        yield connections[REPLICA]
    finally:
        with django_db_blocker.unblock():
            connections[REPLICA].close()
        del connections[REPLICA]
        del connections.settings[REPLICA]


def test_reads_go_to_the_replica_only_inside_replica_reads(replica_alias) -> None:
    router = ReplicaRouter()
    assert router.db_for_read(Request) is None  # Django's own choice: the primary
    with replica_reads():
        assert router.db_for_read(Request) == REPLICA
        assert router.db_for_write(Request) == PRIMARY
    assert router.db_for_read(Request) is None


def test_without_a_replica_everything_stays_on_the_primary(monkeypatch) -> None:
    monkeypatch.delitem(connections.settings, REPLICA, raising=False)
    router = ReplicaRouter()
    with replica_reads():
        assert router.db_for_read(Request) is None
        assert router.db_for_write(Request) == PRIMARY


def test_only_the_primary_is_migrated() -> None:
    router = ReplicaRouter()
    assert router.allow_migrate(PRIMARY, "journal") is True
    assert router.allow_migrate(REPLICA, "journal") is False


# Committed rows, as a replica sees them; serialized_rollback keeps the migrations' regions and topics.
@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=[PRIMARY, REPLICA])
def test_the_officers_overview_counts_on_the_replica(client, settings, replica_alias, district_officer, parent) -> None:
    settings.DATABASE_ROUTERS = [ROUTER]
    request_intake(
        organization=parent.organization,
        parent=parent,
        channel="phone",
        topic=f.topic(),
        question="?",
        received_by=None,
        answer="иә",
        call_minutes=3,
    )
    client.force_login(district_officer.user)
    with CaptureQueriesContext(connections[PRIMARY]) as primary, CaptureQueriesContext(replica_alias) as replica:
        response = client.get(reverse("reports:overview"))
    assert response.status_code == 200
    rows = {r["organization"].pk: r for r in response.context["rows"]}
    assert rows[parent.organization_id]["total"] == 1  # the replica's connection saw the committed request
    request_table = Request._meta.db_table
    assert any(request_table in q["sql"] for q in replica.captured_queries)
    # The primary still answers the session and the login (middleware, before the view).
    assert not any(request_table in q["sql"] for q in primary.captured_queries)


# Committed rows, as a replica sees them; serialized_rollback keeps the migrations' regions and topics.
@pytest.mark.django_db(transaction=True, serialized_rollback=True, databases=[PRIMARY, REPLICA])
def test_other_pages_never_read_from_the_replica(client, settings, replica_alias, methodist) -> None:
    settings.DATABASE_ROUTERS = [ROUTER]
    client.force_login(methodist.user)
    with CaptureQueriesContext(replica_alias) as replica:
        assert client.get(reverse("journal:list")).status_code == 200
    assert replica.captured_queries == []


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"DATABASE_URL": "", "DATABASE_REPLICA_URL": "postgres://r@127.0.0.1/q"}, "needs DATABASE_URL to point at PostgreSQL"),
        ({"DATABASE_URL": "postgres://p@127.0.0.1/q", "DATABASE_REPLICA_URL": "sqlite:///x.db"}, "must point at PostgreSQL"),
        ({"QAMQOR_CLIENT_ADDRESS_HEADER": "X-Real-IP: 1.2.3.4"}, "must be a header name"),
    ],
)
def test_settings_refuse_a_replica_or_proxy_header_that_makes_no_sense(environ, message) -> None:
    base = {k: v for k, v in os.environ.items() if not k.startswith(("DATABASE_", "QAMQOR_"))}
    done = subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
        [sys.executable, "-c", "import qamqor.settings"],
        env={**base, "DJANGO_DEBUG": "1", **environ},
        cwd=Path(__file__).resolve().parents[3],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert done.returncode != 0 and message in done.stderr, done.stderr
