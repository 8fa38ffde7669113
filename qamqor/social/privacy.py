"""The social service's part in the family's rights: retention and erasure (qamqor/audit/services.py).

When a family is anonymised (the parent's erasure, or retention), the social records of its
children are deleted: categories, housing inspection acts, support measures and the class
enrolments. They are the most sensitive data Qamqor holds and no count of a past period depends
on keeping them without a name. The audit entries about them keep who read or changed what and
when, with their values removed (audit.services.family_anonymise redacts every entry that
carries the family's parent id, which these records' entries do).

Retention leaves a family alone while its child is in a class (or left it after the cutoff),
holds a category, or had a record made after the cutoff: the school is still working with it.
"""

from __future__ import annotations

import datetime as dt

from django.db.models import Exists, OuterRef, Q
from django.utils.translation import gettext_lazy as _

from qamqor.audit.services import family_eraser_register
from qamqor.families.models import Parent
from qamqor.social.models import CategoryRecord, Enrolment, HousingAct, SupportMeasure


def family_social_records_delete(parent: Parent) -> int:
    deleted = 0
    for model in (CategoryRecord, HousingAct, SupportMeasure):
        deleted += model.objects.filter(child__parent=parent).delete()[0]
    deleted += Enrolment.objects.filter(child__parent=parent).delete()[0]
    return deleted


def _in_school_or_recorded_since(cutoff: dt.datetime) -> Q:
    day = cutoff.date()
    family = {"child__parent": OuterRef("pk")}
    return (
        Q(Exists(Enrolment.objects.filter(**family).filter(Q(left_on__isnull=True) | Q(left_on__gte=day))))
        | Q(Exists(CategoryRecord.objects.filter(**family).filter(Q(ends_on__isnull=True) | Q(ends_on__gte=day))))
        | Q(Exists(CategoryRecord.objects.filter(**family, recorded_at__gte=cutoff)))
        | Q(Exists(HousingAct.objects.filter(**family, recorded_at__gte=cutoff)))
        | Q(Exists(SupportMeasure.objects.filter(**family, recorded_at__gte=cutoff)))
    )


def register() -> None:
    family_eraser_register(
        "social_records_deleted",
        family_social_records_delete,
        label=_("social records deleted (categories, housing acts, support, class enrolments)"),
        active_since=_in_school_or_recorded_since,
    )
