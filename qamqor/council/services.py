"""Every write of the parent support centre: members, meetings, the agenda, decisions.

Meetings are numbered per organisation and academic year in the order they are entered
(«№ 1» is the first meeting entered for 2026–2027). A decision always names who answers for
it and by when (seed 002 §4.1); one without a responsible person is refused and not saved."""

from __future__ import annotations

import datetime as dt
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from qamqor.core.academic_year import academic_year_label, academic_year_of
from qamqor.council.models import MIN_PLANNED_MEETINGS, AgendaItem, Decision, Meeting, Member
from qamqor.orgs.models import Membership, Organization

MEETING_FIELDS = ("kind", "date", "starts_at", "format", "place", "chair", "secretary", "invited")
AGENDA_FIELDS = ("topic", "heard", "spoke", "proposals")


# --- Members


@transaction.atomic
def member_add(*, organization: Organization, membership: Membership, position: str = Member.Position.MEMBER) -> Member:
    if membership.organization_id != organization.pk:
        raise ValidationError({"membership": _("Choose a staff member of this organisation.")})
    member = Member.objects.filter(organization=organization, membership=membership).first()
    if member is None:
        member = Member(organization=organization, membership=membership)
    member.is_active = True
    member.position = position
    _free_position(member)
    member.full_clean()
    member.save()
    return member


def _free_position(member: Member) -> None:
    """A new chair or secretary takes the place over: the one before becomes a member."""
    if member.position != Member.Position.MEMBER:
        Member.objects.filter(organization_id=member.organization_id, position=member.position, is_active=True).exclude(
            pk=member.pk
        ).update(position=Member.Position.MEMBER)


@transaction.atomic
def member_set_position(*, member: Member, position: str) -> Member:
    if position not in Member.Position.values:
        raise ValidationError({"position": _("Unknown place on the centre.")})
    member.position = position
    _free_position(member)
    member.save(update_fields=["position"])
    return member


@transaction.atomic
def member_remove(*, member: Member) -> Member:
    """The member leaves the centre; past minutes keep their name."""
    member.is_active = False
    member.position = Member.Position.MEMBER
    member.save(update_fields=["is_active", "position"])
    return member


def current_officer(organization_id: int, position: str) -> Member | None:
    return Member.objects.active().filter(organization_id=organization_id, position=position).first()


# --- Meetings


def _check_officers(meeting: Meeting) -> None:
    for name in ("chair", "secretary"):
        member = getattr(meeting, name)
        if member is not None and member.organization_id != meeting.organization_id:
            raise ValidationError({name: _("Choose a member of this centre.")})


@transaction.atomic
def meeting_create(*, organization: Organization, date: dt.date, by=None, **fields: Any) -> Meeting:
    """A new meeting with the next number of its academic year; the centre's chair and secretary
    are taken unless others are given."""
    # One numbering writer per organisation at a time (SQLite: the IMMEDIATE transaction).
    Organization.objects.select_for_update().filter(pk=organization.pk).first()
    year = academic_year_of(date)
    last = Meeting.objects.filter(organization=organization, academic_year=year).aggregate(last=Max("number"))["last"]
    values = {k: v for k, v in fields.items() if k in MEETING_FIELDS}
    values.setdefault("chair", current_officer(organization.pk, Member.Position.CHAIR))
    values.setdefault("secretary", current_officer(organization.pk, Member.Position.SECRETARY))
    meeting = Meeting(organization=organization, date=date, academic_year=year, number=(last or 0) + 1, created_by=by, **values)
    meeting.full_clean()
    _check_officers(meeting)
    meeting.save()
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, **fields: Any) -> Meeting:
    for name in MEETING_FIELDS:
        if name in fields:
            setattr(meeting, name, fields[name])
    meeting.full_clean()
    _check_officers(meeting)
    meeting.save()
    return meeting


