"""Real threads on PostgreSQL: parents racing for one time through the public site."""

from __future__ import annotations

import pytest
from django.db import connection

from qamqor.core.testing import factories as f
from qamqor.families.models import Child, Consent, Parent
from qamqor.journal.models import Request
from qamqor.portal.models import ApplicationAttempt
from qamqor.portal.services import Application, portal_apply
from qamqor.portal.tests.conftest import working_day
from qamqor.scheduling.models import Appointment
from qamqor.scheduling.services import SlotTaken
from qamqor.scheduling.tests.test_concurrency import run_together

pytestmark = [
    pytest.mark.postgres,
    pytest.mark.django_db(transaction=True, serialized_rollback=True),  # keep the migrations' regions and topics
    pytest.mark.skipif(connection.vendor != "postgresql", reason="concurrency is tested on PostgreSQL"),
]

THREADS = 12


def test_parents_racing_for_one_time_leave_one_complete_application():
    point = f.ConsultationPointFactory()
    psychologist = f.staff(point.organization, "psychologist")
    f.weekly_hours(psychologist, room=f.RoomFactory(organization=point.organization))
    when = f.at(working_day(), "10:00")

    results = run_together(
        lambda i: portal_apply(
            point=point,
            topic=f.topic("behaviour"),
            parent_full_name=f"Ата-ана {i}",
            phone=f"+770155500{i:02d}",
            question="?",
            consent_given=True,
            client_address=f"10.9.0.{i}",
            child_full_name=f"Бала {i}",
            child_birth_date=f.ChildFactory.birth_date,
            child_sex="f",
            specialist=psychologist,
            starts_at=when,
        ),
        count=THREADS,
    )

    won = [r for r in results if isinstance(r, Application)]
    lost = [r for r in results if isinstance(r, SlotTaken)]
    assert len(won) == 1, results
    assert len(lost) == THREADS - 1, results
    # Nothing of the losers stayed behind.
    assert Appointment.objects.count() == 1
    assert Request.objects.count() == Parent.objects.count() == Child.objects.count() == 1
    assert Consent.objects.count() == 2
    assert ApplicationAttempt.objects.count() == 2
    assert Request.objects.get().number == 1
