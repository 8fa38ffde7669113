"""The REST API's free times and booking (issue 8), measured as the pages are: in this process,
through Django's request handler, one request at a time, in turns with the floor.

* Free times: `GET /api/v1/points/<measured point>/free-slots/` without a token, as a district
  portal or a school's site asks it: every specialist of the point, the default week.
* Booking: `POST /api/v1/bookings/` without a token, JSON, a new Idempotency-Key each call: the
  public site's whole application (parent, consent, child, request in the journal, booking) plus
  the key and, after the commit, notify's reminders. Each call comes from another parent (its
  own phone number, `PHONE_PREFIX`…) on another device (its own client address), as real calls
  do; otherwise the site's limits (five applications an hour per device, three per phone) would
  refuse the sixth call. The times are distinct free slots of many specialists of other
  organisations than the measured one, so the journal measured beside it stays cached.

The API's throttle runs on every call and counts in the database, as in production (one
`ApplicationAttempt` row per call, shared by all web processes). Everything a booking wrote, those
rows included, is deleted by `ApiBooking.clear()` (at the start too, in case an earlier run was
interrupted), and the journal counters it moved are put back, so every run books into the same
dataset.
"""

from __future__ import annotations

import datetime as dt
import json
import uuid
from collections.abc import Iterator
from dataclasses import dataclass, field
from itertools import chain, zip_longest

from django.db import transaction
from django.test import Client
from django.urls import reverse
from django.utils import timezone

from bench.dataset import Dataset
from qamqor.api.models import IdempotencyKey
from qamqor.families.models import Child, Parent
from qamqor.journal.models import JournalCounter, Request, Topic
from qamqor.orgs.models import ConsultationPoint, Membership
from qamqor.portal.models import ApplicationAttempt
from qamqor.scheduling.models import Appointment, AppointmentSpecialist
from qamqor.scheduling.services import free_slots

PHONE_PREFIX = "+7708"  # the generator's parents have +7701…: these are the benchmark's callers
BOOKING_DAYS = 13  # from tomorrow: inside the API's booking window of 14 days


def address(n: int) -> str:
    return f"10.{(n >> 16) & 255}.{(n >> 8) & 255}.{n & 255}"


@dataclass
class ApiFreeSlots:
    """GET the measured point's free times for the week, each call from another address."""

    dataset: Dataset
    calls: int = 0
    slots: int = 0

    def __post_init__(self) -> None:
        self.client = Client(HTTP_HOST="localhost")
        point = ConsultationPoint.objects.get(organization_id=self.dataset.target_organization_id)
        self.url = reverse("api:free_slots", args=[point.pk])
        response = self._get()
        if response.status_code != 200:
            raise SystemExit(f"bench: GET {self.url} answered {response.status_code}: {response.content[:300]!r}")
        self.slots = json.loads(response.content)["count"]

    def _get(self):
        self.calls += 1
        return self.client.get(self.url, REMOTE_ADDR=address(self.calls))

    def __call__(self) -> object:
        return self._get()


@dataclass
class ApiBooking:
    """One API booking per call, for distinct free slots of many specialists (the last ones of
    the dataset: the form booking of bench/measure.py takes the first ones)."""

    dataset: Dataset
    needed: int
    specialists: int = 0
    refused: int = 0
    calls: int = 0
    counters: list[tuple[int, int]] = field(default_factory=list)  # JournalCounter (pk, last_number) to restore

    def __post_init__(self) -> None:
        self.clear()
        self.client = Client(HTTP_HOST="localhost")
        self.url = reverse("api:bookings")
        self.topics = self._topics()
        candidates = self._candidates()
        self._next: Iterator[tuple[Membership, dt.datetime]] = iter(candidates)
        self.available = len(candidates)
        organizations = {membership.organization_id for membership, _starts_at in candidates}
        self.points = dict(
            ConsultationPoint.objects.filter(organization_id__in=organizations).values_list("organization_id", "pk")
        )
        self.counters = list(JournalCounter.objects.filter(organization_id__in=organizations).values_list("pk", "last_number"))

    def __call__(self) -> bool:
        candidate = next(self._next, None)
        if candidate is None:
            return False
        membership, starts_at = candidate
        self.calls += 1
        point = self.points[membership.organization_id]
        n = self.calls
        body = {
            "point": point,
            "topic": self.topics[membership.role],
            "parent_full_name": "Бенчмарк Ата-ана",
            "phone": f"{PHONE_PREFIX}{n:07d}",
            "language": "kk",
            "question": "Бала сөйлемейді",
            "consent_given": True,
            "child_full_name": "Бенчмарк Бала",
            "child_birth_date": "2021-03-14",
            "child_sex": "f",
            "specialist": membership.pk,
            "starts_at": starts_at.isoformat(),
        }
        response = self.client.post(
            self.url,
            json.dumps(body),
            content_type="application/json",
            HTTP_IDEMPOTENCY_KEY=str(uuid.uuid4()),
            REMOTE_ADDR=address(n),
        )
        if response.status_code == 409:  # a time just taken: counted and reported, never expected
            self.refused += 1
        elif response.status_code != 201:
            raise SystemExit(f"bench: API booking answered {response.status_code}: {response.content[:500]!r}")
        return True

    @transaction.atomic
    def clear(self) -> None:
        """Delete what the API bookings wrote (their parents have the benchmark's phone prefix)."""
        parents = Parent.objects.filter(phone__startswith=PHONE_PREFIX)
        requests = Request.objects.filter(parent__in=parents)
        appointments = Appointment.objects.filter(request__in=requests)
        AppointmentSpecialist.objects.filter(appointment__in=appointments).delete()
        appointments.delete()
        requests.delete()  # with their status changes, routing, messages and staff notifications
        Child.objects.filter(parent__in=parents).delete()
        parents.delete()  # with their consents and messages
        # The benchmark's database holds no other attempts, keys or queued tasks than these.
        ApplicationAttempt.objects.all().delete()
        IdempotencyKey.objects.all().delete()
        from django_tasks_db.models import DBTaskResult

        DBTaskResult.objects.all().delete()
        for pk, last_number in self.counters:
            JournalCounter.objects.filter(pk=pk).update(last_number=last_number)

    def _topics(self) -> dict[str, str]:
        """For each specialist's role, a topic that role answers (the topic's code)."""
        topics: dict[str, str] = {}
        for code, roles in Topic.objects.filter(is_active=True).order_by("position", "code").values_list("code", "roles"):
            for role in roles or []:
                topics.setdefault(role, code)
        return topics

    def _candidates(self) -> list[tuple[Membership, dt.datetime]]:
        start = timezone.localdate() + dt.timedelta(days=1)
        specialists = (
            Membership.objects.filter(role__in=("psychologist", "speech_therapist"), is_active=True, organization__isnull=False)
            .exclude(organization_id=self.dataset.target_organization_id)
            .select_related("organization", "user")
            .order_by("-pk")
        )
        per_specialist, total = [], 0
        for membership in specialists.iterator():
            slots = [
                (membership, slot.starts_at) for slot in free_slots(specialists=[membership], start=start, days=BOOKING_DAYS)
            ]
            per_specialist.append(slots)
            total += len(slots)
            if total >= self.needed:
                break
        self.specialists = len(per_specialist)
        return [c for c in chain.from_iterable(zip_longest(*per_specialist)) if c is not None]
