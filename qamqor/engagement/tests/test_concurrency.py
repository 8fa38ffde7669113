"""Real threads on PostgreSQL: 30 families sign up for 5 places at the same instant."""

from __future__ import annotations

import pytest
from django.db import connection

from qamqor.core.testing import factories as f
from qamqor.engagement import services
from qamqor.engagement.models import Registration
from qamqor.engagement.tests.factories import event
from qamqor.scheduling.tests.test_concurrency import run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),  # keep the migrations' regions and topics
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is tested on PostgreSQL"),
]

FAMILIES, PLACES = 30, 5


def test_thirty_sign_ups_for_five_places_give_five_places_and_an_ordered_waiting_list():
    organization = f.ConsultationPointFactory().organization
    e = event(organization, capacity=PLACES)

    results = run_together(
        lambda i: services.registration_create(
            event=e, full_name=f"Ата-ана {i}", phone=f"+7701555{i:04d}", client_address=f"10.2.0.{i}"
        ),
        count=FAMILIES,
    )

    assert all(isinstance(r, Registration) for r in results), results
    registered = Registration.objects.filter(event=e, status="registered")
    waiting = list(Registration.objects.filter(event=e).waiting_in_order())
    assert registered.count() == PLACES
    assert len(waiting) == FAMILIES - PLACES
    # The waiting list is in the order of arrival: whoever came later waits behind.
    assert [r.registered_at for r in waiting] == sorted(r.registered_at for r in waiting)
    assert max(r.registered_at for r in registered) <= min(r.registered_at for r in waiting)

    # Cancellations at the same instant: each freed place goes to the next one waiting, once.
    cancelled = run_together(lambda i: services.registration_cancel(registration=registered[i]), count=PLACES)
    assert all(len(c.promoted) == 1 for c in cancelled), cancelled
    assert Registration.objects.filter(event=e, status="registered").count() == PLACES
    now_registered = set(Registration.objects.filter(event=e, status="registered").values_list("pk", flat=True))
    assert now_registered == {r.pk for r in waiting[:PLACES]}


def test_the_same_phone_at_the_same_instant_gets_one_registration():
    organization = f.ConsultationPointFactory().organization
    e = event(organization, capacity=PLACES)
    results = run_together(
        lambda i: services.registration_create(event=e, full_name="Ата-ана", phone="+77015550000", client_address=f"10.3.0.{i}"),
        count=10,
    )
    assert sum(isinstance(r, Registration) for r in results) == 1
    assert Registration.objects.filter(event=e).count() == 1
