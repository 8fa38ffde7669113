"""Reads of the audit log: one organisation's entries (a head) or all (a system administrator)."""

from __future__ import annotations

import datetime as dt
from dataclasses import dataclass, field

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


# --- The breach drill: whose data one account read or changed in a period -------------------


@dataclass
class RecordTrace:
    record_type: str  # the model's label, e.g. "families.Child"
    record_id: str
    reads: int = 0
    changes: int = 0
    first: dt.datetime | None = None
    last: dt.datetime | None = None

    def add(self, action: int, at: dt.datetime) -> None:
        if action == LogEntry.Action.ACCESS:
            self.reads += 1
        else:
            self.changes += 1
        self.first = at if self.first is None or at < self.first else self.first
        self.last = at if self.last is None or at > self.last else self.last


@dataclass
class FamilyTrace(RecordTrace):
    parent_id: int | None = None
    name: str = ""  # the parent's name while it is kept; "" once anonymised or deleted
    records: dict[tuple[str, str], RecordTrace] = field(default_factory=dict)


@dataclass
class OrganizationTrace(RecordTrace):
    organization_id: int | None = None
    name: str = ""
    families: dict[int | None, FamilyTrace] = field(default_factory=dict)


def account_footprint(*, user, date_from: dt.date, date_to: dt.date) -> list[OrganizationTrace]:
    """From the audit log: every record of a family this account read (access entries) or
    changed between two local dates (both included), by organisation and family, with counts and
    the first and last time. Families come with the parent's current name, unless anonymised."""
    tz = timezone.get_current_timezone()
    entries = (
        LogEntry.objects.filter(
            actor=user,
            timestamp__gte=dt.datetime.combine(date_from, dt.time.min, tzinfo=tz),
            timestamp__lt=dt.datetime.combine(date_to + dt.timedelta(days=1), dt.time.min, tzinfo=tz),
        )
        .order_by("timestamp", "pk")
        .values_list("content_type_id", "object_pk", "action", "timestamp", "additional_data")
    )
    labels = {ct.pk: ct.model_class()._meta.label for ct in ContentType.objects.all() if ct.model_class()}
    organizations: dict[int | None, OrganizationTrace] = {}
    for content_type_id, object_pk, action, at, extra in entries.iterator():
        extra = extra if isinstance(extra, dict) else {}
        org_id, parent_id = extra.get("organization_id"), extra.get("parent_id")
        org = organizations.setdefault(org_id, OrganizationTrace("", "", organization_id=org_id))
        family = org.families.setdefault(parent_id, FamilyTrace("", "", parent_id=parent_id))
        label = labels.get(content_type_id, str(content_type_id))
        record = family.records.setdefault((label, object_pk), RecordTrace(label, object_pk))
        for trace in (org, family, record):
            trace.add(action, at)
    Organization = apps.get_model("orgs", "Organization")
    Parent = apps.get_model("families", "Parent")
    org_names = dict(Organization.objects.filter(pk__in=[k for k in organizations if k]).values_list("pk", "name"))
    parent_ids = [p for org in organizations.values() for p in org.families if p]
    names = dict(Parent.objects.filter(pk__in=parent_ids, anonymised_at__isnull=True).values_list("pk", "full_name"))
    for org in organizations.values():
        org.name = org_names.get(org.organization_id, "")
        for family in org.families.values():
            family.name = names.get(family.parent_id, "")
    return sorted(organizations.values(), key=lambda o: (o.organization_id is None, o.organization_id or 0))
