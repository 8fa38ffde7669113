"""The breach drill lists, from the audit log, whose data one account read or changed in a
period: on a small log written by hand, the answer is known to the digit."""

from __future__ import annotations

import csv
import datetime as dt
import io

import pytest
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.management import CommandError, call_command
from django.utils import timezone

from qamqor.audit.selectors import account_footprint
from qamqor.core.testing import factories as f
from qamqor.families.models import Child, Parent
from qamqor.journal.models import Request

pytestmark = pytest.mark.django_db
READ, CHANGE = LogEntry.Action.ACCESS, LogEntry.Action.UPDATE


def at(day: int, hour: int) -> dt.datetime:
    return dt.datetime(2026, 3, day, hour, tzinfo=timezone.get_current_timezone())


def entry(actor, model, pk: int, action: int, when: dt.datetime, org: int, parent: int | None) -> None:
    LogEntry.objects.create(
        content_type=ContentType.objects.get_for_model(model),
        object_pk=str(pk),
        object_id=pk,
        object_repr="x",
        action=action,
        actor=actor,
        timestamp=when,
        additional_data={"organization_id": org, "parent_id": parent},
    )


@pytest.fixture
def log(kindergarten, other_kindergarten, methodist, head):
    """The methodist, in March 2026: in the kindergarten, family A's card read on the 2nd and
    the 3rd, A's child read on the 3rd, A's request 7 changed on the 4th; family B's card read
    on the 4th; in the other kindergarten, family C (anonymised since) read on the 5th. Outside
    the drill: a read on the 10th, and the head's reads."""
    a = f.ParentFactory(organization=kindergarten, full_name="Алматова Ару")
    b = f.ParentFactory(organization=kindergarten, full_name="Берікова Бота")
    c = f.ParentFactory(organization=other_kindergarten, full_name="—")
    Parent.objects.filter(pk=c.pk).update(anonymised_at=timezone.now())
    me, k, o = methodist.user, kindergarten.pk, other_kindergarten.pk
    entry(me, Parent, a.pk, READ, at(2, 9), k, a.pk)
    entry(me, Parent, a.pk, READ, at(3, 10), k, a.pk)
    entry(me, Child, 501, READ, at(3, 10), k, a.pk)
    entry(me, Request, 7, CHANGE, at(4, 11), k, a.pk)
    entry(me, Parent, b.pk, READ, at(4, 12), k, b.pk)
    entry(me, Parent, c.pk, READ, at(5, 8), o, c.pk)
    entry(me, Parent, a.pk, READ, at(10, 9), k, a.pk)
    entry(head.user, Parent, b.pk, READ, at(3, 9), k, b.pk)
    return {"a": a, "b": b, "c": c}


def test_the_footprint_by_organisation_family_and_record(log, methodist, kindergarten, other_kindergarten):
    orgs = account_footprint(user=methodist.user, date_from=dt.date(2026, 3, 1), date_to=dt.date(2026, 3, 5))
    assert [(o.organization_id, o.reads, o.changes, len(o.families)) for o in orgs] == [
        (kindergarten.pk, 4, 1, 2),
        (other_kindergarten.pk, 1, 0, 1),
    ]
    a = orgs[0].families[log["a"].pk]
    assert (a.name, a.reads, a.changes, a.first, a.last) == ("Алматова Ару", 3, 1, at(2, 9), at(4, 11))
    assert {key: (r.reads, r.changes) for key, r in a.records.items()} == {
        ("families.Parent", str(log["a"].pk)): (2, 0),
        ("families.Child", "501"): (1, 0),
        ("journal.Request", "7"): (0, 1),
    }
    assert orgs[1].families[log["c"].pk].name == ""  # anonymised: no name


def test_the_command_prints_the_listing(log, methodist, capsys):
    call_command("breach_drill", "--user", "methodist", "--from", "2026-03-01", "--to", "2026-03-05")
    out = capsys.readouterr().out
    assert "Алматова Ару" in out and "Берікова Бота" in out
    assert out.count("families.Parent") == 3 and "journal.Request 7" in out
    assert "2026-03-10" not in out


def test_the_command_writes_csv(log, methodist, kindergarten, capsys):
    call_command("breach_drill", "--user", "methodist", "--from", "2026-03-04", "--to", "2026-03-05", "--format", "csv")
    rows = list(csv.DictReader(io.StringIO(capsys.readouterr().out)))
    assert [(r["parent_id"], r["record_type"], r["record_id"], r["reads"], r["changes"]) for r in rows] == [
        (str(log["a"].pk), "journal.Request", "7", "0", "1"),
        (str(log["b"].pk), "families.Parent", str(log["b"].pk), "1", "0"),
        (str(log["c"].pk), "families.Parent", str(log["c"].pk), "1", "0"),
    ]
    assert rows[0]["first"] == "2026-03-04 11:00:00" and rows[0]["organization"] == kindergarten.name
    assert rows[2]["parent"] not in {"", "—"}  # the word for "anonymised"


def test_nothing_in_the_period(log, methodist, capsys):
    call_command("breach_drill", "--user", "methodist", "--from", "2025-01-01", "--to", "2025-01-31", "--format", "csv")
    assert capsys.readouterr().out.strip().splitlines() == [
        "organization_id,organization,parent_id,parent,record_type,record_id,reads,changes,first,last"
    ]


@pytest.mark.parametrize(
    "args",
    [
        ["--user", "nobody", "--from", "2026-03-01", "--to", "2026-03-05"],
        ["--user", "methodist", "--from", "2026-13-01", "--to", "2026-03-05"],
        ["--user", "methodist", "--from", "01.03.2026", "--to", "2026-03-05"],
        ["--user", "methodist", "--from", "2026-03-05", "--to", "2026-03-01"],
    ],
)
def test_clear_errors(methodist, args):
    with pytest.raises(CommandError) as error:
        call_command("breach_drill", *args)
    assert str(error.value)
