"""Real threads on PostgreSQL: one booking sent several times at once with one Idempotency-Key
(a client that retries before the first answer came) books once, and every call gets the same
answer."""

from __future__ import annotations

import uuid

import pytest
from django.db import connection
from django.urls import reverse
from rest_framework.test import APIClient

from qamqor.api.models import IdempotencyKey
from qamqor.core.testing import factories as f
from qamqor.journal.models import Request
from qamqor.portal.tests.conftest import working_day
from qamqor.scheduling.models import Appointment
from qamqor.scheduling.tests.test_concurrency import run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),  # keep the migrations' regions and topics
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is tested on PostgreSQL"),
]

THREADS = 8


def test_concurrent_calls_with_one_key_book_once_and_answer_alike():
    point = f.ConsultationPointFactory()
    psychologist = f.staff(point.organization, "psychologist")
    f.weekly_hours(psychologist, room=f.RoomFactory(organization=point.organization))
    body = {
        "point": point.pk,
        "topic": "behaviour",
        "parent_full_name": "Әбенова Мадина",
        "phone": "+77015551234",
        "question": "Бала түнде жиі оянады",
        "consent_given": True,
        "specialist": psychologist.pk,
        "starts_at": f.at(working_day(), "10:00").isoformat(),
    }
    key = str(uuid.uuid4())

    def call(_i):
        return APIClient().post(reverse("api:bookings"), body, format="json", HTTP_IDEMPOTENCY_KEY=key)

    responses = run_together(call, count=THREADS)

    assert all(not isinstance(r, Exception) for r in responses), responses
    assert {r.status_code for r in responses} == {201}
    assert all(r.json() == responses[0].json() for r in responses)  # the same answer to every call
    assert sum(r.get("Idempotent-Replayed") == "true" for r in responses) == THREADS - 1
    assert Request.objects.count() == Appointment.objects.count() == IdempotencyKey.objects.count() == 1
