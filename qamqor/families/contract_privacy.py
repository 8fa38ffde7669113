"""Contracts in the family's rights: erasure and retention (qamqor/audit/services.py).

A contract names the parent and the child, and its DOCX and signed scan hold their names and
signatures. When the family is anonymised (the parent's erasure, or retention), its contracts
lose the family (no parent, no child) and both files are removed from storage once the erasure
is committed; the numbered row stays with its status and dates, so the organisation's numbering
keeps no gap and the count of contracts stays right. A contract in force (signed, not ended),
or one drafted, signed or ended since the cutoff, keeps the family active: retention leaves it
alone, as it does for a recent request. Audit entries about these rows are cleared of values.

Registered from FamiliesConfig.ready(): audit imports families, so this module is loaded only
once every app is ready (no import cycle)."""

from __future__ import annotations

import datetime as dt

from django.db import transaction
from django.db.models import Exists, OuterRef, Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from qamqor.families.models import Contract, Parent


def _redact(ids: list[int]) -> None:
    from auditlog.models import LogEntry
    from django.contrib.contenttypes.models import ContentType

    from qamqor.audit.services import log_entries_redact

    content_type = ContentType.objects.get_for_model(Contract)
    log_entries_redact(LogEntry.objects.filter(content_type=content_type, object_pk__in=[str(pk) for pk in ids]))


def family_contracts_anonymise(parent: Parent) -> int:
    contracts = list(Contract.objects.filter(Q(parent=parent) | Q(child__parent=parent)).only("pk", "document", "scan"))
    names = [(f.storage, f.name) for c in contracts for f in (c.document, c.scan) if f.name]
    ids = [c.pk for c in contracts]
    Contract.objects.filter(pk__in=ids).update(parent=None, child=None, document="", scan="", anonymised_at=timezone.now())
    for storage, name in names:
        transaction.on_commit(lambda storage=storage, name=name: storage.delete(name))
    _redact(ids)
    return len(ids)


def _contract_since(cutoff: dt.datetime) -> Q:
    day = timezone.localtime(cutoff).date()
    recent = Contract.objects.filter(parent=OuterRef("pk")).filter(
        Q(status=Contract.Status.SIGNED) | Q(drafted_at__gte=cutoff) | Q(signed_on__gte=day) | Q(ended_on__gte=day)
    )
    return Q(Exists(recent))


def register() -> None:
    from qamqor.audit.services import family_eraser_register

    family_eraser_register(
        "contracts_anonymised",
        family_contracts_anonymise,
        label=_("contracts anonymised (their files deleted)"),
        active_since=_contract_since,
    )
