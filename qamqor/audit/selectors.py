"""Reads of the audit log: one organisation's entries (a head) or all (a system administrator)."""

from __future__ import annotations

import datetime as dt

from auditlog.models import LogEntry
from django.apps import apps
from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet
from django.utils import timezone

# A name search that matches more families than this is too broad to be a search for a person.
MAX_FAMILIES = 200


def audit_entries(
    *,
    organization_id: int | None,
    actor: str = "",
    record_type: str = "",
    record_id: int | None = None,
    family: str = "",
    date_from: dt.date | None = None,
    date_to: dt.date | None = None,
) -> QuerySet[LogEntry]:
    """Entries newest first; `organization_id=None` means every organisation's."""
    entries = LogEntry.objects.select_related("actor", "content_type").order_by("-timestamp", "-pk")
    if organization_id is not None:
        entries = entries.filter(additional_data__organization_id=organization_id)
    if actor:
        entries = entries.filter(Q(actor__username__iexact=actor) | Q(actor__full_name__icontains=actor))
    if record_type:
        entries = entries.filter(content_type=ContentType.objects.get_for_model(apps.get_model(record_type)))
        if record_id:
            entries = entries.filter(object_pk=str(record_id))
    if family:
        Parent = apps.get_model("families", "Parent")
        parents = Parent.objects.filter(Q(full_name__icontains=family) | Q(children__full_name__icontains=family))
        if organization_id is not None:
            parents = parents.filter(organization_id=organization_id)
        parent_ids = list(parents.values_list("pk", flat=True).distinct()[:MAX_FAMILIES])
        entries = entries.filter(additional_data__parent_id__in=parent_ids)
    tz = timezone.get_current_timezone()
    if date_from:
        entries = entries.filter(timestamp__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=tz))
    if date_to:
        entries = entries.filter(timestamp__lt=dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz))
    return entries