@transaction.atomic
def meeting_set_status(*, meeting: Meeting, status: str) -> Meeting:
    if status not in Meeting.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    if status == Meeting.Status.HELD and meeting.date > timezone.localdate():
        raise ValidationError({"status": _("A meeting cannot be marked held before its date.")})
    meeting.status = status
    meeting.save(update_fields=["status"])
    return meeting


@transaction.atomic
def meeting_set_attendance(*, meeting: Meeting, present: Iterable[Member], invited: str = "") -> Meeting:
    present = list(present)
    if any(m.organization_id != meeting.organization_id for m in present):
        raise ValidationError({"present": _("Choose members of this centre.")})
    meeting.present.set(present)
    meeting.invited = invited.strip()
    meeting.save(update_fields=["invited"])
    return meeting


def planned_meetings_warning(*, organization_id: int, academic_year: int) -> str | None:
    """The regulation's «at least three planned meetings a year» (seed 002 §2.4): a warning
    while fewer are scheduled (cancelled ones do not count)."""
    count = (
        Meeting.objects.filter(organization_id=organization_id, academic_year=academic_year, kind=Meeting.Kind.PLANNED)
        .exclude(status=Meeting.Status.CANCELLED)
        .count()
    )
    if count >= MIN_PLANNED_MEETINGS:
        return None
    return _(
        "Only %(count)s planned meetings are scheduled for the academic year %(year)s: "
        "the regulation asks for at least %(minimum)s."
    ) % {"count": count, "year": academic_year_label(academic_year), "minimum": MIN_PLANNED_MEETINGS}


# --- The agenda


@transaction.atomic
def agenda_item_add(*, meeting: Meeting, **fields: Any) -> AgendaItem:
    last = meeting.agenda_items.aggregate(last=Max("position"))["last"] or 0
    item = AgendaItem(meeting=meeting, position=last + 1, **{k: (v or "") for k, v in fields.items() if k in AGENDA_FIELDS})
    if not item.topic.strip():
        raise ValidationError({"topic": _("Give the question of the agenda.")})
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def agenda_item_update(*, item: AgendaItem, **fields: Any) -> AgendaItem:
    for name in AGENDA_FIELDS:
        if name in fields:
            setattr(item, name, fields[name] or "")
    if not item.topic.strip():
        raise ValidationError({"topic": _("Give the question of the agenda.")})
    item.full_clean()
    item.save()
    return item


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem) -> None:
    item.delete()


# --- Decisions


@transaction.atomic
def decision_add(*, agenda_item: AgendaItem, text: str, responsible: Membership | None, deadline: dt.date | None) -> Decision:
    errors: dict[str, str] = {}
    if not (text or "").strip():
        errors["text"] = _("Write the decision.")
    if responsible is None:
        errors["responsible"] = _("A decision needs a responsible person: choose who will carry it out.")
    elif responsible.organization_id != agenda_item.meeting.organization_id:
        errors["responsible"] = _("Choose a staff member of this organisation.")
    if deadline is None:
        errors["deadline"] = _("A decision needs a deadline.")
    if errors:
        raise ValidationError(errors)
    decision = Decision(agenda_item=agenda_item, text=text.strip(), responsible=responsible, deadline=deadline)
    decision.full_clean()
    decision.save()
    return decision


@transaction.atomic
def decision_done(*, decision: Decision, done_on: dt.date | None = None, result_note: str = "") -> Decision:
    decision.status = Decision.Status.DONE
    decision.done_on = done_on or timezone.localdate()
    decision.result_note = result_note.strip()
    decision.full_clean()
    decision.save(update_fields=["status", "done_on", "result_note"])
    return decision


@transaction.atomic
def decision_reopen(*, decision: Decision) -> Decision:
    decision.status = Decision.Status.OPEN
    decision.done_on = None
    decision.save(update_fields=["status", "done_on"])
    return decision


@transaction.atomic
def decision_delete(*, decision: Decision) -> None:
    decision.delete()
