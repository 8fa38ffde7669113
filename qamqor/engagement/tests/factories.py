"""Events for the tests, made through the service (so they obey its rules)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from qamqor.engagement.models import Event
from qamqor.engagement.services import event_create


def event(organization, *, days: int = 7, hours: int = 2, by=None, **fields) -> Event:
    """A planned event `days` from now, in a hall, titled in Kazakh; `fields` override."""
    starts = timezone.now().replace(microsecond=0) + dt.timedelta(days=days)
    values = {
        "kind": Event.Kind.PARENT_MEETING,
        "title_kk": "Ата-аналар жиналысы",
        "starts_at": starts,
        "ends_at": starts + dt.timedelta(hours=hours),
        "place": "Мәжіліс залы",
        **fields,
    }
    return event_create(organization=organization, by=by, **values)


def held_in_past(organization, *, on: dt.datetime, **fields) -> Event:
    """An event that took place at `on`: planned first (the service refuses a past start), then
    moved back and marked held, as the back office records one after the fact."""
    made = event(organization, **fields)
    Event.objects.filter(pk=made.pk).update(starts_at=on, ends_at=on + dt.timedelta(hours=1), status=Event.Status.HELD)
    made.refresh_from_db()
    return made
