"""Every write of plans and their items.

An item's due date is worked out from its period here, on each save, so lists can count the
overdue items in the database. A date outside the plan's academic year is refused and nothing
is saved (Plan items of 2026–2027 fall between 1 September 2026 and 31 August 2027)."""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.translation import gettext as _

from qamqor.plans.models import Plan, PlanItem

PLAN_FIELDS = ("academic_year", "kind", "title", "approval_note", "approved_on")
ITEM_FIELDS = (
    "number",
    "section",
    "activity",
    "period",
    "months",
    "times",
    "date",
    "period_text",
    "responsible_roles",
    "responsible_text",
    "status",
    "result_note",
)
ITEM_LINKS = ("responsible_people", "appointments", "events", "meetings")


@transaction.atomic
def plan_create(*, organization, by=None, **fields: Any) -> Plan:
    plan = Plan(organization=organization, created_by=by, **{k: v for k, v in fields.items() if k in PLAN_FIELDS})
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_update(*, plan: Plan, **fields: Any) -> Plan:
    if "academic_year" in fields and fields["academic_year"] != plan.academic_year and plan.items.exists():
        # The items' months and dates belong to the year; moving them silently would misdate them.
        raise ValidationError({"academic_year": _("A plan with items cannot move to another academic year.")})
    for name in PLAN_FIELDS:
        if name in fields:
            setattr(plan, name, fields[name])
    plan.full_clean()
    plan.save()
    return plan


@transaction.atomic
def plan_approve(*, plan: Plan, meeting) -> Plan:
    """The plan is approved by the minutes of `meeting`, a meeting of the same organisation that
    was held (seed 002 §4.1)."""
    if meeting.organization_id != plan.organization_id:
        raise ValidationError({"approved_at_meeting": _("Choose a meeting of this organisation.")})
    if meeting.status != meeting.Status.HELD:
        raise ValidationError({"approved_at_meeting": _("A plan is approved by the minutes of a meeting that was held.")})
    plan.approved_at_meeting = meeting
    plan.approved_on = meeting.date
    plan.full_clean()
    plan.save(update_fields=["approved_at_meeting", "approved_on"])
    return plan


@transaction.atomic
def plan_delete(*, plan: Plan) -> None:
    plan.delete()


def _check_links(plan: Plan, links: dict[str, Iterable]) -> dict[str, list]:
    checked: dict[str, list] = {}
    for name in ITEM_LINKS:
        if name not in links:
            continue
        rows = list(links[name] or [])
        if any(row.organization_id != plan.organization_id for row in rows):
            raise ValidationError({name: _("Choose only records of this organisation.")})
        checked[name] = rows
    return checked


def _item_save(item: PlanItem, links: dict[str, Iterable]) -> PlanItem:
    plan = item.plan
    if item.period != PlanItem.Period.MONTHS:
        item.months = []
    if item.period != PlanItem.Period.TIMES_A_YEAR:
        item.times = None
    if item.period != PlanItem.Period.DATE:
        item.date = None
    months = item.months or []
    if len(set(months)) == len(months) and all(isinstance(m, int) for m in months):
        item.months = sorted(months, key=lambda m: (m < 9, m))
    item.due_on = item.compute_due_on(plan.academic_year)
    item.full_clean()
    checked = _check_links(plan, links)
    item.save()
    for name, rows in checked.items():
        getattr(item, name).set(rows)
    return item


@transaction.atomic
def plan_item_create(*, plan: Plan, **fields: Any) -> PlanItem:
    """A new row at the end of the plan; without a number it gets the next one («12.»)."""
    Plan.objects.select_for_update().filter(pk=plan.pk).first()  # one writer of positions at a time
    last = plan.items.aggregate(last=Max("position"))["last"] or 0
    values = {k: v for k, v in fields.items() if k in ITEM_FIELDS}
    if not (values.get("number") or "").strip():
        values["number"] = f"{plan.items.count() + 1}."
    item = PlanItem(plan=plan, position=last + 1, **values)
    return _item_save(item, {k: v for k, v in fields.items() if k in ITEM_LINKS})


@transaction.atomic
def plan_item_update(*, item: PlanItem, **fields: Any) -> PlanItem:
    if not (fields.get("number") or "").strip():
        fields.pop("number", None)  # an emptied number keeps the one the item has
    for name in ITEM_FIELDS:
        if name in fields:
            setattr(item, name, fields[name])
    return _item_save(item, {k: v for k, v in fields.items() if k in ITEM_LINKS})


@transaction.atomic
def plan_item_set_status(*, item: PlanItem, status: str, result_note: str | None = None) -> PlanItem:
    if status not in PlanItem.Status.values:
        raise ValidationError({"status": _("Unknown status.")})
    item.status = status
    if result_note is not None:
        item.result_note = result_note
    item.full_clean()
    item.save(update_fields=["status", "result_note"])
    return item


@transaction.atomic
def plan_item_delete(*, item: PlanItem) -> None:
    item.delete()


@transaction.atomic
def plan_import_rows(*, plan: Plan, rows: Sequence[dict[str, Any]]) -> list[PlanItem]:
    """Rows of a plan table (as in a fixture typed from paper) appended to the plan, all or none:
    the first bad row refuses the whole table, naming its number."""
    made = []
    for row in rows:
        try:
            made.append(plan_item_create(plan=plan, **row))
        except ValidationError as exc:
            raise ValidationError(
                _("Row %(number)s: %(error)s") % {"number": row.get("number") or len(made) + 1, "error": " ".join(exc.messages)}
            ) from exc
    return made
