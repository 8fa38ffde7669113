"""The engagement app's part in the family's rights: retention and erasure
(qamqor/audit/services.py), and the parent's "My data" (qamqor/portal/selectors.py).

A registration holds the name and phone a family gave for an event; an idea, the name its
author chose to give. When a family is anonymised (erasure, or retention of a family on the
register), its registrations lose the name and phone but keep the event, the status and
whether they came, and the link to the (now anonymised) parent: the participation figures of
past periods stay what they were. Retention also clears what belongs to nobody on the register:
sign-ups for events that ended before the cutoff, and the names on ideas submitted before it.
Audit entries about these rows are cleared of their values, as for the family's own records.

A family's awards stay as records of what the organisation decided in that year (the counts of
a year's awards stay right), but lose the family: no parent, the name and the reason become the
placeholder. Its Honor Book entries are deleted with their consents, and their photos are
removed from storage once the erasure is committed: a page about a family cannot be anonymised.
"""

from __future__ import annotations

import datetime as dt

from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.db.models import Exists, OuterRef, Q, QuerySet
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qamqor.audit.services import ANONYMISED, family_eraser_register, log_entries_redact
from qamqor.engagement.models import Award, HonorBookEntry, Idea, ReceptionVisit, Registration
from qamqor.engagement.recognition import photo_delete_on_commit
from qamqor.families.models import Parent
from qamqor.orgs.models import Organization
from qamqor.portal.selectors import parent_data_section_register


def _redact(model, ids: list[int]) -> None:
    content_type = ContentType.objects.get_for_model(model)
    log_entries_redact(LogEntry.objects.filter(content_type=content_type, object_pk__in=[str(pk) for pk in ids]))


def _anonymise_registrations(registrations: QuerySet[Registration]) -> int:
    ids = list(registrations.exclude(full_name=ANONYMISED, phone="").values_list("pk", flat=True))
    Registration.objects.filter(pk__in=ids).update(full_name=ANONYMISED, phone="")
    _redact(Registration, ids)
    return len(ids)


def family_registrations_anonymise(parent: Parent) -> int:
    """The family's sign-ups: those linked to the parent, and those under their phone number."""
    return _anonymise_registrations(_family_registrations(parent))


def registrations_past_retention(organization: Organization, cutoff: dt.datetime, dry_run: bool) -> int:
    old = Registration.objects.filter(event__organization=organization, event__ends_at__lt=cutoff).exclude(
        full_name=ANONYMISED, phone=""
    )
    return old.count() if dry_run else _anonymise_registrations(old)


def idea_names_past_retention(organization: Organization, cutoff: dt.datetime, dry_run: bool) -> int:
    old = Idea.objects.filter(organization=organization, submitted_at__lt=cutoff).exclude(name="")
    if dry_run:
        return old.count()
    ids = list(old.values_list("pk", flat=True))
    Idea.objects.filter(pk__in=ids).update(name="")
    _redact(Idea, ids)
    return len(ids)


def _anonymise_visits(visits: QuerySet[ReceptionVisit]) -> int:
    ids = list(visits.exclude(full_name=ANONYMISED, phone="", topic=ANONYMISED).values_list("pk", flat=True))
    ReceptionVisit.objects.filter(pk__in=ids).update(full_name=ANONYMISED, phone="", topic=ANONYMISED)
    _redact(ReceptionVisit, ids)
    return len(ids)


def family_reception_visits_anonymise(parent: Parent) -> int:
    """The family's visits to the administration: those booked under the parent's phone."""
    if not parent.phone:
        return 0
    return _anonymise_visits(ReceptionVisit.objects.filter(organization_id=parent.organization_id, phone=parent.phone))


def reception_visits_past_retention(organization: Organization, cutoff: dt.datetime, dry_run: bool) -> int:
    old = ReceptionVisit.objects.filter(organization=organization, appointment__ends_at__lt=cutoff).exclude(
        full_name=ANONYMISED, phone="", topic=ANONYMISED
    )
    return old.count() if dry_run else _anonymise_visits(old)


def family_awards_anonymise(parent: Parent) -> int:
    ids = list(Award.objects.filter(parent=parent).values_list("pk", flat=True))
    Award.objects.filter(pk__in=ids).update(parent=None, recipient_name=ANONYMISED, reason=ANONYMISED)
    _redact(Award, ids)
    return len(ids)


def family_honor_book_delete(parent: Parent) -> int:
    entries = list(HonorBookEntry.objects.filter(parent=parent).only("pk", "photo"))
    HonorBookEntry.objects.filter(pk__in=[e.pk for e in entries]).delete()  # their consents go with them
    for entry in entries:
        photo_delete_on_commit(entry.photo.name)
    _redact(HonorBookEntry, [e.pk for e in entries])
    return len(entries)


