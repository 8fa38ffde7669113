"""Retention and the parents' rights over their data: one service anonymises a family, and the
retention run and the parent's erasure request both use it.

What happens to each kind of record when a family is anonymised (decided once, here):

- **Request** (the journal's row): stays, as a numbered official record, so the journal's
  numbers have no gaps and every count and report stays right: organisation, number, academic
  year, dates, channel, topic, status, specialists, "answered by phone" and the call's length are
  kept. The free texts, which hold whatever the family told us, are cleared: the question
  becomes the placeholder, the answer, recommendations and outcome empty.
- **StatusChange** (the request's history): stays (who moved it when); its free-text note is cleared.
- **Appointment**: stays (the specialists' hours and the held/no-show counts need it); the
  meeting link is cleared.
- **Feedback**: the rating stays (the reports' average); the comment is cleared.
- **Parent**: with journal rows, the row stays as their anchor: the name becomes the
  placeholder, phone and email are emptied, `anonymised_at` is set. Without any (e.g. entered
  by the staff and never served), it is deleted with its consents: nothing needs it.
- **Child**: named in a request or an appointment: the name becomes the placeholder, the IIN is
  emptied and the birth date becomes the 1st of January of its year (no report reads more than
  the age in years, and no one can be found by it). Named nowhere: deleted.
- **Consent**: stays while the parent's row stays (the record that the data were processed
  on a lawful ground; it holds no personal data); deleted with a deleted parent.
- **Audit log entries** about the family: the record that somebody read or changed this
  family's records at a time stays (the breach drill needs it); the values they carry (a name
  in `object_repr`, old and new values in `changes`) are replaced by the placeholder. The log
  cannot be edited through the application (registration.py refuses a saved change); this
  one service rewrites it with a queryset update, on purpose and only to remove personal data.
- **DataRequest / RetentionRun**: hold no personal data; they stay.

A model that adds a family's personal data elsewhere registers an eraser with
`family_eraser_register()`, called with the parent in the same transaction.
"""

from __future__ import annotations

import datetime as dt
import logging
from collections import Counter
from collections.abc import Callable
from dataclasses import dataclass

from auditlog.context import disable_auditlog
from auditlog.models import LogEntry
from django.contrib.contenttypes.models import ContentType
from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Exists, OuterRef, ProtectedError, Q, QuerySet, RestrictedError
from django.utils import timezone
from django.utils.functional import Promise
from django.utils.translation import gettext as _

from qamqor.audit.models import DataRequest, RetentionRun
from qamqor.families.models import Child, Consent, Parent
from qamqor.journal.models import OPEN_STATUSES, Request, StatusChange
from qamqor.journal.signals import journal_touch
from qamqor.orgs.models import Organization
from qamqor.portal.models import Feedback, Question
from qamqor.scheduling.models import Appointment

logger = logging.getLogger(__name__)

# What stands in for a name or a free text once anonymised: neutral, the same in every language.
ANONYMISED = "—"
ERASED_VALUE = "***"  # what an audit entry's old and new values become

# The kinds counted by a run or an erasure, in the order the pages show them.
COUNT_KINDS: tuple[str, ...] = (
    "parents_anonymised",
    "parents_deleted",
    "children_anonymised",
    "children_deleted",
    "requests_anonymised",
    "feedback_anonymised",
    "audit_entries_redacted",
    "questions_anonymised",
    "requests_cancelled",
)

StrOrPromise = str | Promise
FamilyEraser = Callable[[Parent], int]
# (organisation, cutoff, dry_run) -> how many records past the period it anonymised (or would)
RetentionEraser = Callable[[Organization, dt.datetime, bool], int]


@dataclass(frozen=True)
class OtherRecords:
    """Another app's personal data about families, registered by that app (it sits above
    audit, so audit cannot import it): `family(parent)` anonymises or deletes what concerns one
    family; `past_retention(organization, cutoff, dry_run)` what holds contacts of nobody on the
    register (a sign-up on the public site) and is older than the period."""

    label: StrOrPromise
    family: FamilyEraser | None = None
    past_retention: RetentionEraser | None = None
    # cutoff -> a condition on Parent: the family did something in this app since the cutoff
    # (then retention leaves the family alone, as it does for a recent request).
    active_since: Callable[[dt.datetime], Q] | None = None


