"""Access entries: a page that shows a child's card or a family's details says so in the audit log.

auditlog's `accessed` signal writes one entry per record, one insert each; a page that shows
several records (a parent's card with the children, a specialist's day) writes them all here in
one insert, with the same fields auditlog itself fills (who, from where, the organisation and
the parent in `additional_data`), so the count of queries does not grow with the rows shown.
"""

from __future__ import annotations

from auditlog.cid import get_cid
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Model
from django.utils.encoding import smart_str

from qamqor.audit.context import current_request


def records_read(*instances: Model | None) -> list[LogEntry]:
    """One access entry for each record shown (None and unsaved ones are skipped)."""
    request = current_request.get()
    user = getattr(request, "user", None)
    actor = user if user is not None and user.is_authenticated else None
    remote_addr = request.META.get("REMOTE_ADDR") or None if request is not None else None
    cid = get_cid()
    entries = [
        LogEntry(
            content_type=ContentType.objects.get_for_model(instance),  # cached after the first call
            object_pk=str(instance.pk),
            object_id=instance.pk if isinstance(instance.pk, int) else None,
            object_repr=smart_str(instance),
            action=LogEntry.Action.ACCESS,
            actor=actor,
            actor_email=(actor.email or None) if actor is not None else None,
            remote_addr=remote_addr,
            additional_data=instance.get_additional_data(),  # type: ignore[attr-defined]
            cid=cid,
        )
        for instance in instances
        if instance is not None and instance.pk is not None
    ]
    return LogEntry.objects.bulk_create(entries) if entries else []
