"""The scheduling app's part in a parent's erasure and in retention (qamqor/audit/services.py).

A session participant links a session to a child and a parent. When the family is anonymised,
the link goes (child and parent emptied) and the row stays with its status, so the session's
places and attendance stay counted; the child and the parent can then be deleted if nothing
else names them. The audit log's entries about the rows carry the family's id and are redacted
with the family's own (family_anonymise)."""

from __future__ import annotations

from django.db.models import Q
from django.utils.translation import gettext_lazy as _

from qamqor.audit.services import family_eraser_register
from qamqor.families.models import Parent
from qamqor.scheduling.models import Participant


def family_participations_anonymise(parent: Parent) -> int:
    return Participant.objects.filter(Q(parent=parent) | Q(child__parent=parent)).update(child=None, parent=None)


def register() -> None:
    family_eraser_register(
        "session_participations_anonymised",
        family_participations_anonymise,
        label=_("session participations anonymised"),
    )