_other_records: dict[str, OtherRecords] = {}


def family_eraser_register(
    kind: str,
    eraser: FamilyEraser | None = None,
    *,
    label: StrOrPromise = "",
    past_retention: RetentionEraser | None = None,
    active_since: Callable[[dt.datetime], Q] | None = None,
) -> None:
    """Register another app's eraser(s); their counts go under `kind`, shown as `label`."""
    _other_records[kind] = OtherRecords(
        label=label or kind, family=eraser, past_retention=past_retention, active_since=active_since
    )


def count_label(kind: str) -> StrOrPromise | None:
    """The label another app registered for its kind of count (None: not another app's)."""
    other = _other_records.get(kind)
    return other.label if other else None


def _in_order(counts: Counter) -> dict[str, int]:
    """The non-zero counts, in the order the pages show them (other apps' kinds last)."""
    return {kind: counts[kind] for kind in (*COUNT_KINDS, *_other_records) if counts[kind]}


def _months_before(moment: dt.datetime, months: int) -> dt.datetime:
    """The same day and time `months` calendar months earlier (the 31st falls to the month's last day)."""
    local = timezone.localtime(moment)
    year, month = divmod(local.year * 12 + local.month - 1 - months, 12)
    month += 1
    for day in range(local.day, 27, -1):
        try:
            return local.replace(year=year, month=month, day=day)
        except ValueError:
            continue
    return local.replace(year=year, month=month, day=min(local.day, 28))


def log_entries_redact(entries: QuerySet[LogEntry]) -> int:
    """Keep who did what to which record when; drop the values (see the module's docstring)."""
    entries = list(entries.only("pk", "changes", "content_type_id"))
    # A request shows as "№ 12/2025-2026", an appointment as its time: nobody's name. Every
    # other record's representation may hold one (a consent's names its parent).
    safe_repr = {ContentType.objects.get_for_model(m).pk for m in (Request, Appointment)}
    redacted = []
    for entry in entries:
        changes = entry.changes if isinstance(entry.changes, dict) else {}
        entry.changes = {field: [ERASED_VALUE, ERASED_VALUE] for field in changes} or None
        entry.changes_text = ""
        entry.serialized_data = None
        if entry.content_type_id not in safe_repr:
            entry.object_repr = ANONYMISED
        redacted.append(entry)
    # bulk_update sends no signal: the guard that refuses changes to the log listens to save().
    LogEntry.objects.bulk_update(redacted, ["changes", "changes_text", "serialized_data", "object_repr"], batch_size=500)
    return len(redacted)


def _log_anonymised(parent: Parent, *, reason: str, deleted: bool) -> None:
    """One entry in the audit log for the family's record, holding no values: that it happened."""
    fields = ("full_name", "phone", "email")
    LogEntry.objects.log_create(
        parent,
        force_log=True,
        action=LogEntry.Action.DELETE if deleted else LogEntry.Action.UPDATE,
        object_repr=ANONYMISED,
        changes=None if deleted else {name: [ERASED_VALUE, ERASED_VALUE] for name in fields},
        additional_data={"organization_id": parent.organization_id, "parent_id": parent.pk, "reason": reason},
    )


