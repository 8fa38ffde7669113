"""Every write of the social service: keyword-only, atomic, validated before it is saved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext as _

from qamqor.core.academic_year import academic_year_bounds, academic_year_of
from qamqor.families.models import Child
from qamqor.orgs.models import Membership, Organization
from qamqor.social.models import (
    CategoryRecord,
    Enrolment,
    HousingAct,
    JointAccess,
    SchoolClass,
    SocialSettings,
    SupportMeasure,
)


@transaction.atomic
def class_create(
    *, organization: Organization, academic_year: int, name: str, class_teacher: Membership | None = None
) -> SchoolClass:
    school_class = SchoolClass(organization=organization, academic_year=academic_year, name=name, class_teacher=class_teacher)
    school_class.full_clean()
    school_class.save()
    return school_class


@transaction.atomic
def class_update(*, school_class: SchoolClass, name: str, class_teacher: Membership | None) -> SchoolClass:
    school_class.name = name
    school_class.class_teacher = class_teacher
    school_class.full_clean()
    school_class.save()
    return school_class


def _within_year(school_class: SchoolClass, day: dt.date, field: str) -> None:
    first, last = academic_year_bounds(school_class.academic_year)
    if not first <= day <= last:
        raise ValidationError({field: _("The date must fall within the class's academic year.")})


@transaction.atomic
def enrolment_create(*, school_class: SchoolClass, child: Child, enrolled_on: dt.date) -> Enrolment:
    """Enrol a child in a class from a day. A child is in one class of a year at a time: moving
    from another class of the same year ends that enrolment on the same day."""
    _within_year(school_class, enrolled_on, "enrolled_on")
    current = list(
        Enrolment.objects.select_for_update()
        .filter(child=child, school_class__academic_year=school_class.academic_year)
        .on(enrolled_on)
        .select_related("school_class")
    )
    for enrolment in current:
        if enrolment.school_class_id == school_class.pk:
            raise ValidationError(_("The child is already in this class."))
        if enrolment.enrolled_on >= enrolled_on:
            raise ValidationError(
                {
                    "enrolled_on": _("The child arrived in class %(name)s on that day or later.")
                    % {"name": enrolment.school_class.name}
                }
            )
        enrolment.left_on = enrolled_on
        enrolment.full_clean()
        enrolment.save(update_fields=["left_on"])
    enrolment = Enrolment(school_class=school_class, child=child, enrolled_on=enrolled_on)
    enrolment.full_clean()
    enrolment.save()
    return enrolment


@transaction.atomic
def enrolment_end(*, enrolment: Enrolment, left_on: dt.date) -> Enrolment:
    _within_year(enrolment.school_class, left_on, "left_on")
    enrolment.left_on = left_on
    enrolment.full_clean()
    enrolment.save(update_fields=["left_on"])
    return enrolment


@transaction.atomic
def category_record(
    *,
    child: Child,
    category: str,
    starts_on: dt.date,
    ends_on: dt.date | None = None,
    document_number: str = "",
    document_date: dt.date | None = None,
    by=None,
) -> CategoryRecord:
    # Locks the child's row: two pedagogues recording the same category at once cannot both pass
    # the overlap check.
    Child.objects.select_for_update().filter(pk=child.pk).first()
    record = CategoryRecord(
        organization_id=child.organization_id,
        child=child,
        category=category,
        starts_on=starts_on,
        ends_on=ends_on,
        document_number=document_number.strip(),
        document_date=document_date,
        recorded_by=by,
    )
    record.full_clean()
    record.save()
    return record


@transaction.atomic
def category_end(*, record: CategoryRecord, ends_on: dt.date) -> CategoryRecord:
    record.ends_on = ends_on
    record.full_clean()
    record.save(update_fields=["ends_on"])
    return record


@transaction.atomic
def housing_act_create(
    *,
    child: Child,
    visited_on: dt.date,
    visitors: str,
    living_conditions: str,
    findings: str = "",
    recommendations: str = "",
    by=None,
) -> HousingAct:
    act = HousingAct(
        organization_id=child.organization_id,
        child=child,
        visited_on=visited_on,
        visitors=visitors.strip(),
        living_conditions=living_conditions.strip(),
        findings=findings.strip(),
        recommendations=recommendations.strip(),
        recorded_by=by,
    )
    act.full_clean()
    act.save()
    return act


@transaction.atomic
def support_give(
    *, child: Child, kind: str, given_on: dt.date, amount: Decimal | None = None, note: str = "", by=None
) -> SupportMeasure:
    measure = SupportMeasure(
        organization_id=child.organization_id,
        child=child,
        kind=kind,
        given_on=given_on,
        academic_year=academic_year_of(given_on) if given_on else 0,
        amount=amount,
        note=note.strip(),
        recorded_by=by,
    )
    measure.full_clean()
    measure.save()
    return measure


# --- Joint-plan access (issue 6, item 6)


@transaction.atomic
def social_settings_save(*, organization: Organization, joint_plan_access: bool) -> SocialSettings:
    settings_row, _created = SocialSettings.objects.get_or_create(organization=organization)
    settings_row.joint_plan_access = joint_plan_access
    settings_row.full_clean()
    settings_row.save()
    return settings_row


@transaction.atomic
def joint_access_grant(
    *, organization: Organization, plan, member: Membership, school_class: SchoolClass | None = None, children=(), by=None
) -> JointAccess:
    """Give a psychologist some children, or a class teacher their class, through a joint plan."""
    grant = JointAccess(organization=organization, plan=plan, member=member, school_class=school_class, granted_by=by)
    grant.full_clean()
    children = list(children)
    if school_class is None and not children:
        raise ValidationError({"children": _("Choose the children, or the class teacher's class.")})
    if any(c.organization_id != organization.pk for c in children):
        raise ValidationError({"children": _("The child belongs to another organisation.")})
    grant.save()
    grant.children.set(children)
    return grant


@transaction.atomic
def joint_access_end(*, grant: JointAccess) -> None:
    grant.delete()
