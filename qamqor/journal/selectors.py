"""The journal's rows, read as plain values, for the journal page and its print, PDF and XLSX
shapes alike. The page shows 50 rows of ten columns, and building model instances for them
(request, parent, child, topic, receiver, appointments, specialists) cost more than everything
else on the page together. Three queries whatever the number of rows."""

from __future__ import annotations

import datetime as dt
import hashlib
from dataclasses import dataclass

from django.conf import settings
from django.db import connection
from django.utils import formats, timezone, translation
from modeltranslation.utils import build_localized_fieldname, resolution_order

from qamqor.journal.models import Channel, JournalVersion, Request, Status, choice_label
from qamqor.scheduling.models import Appointment, AppointmentSpecialist

STATUS_COLOURS = {
    Status.DONE: "success",
    Status.CANCELLED: "secondary",
    Status.NO_SHOW: "secondary",
    Status.NEW: "warning",
}


@dataclass(frozen=True, slots=True)
class JournalRow:
    pk: int
    number: int
    date: str
    time: str
    channel: str
    parent: str
    child: str
    topic: str
    specialists: str
    recommendations: str
    status: str
    status_label: str
    status_colour: str


VERSION_SQL = f"SELECT version FROM {JournalVersion._meta.db_table} WHERE organization_id = %s"  # noqa: S608 (no user input)


def journal_cache_key(*, organization_id: int, visibility: str, language: str, query: str) -> str | None:
    """Where the rendered journal of this organisation, view and query is cached: the key
    holds the journal version, so a change to anything the page shows makes a new key. None
    (do not cache) for an organisation without a version."""
    # Every journal view asks this first, cache hit or not: a plain statement, because building
    # it with the ORM takes several times as long as running it.
    with connection.cursor() as cursor:
        cursor.execute(VERSION_SQL, [organization_id])
        row = cursor.fetchone()
    if row is None:
        return None
    version = row[0]
    digest = hashlib.blake2b(query.encode(), digest_size=16).hexdigest()
    return f"journal:{organization_id}:{version}:{visibility}:{language}:{digest}"


def _topic_columns() -> list[str]:
    """The topic's name columns in the order modeltranslation falls back for this language."""
    order = resolution_order(translation.get_language() or settings.LANGUAGE_CODE)
    return [f"topic__{build_localized_fieldname('name', language)}" for language in order]


def journal_values(requests) -> object:
    """The columns the journal shows, as a values() queryset to paginate or export."""
    return requests.values(
        "pk", "number", "received_at", "channel", "status", "recommendations", "answer", "answered_by_phone",
        "parent__full_name", "child__full_name", "received_by__full_name", "received_by__username", *_topic_columns(),
    )  # fmt: skip


def specialist_names(request_ids: list[int]) -> dict[int, list[str]]:
    """Who consults on each request: the people booked for its active appointments, in time
    order, or, before any booking, the specialists it was routed to."""
    names: dict[int, list[str]] = {}
    booked = (
        AppointmentSpecialist.objects.filter(appointment__request_id__in=request_ids)
        .exclude(appointment__status=Appointment.Status.CANCELLED)
        .order_by("appointment__starts_at", "pk")
        .values_list("appointment__request_id", "membership__user__full_name", "membership__user__username")
    )
    for request_id, full_name, username in booked:
        person = full_name or username
        if person not in names.setdefault(request_id, []):
            names[request_id].append(person)
    routed = (
        Request.specialists.through.objects.filter(request_id__in=[pk for pk in request_ids if pk not in names])
        .order_by("pk")
        .values_list("request_id", "membership__user__full_name", "membership__user__username")
    )
    for request_id, full_name, username in routed:
        names.setdefault(request_id, []).append(full_name or username)
    return names


def journal_rows(values: list[dict], *, shorten_to: int | None = None) -> list[JournalRow]:
    """Rows from journal_values(). Whoever answered a phone question at once is its specialist;
    `shorten_to` cuts long recommendations for the screen (the documents keep them whole)."""
    names = specialist_names([v["pk"] for v in values])
    topic_columns = _topic_columns()
    zone = timezone.get_current_timezone()
    dates: dict[dt.date, str] = {}  # a page spans a few days: format each once
    rows = []
    for v in values:
        received = v["received_at"].astimezone(zone)
        day = received.date()
        if day not in dates:
            dates[day] = formats.date_format(day, "SHORT_DATE_FORMAT")
        notes = v["recommendations"] or v["answer"]
        if shorten_to and len(notes) > shorten_to:
            notes = notes[: shorten_to - 1] + "…"
        specialists = names.get(v["pk"])
        if not specialists and v["answered_by_phone"]:
            specialists = [v["received_by__full_name"] or v["received_by__username"] or ""]
        rows.append(
            JournalRow(
                pk=v["pk"],
                number=v["number"],
                date=dates[day],
                time=f"{received:%H:%M}",
                channel=choice_label(Channel, v["channel"]),
                parent=v["parent__full_name"],
                child=v["child__full_name"] or "",
                topic=next((v[c] for c in topic_columns if v[c]), ""),
                specialists=", ".join(specialists or ()),
                recommendations=notes,
                status=v["status"],
                status_label=choice_label(Status, v["status"]),
                status_colour=STATUS_COLOURS.get(v["status"], "info"),
            )
        )
    return rows