@transaction.atomic
def family_anonymise(*, parent: Parent, reason: str) -> Counter:
    """Anonymise one family (a parent, their children and everything about them), keeping the
    journal's rows as numbered official records; delete what nothing needs. Returns the counts
    by kind. Doing it again changes nothing and counts nothing (idempotent). `reason` ("retention"
    or "erasure") goes into the audit log's entry."""
    parent = Parent.objects.select_for_update().get(pk=parent.pk)
    counts: Counter = Counter()
    if parent.anonymised_at is not None:
        return counts
    now = timezone.now()
    requests = Request.objects.filter(parent=parent)
    children = Child.objects.filter(parent=parent)
    named = Q(Exists(Request.objects.filter(child=OuterRef("pk")))) | Q(Exists(Appointment.objects.filter(child=OuterRef("pk"))))
    with disable_auditlog():  # its own entries would copy every old value into the log
        for kind, other in _other_records.items():
            if other.family:
                counts[kind] += other.family(parent)
        counts["requests_anonymised"] = requests.update(question=ANONYMISED, answer="", recommendations="", outcome="")
        StatusChange.objects.filter(request__parent=parent).exclude(note="").update(note="")
        Appointment.objects.filter(Q(request__parent=parent) | Q(child__parent=parent)).exclude(meeting_url="").update(
            meeting_url=""
        )
        # The consent ends with the data: the family leaves the staff's lists (consenting()).
        Consent.objects.filter(parent=parent, withdrawn_at__isnull=True).update(withdrawn_at=now)
        counts["feedback_anonymised"] = Feedback.objects.filter(request__parent=parent).exclude(comment="").update(comment="")
        kept_children = list(children.filter(named))
        spare = children.exclude(pk__in=[c.pk for c in kept_children])
        try:
            with transaction.atomic():
                counts["children_deleted"] = spare.delete()[1].get("families.Child", 0)
        except (ProtectedError, RestrictedError):
            kept_children += list(spare)  # another app's record names them: anonymise them too
        for child in kept_children:
            child.full_name, child.iin = ANONYMISED, ""
            child.birth_date = child.birth_date.replace(month=1, day=1)
        Child.objects.bulk_update(kept_children, ["full_name", "iin", "birth_date"])
        counts["children_anonymised"] = len(kept_children)
        counts["audit_entries_redacted"] = log_entries_redact(LogEntry.objects.filter(additional_data__parent_id=parent.pk))
        deleted = False
        if not (counts["requests_anonymised"] or kept_children):
            try:
                with transaction.atomic():
                    Consent.objects.filter(parent=parent).delete()
                    Parent.objects.filter(pk=parent.pk).delete()
                deleted = True
            except (ProtectedError, RestrictedError):
                pass  # another app's record still points at the family: anonymise instead
        if not deleted:
            Parent.objects.filter(pk=parent.pk).update(full_name=ANONYMISED, phone="", email="", anonymised_at=now)
        counts["parents_deleted" if deleted else "parents_anonymised"] = 1
        _log_anonymised(parent, reason=reason, deleted=deleted)
    journal_touch(parent.organization_id)  # queryset updates send no signal (journal/signals.py)
    return +counts


# --- Retention -------------------------------------------------------------------------------


def families_past_retention(organization: Organization, cutoff: dt.datetime) -> QuerySet[Parent]:
    """The organisation's families with no activity since `cutoff`, not yet anonymised.

    A family's last activity is the latest of: the parent's record created, a consent given or
    withdrawn, a request received, any change of a request's status (its closing included), an
    appointment's time, feedback given, and what other apps register (`active_since` of
    family_eraser_register: an event sign-up, an award). A family with a request still open is
    never past the period: the staff are still working with it."""
    since = {"parent": OuterRef("pk")}
    families = Parent.objects.filter(organization=organization, anonymised_at__isnull=True, created_at__lt=cutoff)
    for other in _other_records.values():
        if other.active_since:
            families = families.exclude(other.active_since(cutoff))
    return families.exclude(
        Q(Exists(Consent.objects.filter(**since).filter(Q(given_at__gte=cutoff) | Q(withdrawn_at__gte=cutoff))))
        | Q(Exists(Request.objects.filter(**since).filter(Q(received_at__gte=cutoff) | Q(status__in=OPEN_STATUSES))))
        | Q(Exists(StatusChange.objects.filter(request__parent=OuterRef("pk"), changed_at__gte=cutoff)))
        | Q(Exists(Appointment.objects.filter(request__parent=OuterRef("pk"), starts_at__gte=cutoff)))
        | Q(Exists(Appointment.objects.filter(child__parent=OuterRef("pk"), starts_at__gte=cutoff)))
        | Q(Exists(Feedback.objects.filter(request__parent=OuterRef("pk"), given_at__gte=cutoff)))
    )


def _questions_past_retention(organization: Organization, cutoff: dt.datetime) -> QuerySet[Question]:
    """Questions asked on the public site before the cutoff that still carry contacts: the
    answer (and a published pair) stays, the name, phone and email go."""
    return Question.objects.filter(organization=organization, asked_at__lt=cutoff).exclude(name="", phone="", email="")


