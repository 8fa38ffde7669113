"""The API's fixtures: a client that speaks JSON, a bookable point, tokens."""

from __future__ import annotations

import datetime as dt
import uuid

import pytest
from django.urls import reverse
from rest_framework.test import APIClient

from qamqor.api.services import api_token_issue
from qamqor.core.testing import factories as f
from qamqor.portal.tests.conftest import working_day


@pytest.fixture
def api():
    return APIClient()


@pytest.fixture
def point(kindergarten):
    return kindergarten.consultation_point


@pytest.fixture
def day() -> dt.date:
    return working_day()


@pytest.fixture
def booking(point, psychologist, day) -> dict:
    """A complete booking with the psychologist at 10:00 on the next working day."""
    return {
        "point": point.pk,
        "topic": "behaviour",
        "parent_full_name": "Әбенова Мадина Серікқызы",
        "phone": "8 701 555 12 34",
        "email": "madina@example.com",
        "language": "kk",
        "question": "Бала түнде жиі оянады",
        "consent_given": True,
        "child_full_name": "Әбенов Нұрсұлтан",
        "child_birth_date": "2022-05-17",
        "child_sex": "m",
        "specialist": psychologist.pk,
        "starts_at": f.at(day, "10:00").isoformat(),
    }


def book(api, body, key: str | None = None, **headers):
    """POST a booking with an Idempotency-Key (a new one unless given)."""
    return api.post(reverse("api:bookings"), body, format="json", HTTP_IDEMPOTENCY_KEY=key or str(uuid.uuid4()), **headers)


def issue(organization, *roles: str, name: str = "Аудан порталы"):
    """A token of `organization` with `roles`; returns (token row, raw token)."""
    issued = api_token_issue(organization=organization, name=name, roles=list(roles), by=None)
    return issued.token, issued.raw


def bearer(raw: str) -> dict:
    return {"HTTP_AUTHORIZATION": f"Bearer {raw}"}
