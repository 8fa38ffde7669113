"""Which models the audit log follows, and what each entry carries besides the diff.

Every entry of a personal-data model records, in `additional_data`, the organisation the
record belongs to and the parent (family) it is about: the head searches their organisation's
log by them (qamqor/audit/views.py) without reaching into rows that may since be deleted.
"""

from __future__ import annotations

from typing import Any

from auditlog.models import LogEntry
from auditlog.registry import auditlog
from django.core.exceptions import PermissionDenied
from django.db.models import Model
from django.db.models.signals import pre_delete, pre_save

from qamqor.audit.context import fill_actor

# model label -> (path to the organisation id, path to the parent id), read on the instance.
FOLLOWED: dict[str, tuple[str, str | None]] = {
    "families.Parent": ("organization_id", "pk"),
    "families.Child": ("organization_id", "parent_id"),
    "families.Consent": ("parent.organization_id", "parent_id"),
    "journal.Request": ("organization_id", "parent_id"),
    "scheduling.Appointment": ("organization_id", "request.parent_id"),
    "scheduling.Participant": ("appointment.organization_id", "family_parent_id"),
    "portal.Feedback": ("organization_id", "request.parent_id"),
    "portal.Question": ("organization_id", None),
    "engagement.Registration": ("event.organization_id", "parent_id"),
    "engagement.Idea": ("organization_id", None),
    "engagement.Award": ("organization_id", "parent_id"),
    "engagement.HonorBookEntry": ("organization_id", "parent_id"),
    "engagement.HonorBookConsent": ("entry.organization_id", "entry.parent_id"),
    "engagement.ReceptionVisit": ("organization_id", None),
}
# Stored masked (all but the last four digits), like the parent's own "My data" page shows it.
MASKED_FIELDS = {"families.Child": ["iin"]}


def mask_iin(value: str) -> str:
    value = str(value)
    return "*" * max(len(value) - 4, 0) + value[-4:]


def _follow(instance: Model, path: str | None) -> Any:
    value: Any = instance
    for name in path.split(".") if path else ():
        if value is None:
            return None
        value = getattr(value, name)
    return value if path else None


def _additional_data(self: Model) -> dict[str, Any]:
    org_path, parent_path = FOLLOWED[self._meta.label]
    return {"organization_id": _follow(self, org_path), "parent_id": _follow(self, parent_path)}


# An appointment is personal data only when it concerns a family (a request or a child): a
# specialist's time booked with neither holds nobody's data, and logging it would cost every
# such booking an insert. Entries of these models go through _only_about_a_family().
ABOUT_A_FAMILY = {"scheduling.Appointment": ("request_id", "child_id")}


def _only_about_a_family(receiver, fields: tuple[str, ...]):
    def log_if_about_a_family(sender, instance, **kwargs) -> None:
        if any(getattr(instance, name) for name in fields):
            receiver(sender, instance=instance, **kwargs)

    return log_if_about_a_family


def register_personal_data_models() -> None:
    from django.apps import apps

    for label in FOLLOWED:
        model = apps.get_model(label)
        if auditlog.contains(model):
            continue
        # auditlog stores what get_additional_data() returns with every entry of the model.
        model.get_additional_data = _additional_data  # type: ignore[attr-defined]
        auditlog.register(model, mask_fields=MASKED_FIELDS.get(label, []), m2m_fields=set())
        if label in ABOUT_A_FAMILY:
            # auditlog has no per-instance condition: swap its receivers for conditional ones
            # (the same dispatch ids it uses, so unregister() still finds them).
            for signal, receiver in auditlog._signals.items():
                uid = auditlog._dispatch_uid(signal, receiver)
                signal.disconnect(sender=model, dispatch_uid=uid)
                signal.connect(_only_about_a_family(receiver, ABOUT_A_FAMILY[label]), sender=model, dispatch_uid=uid, weak=False)


def _refuse_change(sender, instance: LogEntry, **kwargs) -> None:
    if not instance._state.adding:
        raise PermissionDenied("The audit log cannot be changed.")


def _refuse_delete(sender, instance: LogEntry, **kwargs) -> None:
    raise PermissionDenied("The audit log cannot be deleted from the application.")


def connect_guards() -> None:
    pre_save.connect(fill_actor, sender=LogEntry, dispatch_uid="qamqor-audit-actor")
    pre_save.connect(_refuse_change, sender=LogEntry, dispatch_uid="qamqor-audit-no-change")
    pre_delete.connect(_refuse_delete, sender=LogEntry, dispatch_uid="qamqor-audit-no-delete")