def retention_apply(*, organization: Organization, dry_run: bool = False, now: dt.datetime | None = None) -> RetentionRun:
    """Apply the organisation's retention period once, and record the run. Each family is
    anonymised in its own transaction, so a failure leaves the others done and the next run
    finishes the rest. A dry run counts the families a real run would anonymise or delete,
    their requests and the questions, and changes nothing but the run's own record."""
    now = now or timezone.now()
    months = organization.retention_months
    run = RetentionRun(organization=organization, started_at=now, retention_months=months, dry_run=dry_run)
    run.cutoff = _months_before(now, months)
    run.full_clean()
    run.save()
    counts: Counter = Counter()
    families = families_past_retention(organization, run.cutoff)
    questions = _questions_past_retention(organization, run.cutoff)
    if dry_run:
        # Deletion or anonymisation is decided per family as family_anonymise() does.
        named = Q(Exists(Request.objects.filter(parent=OuterRef("pk")))) | Q(
            Exists(Child.objects.filter(parent=OuterRef("pk")).filter(Q(requests__isnull=False) | Q(appointments__isnull=False)))
        )
        counts["parents_anonymised"] = families.filter(named).count()
        counts["parents_deleted"] = families.exclude(named).count()
        counts["requests_anonymised"] = Request.objects.filter(parent__in=families).count()
        counts["questions_anonymised"] = questions.count()
    else:
        for parent in families.order_by("pk").iterator():
            counts.update(family_anonymise(parent=parent, reason="retention"))
        with disable_auditlog(), transaction.atomic():
            ids = [str(pk) for pk in questions.values_list("pk", flat=True)]
            counts["questions_anonymised"] = Question.objects.filter(pk__in=ids).update(name="", phone="", email="")
            question_type = ContentType.objects.get_for_model(Question)
            counts["audit_entries_redacted"] += log_entries_redact(
                LogEntry.objects.filter(content_type=question_type, object_pk__in=ids)
            )
    for kind, other in _other_records.items():
        if other.past_retention:
            with disable_auditlog(), transaction.atomic():
                counts[kind] += other.past_retention(organization, run.cutoff, dry_run)
    run.counts = _in_order(counts)
    run.finished_at = timezone.now()
    run.save(update_fields=["counts", "finished_at"])
    # Counts and ids only: the application log never holds a name, a phone or an IIN.
    logger.info(
        "retention organisation=%s months=%s cutoff=%s dry_run=%s %s",
        organization.pk,
        months,
        run.cutoff.date().isoformat(),
        dry_run,
        " ".join(f"{kind}={n}" for kind, n in run.counts.items()) or "nothing to do",
    )
    return run


# --- The parent's requests about their data ----------------------------------------------------


@transaction.atomic
def data_request_export_record(*, parent: Parent, counts: dict[str, int]) -> DataRequest:
    """A parent downloaded their data (the right of access): carried out at once, recorded."""
    now = timezone.now()
    record = DataRequest(
        kind=DataRequest.Kind.EXPORT,
        organization_id=parent.organization_id,
        parent_ref=parent.pk,
        received_at=now,
        carried_out_at=now,
        counts=counts,
    )
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def data_request_erase(*, parent: Parent, cancel_waiting: Callable[[Parent], list]) -> DataRequest:
    """A parent asks to erase their data: their waiting requests are cancelled
    (`cancel_waiting`, the portal's own step, shared with the withdrawal of consent), then the
    family is anonymised like a retention run does, and the request is recorded. A second
    erasure of the same family changes nothing and is refused with a clear message."""
    parent = Parent.objects.select_for_update().get(pk=parent.pk)
    if parent.anonymised_at is not None:
        raise ValidationError(_("Your data are already erased."), code="already_erased")
    received = timezone.now()
    cancelled = cancel_waiting(parent)
    counts = family_anonymise(parent=parent, reason="erasure")
    counts["requests_cancelled"] = len(cancelled)
    record = DataRequest(
        kind=DataRequest.Kind.ERASURE,
        organization_id=parent.organization_id,
        parent_ref=parent.pk,
        received_at=received,
        carried_out_at=timezone.now(),
        counts=_in_order(counts),
    )
    record.full_clean()
    record.save()
    logger.info("erasure organisation=%s parent=%s %s", parent.organization_id, parent.pk, record.counts)
    return record