def _signed_up_or_came_since(cutoff: dt.datetime) -> Q:
    return Q(Exists(Registration.objects.filter(parent=OuterRef("pk")).filter(
        Q(registered_at__gte=cutoff) | Q(event__ends_at__gte=cutoff)
    )))  # fmt: skip


def _awarded_or_in_the_honor_book_since(cutoff: dt.datetime) -> Q:
    return Q(Exists(Award.objects.filter(parent=OuterRef("pk"), decided_at__gte=cutoff))) | Q(
        Exists(HonorBookEntry.objects.filter(parent=OuterRef("pk"), created_at__gte=cutoff))
    )


# --- The family's right of access: sections of the parent's "My data" (portal/selectors.py)


def _local(value: dt.datetime | None) -> dt.datetime | None:
    return timezone.localtime(value) if value else None


def _family_registrations(parent: Parent) -> QuerySet[Registration]:
    mine = Q(parent=parent) | (Q(phone=parent.phone) if parent.phone else Q(pk__in=[]))
    return Registration.objects.filter(mine, event__organization_id=parent.organization_id)


def family_registrations_data(parent: Parent) -> list[dict]:
    return [
        {
            "event": r.event.title,
            "event_starts_at": _local(r.event.starts_at),
            "full_name": r.full_name,
            "phone": r.phone,
            "status": r.status,
            "status_label": r.get_status_display(),
            "attended": r.attended,
            "registered_at": _local(r.registered_at),
            "cancelled_at": _local(r.cancelled_at),
        }
        for r in _family_registrations(parent).select_related("event").order_by("registered_at", "pk")
    ]


def family_reception_visits_data(parent: Parent) -> list[dict]:
    """The visits to the administration booked under the parent's phone number."""
    if not parent.phone:
        return []
    visits = ReceptionVisit.objects.filter(organization_id=parent.organization_id, phone=parent.phone)
    return [
        {
            "starts_at": _local(v.appointment.starts_at),
            "host": v.host.person_name,
            "full_name": v.full_name,
            "phone": v.phone,
            "topic": v.topic,
            "status": v.status,
            "status_label": v.get_status_display(),
            "booked_at": _local(v.booked_at),
            "cancelled_at": _local(v.cancelled_at),
        }
        for v in visits.select_related("appointment", "host__user").order_by("booked_at", "pk")
    ]


def family_recognition_data(parent: Parent) -> list[dict]:
    """The family's awards and Honor Book entries (with the consents given for publishing)."""
    awards = [
        {
            "record": "award",
            "kind": a.kind,
            "kind_label": a.get_kind_display(),
            "academic_year": a.academic_year,
            "recipient_name": a.recipient_name,
            "reason": a.reason,
            "decided_at": _local(a.decided_at),
            "revoked_at": _local(a.revoked_at),
        }
        for a in Award.objects.filter(parent=parent).order_by("decided_at", "pk")
    ]
    entries = [
        {
            "record": "honor_book_entry",
            "academic_year": e.academic_year,
            "family_name": e.family_name,
            "story_kk": e.story_kk,
            "story_ru": e.story_ru,
            "photo": bool(e.photo),
            "created_at": _local(e.created_at),
            "consents": [
                {
                    "given_by": c.given_by,
                    "method": c.method,
                    "method_label": c.get_method_display(),
                    "given_at": _local(c.given_at),
                    "withdrawn_at": _local(c.withdrawn_at),
                }
                for c in e.consents.all()
            ],
        }
        for e in HonorBookEntry.objects.filter(parent=parent).prefetch_related("consents").order_by("created_at", "pk")
    ]
    return awards + entries


def register() -> None:
    parent_data_section_register("event_registrations", family_registrations_data)
    parent_data_section_register("recognition", family_recognition_data)
    parent_data_section_register("reception_visits", family_reception_visits_data)
    family_eraser_register(
        "registrations_anonymised",
        family_registrations_anonymise,
        label=_("event registrations anonymised"),
        past_retention=registrations_past_retention,
        active_since=_signed_up_or_came_since,
    )
    family_eraser_register(
        "idea_names_erased", label=_("names on parents' ideas erased"), past_retention=idea_names_past_retention
    )
    family_eraser_register(
        "awards_anonymised",
        family_awards_anonymise,
        label=_("awards anonymised"),
        active_since=_awarded_or_in_the_honor_book_since,
    )
    family_eraser_register("honor_book_entries_deleted", family_honor_book_delete, label=_("Honor Book entries deleted"))
    family_eraser_register(
        "reception_visits_anonymised",
        family_reception_visits_anonymise,
        label=_("visits to the administration anonymised"),
        past_retention=reception_visits_past_retention,
    )
