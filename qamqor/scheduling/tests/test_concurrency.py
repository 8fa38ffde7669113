"""Real threads on PostgreSQL: the database, not luck, keeps bookings and numbers right."""

from __future__ import annotations

import threading

import pytest
from django.core.exceptions import ValidationError
from django.db import connection, connections

from qamqor.core.testing import factories as f
from qamqor.journal.models import Request
from qamqor.journal.services import request_intake, request_route, request_schedule
from qamqor.scheduling.models import Appointment, AppointmentSpecialist
from qamqor.scheduling.services import SlotTaken, appointment_book

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),  # keep the migrations' regions and topics
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is tested on PostgreSQL"),
]

THREADS = 20


def run_together(target, count=THREADS):
    """Start `count` threads at the same instant; collect what each returned or raised."""
    barrier = threading.Barrier(count)
    results: list = [None] * count

    def worker(i):
        try:
            barrier.wait()
            results[i] = target(i)
        except Exception as exc:  # noqa: BLE001 (collected and asserted on below)
            results[i] = exc
        finally:
            connections.close_all()

    threads = [threading.Thread(target=worker, args=(i,)) for i in range(count)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    return results


def test_twenty_bookings_of_one_slot_give_one_appointment():
    organization = f.ConsultationPointFactory().organization
    specialist = f.staff(organization, "psychologist")
    f.weekly_hours(specialist, room=f.RoomFactory(organization=organization))
    when = f.at(f.next_working_monday(), "10:00")
    children = [f.ChildFactory(parent__organization=organization) for _ in range(THREADS)]

    results = run_together(
        lambda i: appointment_book(
            organization=organization, specialists=[specialist], starts_at=when, child=children[i], booked_by=None
        )
    )

    booked = [r for r in results if isinstance(r, Appointment)]
    refused = [r for r in results if isinstance(r, SlotTaken)]
    assert len(booked) == 1, results
    assert len(refused) == THREADS - 1, results
    assert Appointment.objects.count() == 1
    assert AppointmentSpecialist.objects.count() == 1


def test_the_database_refuses_an_overlap_the_service_did_not_see():
    """Even a write that skips the service's check is stopped by the exclusion constraint."""
    organization = f.ConsultationPointFactory().organization
    specialist = f.staff(organization, "psychologist")
    f.weekly_hours(specialist)
    when = f.at(f.next_working_monday(), "10:00")
    first = appointment_book(organization=organization, specialists=[specialist], starts_at=when, booked_by=None)
    from django.db import IntegrityError, transaction

    second = Appointment.objects.create(organization=organization, starts_at=first.starts_at, ends_at=first.ends_at)
    with pytest.raises(IntegrityError), transaction.atomic():
        AppointmentSpecialist.objects.create(
            appointment=second, membership=specialist, person_id=specialist.user_id, starts_at=when, ends_at=first.ends_at
        )


def test_twenty_intakes_get_twenty_consecutive_numbers():
    organization = f.ConsultationPointFactory().organization
    parent = f.ParentFactory(organization=organization)
    topic = f.topic()

    results = run_together(
        lambda i: request_intake(
            organization=organization, parent=parent, channel="phone", topic=topic, question=f"сұрақ {i}", received_by=None
        )
    )

    assert not [r for r in results if isinstance(r, Exception | ValidationError)], results
    numbers = sorted(Request.objects.values_list("number", flat=True))
    assert numbers == list(range(1, THREADS + 1))


def test_routing_and_booking_together_never_deadlock():
    """Half the threads route and book new requests, half book requests already routed, all
    with one specialist: every thread gets a time or a clear refusal, never a database error.
    (When the journal's version was renewed inside these transactions, its row was one more
    lock, taken before the specialist's by routing and after it by booking: a deadlock.)"""
    organization = f.ConsultationPointFactory().organization
    specialist = f.staff(organization, "psychologist")
    f.weekly_hours(specialist)
    parent = f.ParentFactory(organization=organization)
    requests = [
        request_intake(organization=organization, parent=parent, channel="phone", topic=f.topic(), question="?", received_by=None)
        for _ in range(THREADS)
    ]
    for routed in requests[1::2]:
        request_route(request=routed, specialists=[specialist], by=None)
    monday = f.next_working_monday()
    times = [f.at(monday, f"{9 + i // 2:02d}:{30 * (i % 2):02d}") for i in range(THREADS)]

    results = run_together(
        lambda i: request_schedule(request=requests[i], specialists=[specialist], starts_at=times[i % 8], by=None)
    )

    assert all(isinstance(r, Appointment | SlotTaken) for r in results), results
    assert len([r for r in results if isinstance(r, Appointment)]) == 8
