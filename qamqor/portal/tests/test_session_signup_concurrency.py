"""Real threads on PostgreSQL: families signing up on the site at the same moment never get
more places than a session has; the rest get "no places left" and nothing of theirs is kept."""

from __future__ import annotations

import pytest
from django.db import connection

from qamqor.core.testing import factories as f
from qamqor.families.models import Parent
from qamqor.portal.session_signup import session_sign_up
from qamqor.scheduling.models import Participant
from qamqor.scheduling.sessions import SessionFull, session_schedule
from qamqor.scheduling.tests.test_concurrency import run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is tested on PostgreSQL"),
]

THREADS = 12


@pytest.fixture
def open_session():
    """A mini-group of three places, open to sign-up on its point's page."""
    point = f.ConsultationPointFactory()
    organization = point.organization
    specialist = f.staff(organization, "psychologist")
    f.weekly_hours(specialist, room=f.RoomFactory(organization=organization))
    session = session_schedule(
        organization=organization,
        format="mini_group",
        specialists=[specialist],
        starts_at=f.at(f.next_working_monday(), "10:00"),
        booked_by=None,
        capacity=3,
        public_sign_up=True,
    )
    return point, session


def family_signing_up(point, session, *, network: int, **options):
    """Family i's sign-up, from its own phone and address (the site's limits stay out of it)."""

    def sign_up(i: int):
        return session_sign_up(
            point=point,
            session=session,
            parent_full_name=f"Ата-ана {i}",
            phone=f"8 701 555 {network} {10 + i}",
            consent_given=True,
            client_address=f"10.{network}.0.{i}",
            child_full_name=f"Бала {i}",
            child_birth_date=f.ChildFactory.build().birth_date,
            child_sex="f",
            **options,
        )

    return sign_up


def test_twelve_sign_ups_for_three_places_give_three(open_session):
    point, session = open_session
    results = run_together(family_signing_up(point, session, network=20), THREADS)

    assert len([r for r in results if isinstance(r, Participant)]) == 3, results
    assert len([r for r in results if isinstance(r, SessionFull)]) == THREADS - 3, results
    assert Participant.objects.filter(appointment=session, is_active=True).count() == 3
    assert Parent.objects.filter(organization=point.organization).count() == 3  # the refused left nothing


def test_ten_sign_ups_for_three_places_give_three_and_a_waiting_list_of_seven_in_order(open_session):
    point, session = open_session
    results = run_together(family_signing_up(point, session, network=30, join_waiting_list=True), 10)

    assert all(isinstance(r, Participant) for r in results), results
    assert Participant.objects.active().filter(appointment=session).count() == 3
    waiting = list(Participant.objects.waiting_in_order().filter(appointment=session))
    assert len(waiting) == 7
    # The order of arrival is the order the lock let them through: times and ids agree, and
    # each one's number is its place in that order.
    assert [p.pk for p in waiting] == sorted(p.pk for p in waiting)
    assert [p.waiting_number for p in waiting] == list(range(1, 8))
