"""Real threads on PostgreSQL: a session's places and a child's time hold under concurrent adds."""

from __future__ import annotations

import pytest
from django.core.exceptions import ValidationError
from django.db import connection

from qamqor.core.testing import factories as f
from qamqor.scheduling.models import Participant
from qamqor.scheduling.sessions import SessionFull, participant_add, session_schedule
from qamqor.scheduling.tests.test_concurrency import run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is tested on PostgreSQL"),
]

THREADS = 20


def _session(organization, specialist, fmt, hhmm, **kwargs):
    return session_schedule(
        organization=organization,
        format=fmt,
        specialists=[specialist],
        starts_at=f.at(f.next_working_monday(), hhmm),
        booked_by=None,
        **kwargs,
    )


def test_twenty_adds_to_three_places_give_three_participants():
    organization = f.ConsultationPointFactory().organization
    specialist = f.staff(organization, "psychologist")
    f.weekly_hours(specialist, room=f.RoomFactory(organization=organization))
    session = _session(organization, specialist, "mini_group", "10:00", capacity=3)
    children = [f.ChildFactory(parent__organization=organization) for _ in range(THREADS)]

    results = run_together(lambda i: participant_add(session=session, child=children[i], by=None), THREADS)

    added = [r for r in results if isinstance(r, Participant)]
    full = [r for r in results if isinstance(r, SessionFull)]
    assert len(added) == 3, results
    assert len(full) == THREADS - 3, results
    assert Participant.objects.filter(appointment=session, is_active=True).count() == 3


def test_one_child_added_to_two_overlapping_sessions_at_once_ends_up_in_one():
    organization = f.ConsultationPointFactory().organization
    sessions = []
    for i in range(THREADS):
        specialist = f.staff(organization, "psychologist")
        f.weekly_hours(specialist)
        sessions.append(_session(organization, specialist, "training", f"10:{i % 2 * 15:02d}", minutes=30, capacity=12))
    child = f.ChildFactory(parent__organization=organization)

    results = run_together(lambda i: participant_add(session=sessions[i], child=child, by=None), THREADS)

    assert len([r for r in results if isinstance(r, Participant)]) == 1, results
    assert all(isinstance(r, Participant | ValidationError) for r in results), results
    assert Participant.objects.filter(child=child, is_active=True).count() == 1


def test_the_database_refuses_a_child_in_two_overlapping_sessions_the_service_did_not_see():
    from django.db import IntegrityError, transaction

    organization = f.ConsultationPointFactory().organization
    first, second = (f.staff(organization, "psychologist") for _ in range(2))
    for specialist in (first, second):
        f.weekly_hours(specialist)
    one = _session(organization, first, "training", "10:00")
    other = _session(organization, second, "training", "10:15")
    child = f.ChildFactory(parent__organization=organization)
    participant_add(session=one, child=child, by=None)
    with pytest.raises(IntegrityError), transaction.atomic():
        Participant.objects.create(appointment=other, child=child, starts_at=other.starts_at, ends_at=other.ends_at)
