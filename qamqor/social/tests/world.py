"""Records for the project's access matrix (qamqor/core/tests/test_access_matrix.py): made on
demand for one organisation, inside the test's transaction. Each organisation gets a class with
one child who holds a category, a housing act and support, so every read page shows a record."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from qamqor.core.academic_year import current_academic_year
from qamqor.social import services
from qamqor.social.models import CategoryRecord, Enrolment, HousingAct, SchoolClass, SupportMeasure


def record(org) -> dict:
    """The organisation's class, its child and the child's records (made once per transaction)."""
    organization = org.point.organization
    year = current_academic_year()
    school_class = SchoolClass.objects.filter(organization=organization, academic_year=year, name="1А").first()
    if school_class is None:
        school_class = services.class_create(organization=organization, academic_year=year, name="1А")
        start = dt.date(year, 9, 1)
        services.enrolment_create(school_class=school_class, child=org.child, enrolled_on=start)
        services.category_record(child=org.child, category="orphan", starts_on=dt.date(year - 3, 1, 1))
        services.housing_act_create(
            child=org.child, visited_on=timezone.localdate(), visitors="Әлеуметтік педагог", living_conditions="Жақсы"
        )
        services.support_give(child=org.child, kind="free_meals", given_on=timezone.localdate())
    return {
        "class": school_class,
        "child": org.child,
        "category": CategoryRecord.objects.filter(child=org.child).first(),
        "enrolment": Enrolment.objects.filter(child=org.child).first(),
        "support": SupportMeasure.objects.filter(child=org.child).first(),
        "act": HousingAct.objects.filter(child=org.child).first(),
    }


def class_pk(org) -> list:
    return [record(org)["class"].pk]


def child_pk(org) -> list:
    return [record(org)["child"].pk]


def category_pk(org) -> list:
    return [record(org)["category"].pk]


def act_pk(org) -> list:
    return [record(org)["act"].pk]


def enrolment_pk(org) -> list:
    return [record(org)["enrolment"].pk]


def none(org) -> list:
    record(org)  # a page without arguments still shows the organisation's records
    return []


def joint(org):
    """Joint-plan access turned on in the organisation, and its psychologist given its child
    through the joint plan with the psychologist (issue 6, item 6)."""
    from qamqor.orgs.models import Membership
    from qamqor.plans import services as plans_services
    from qamqor.social.models import JointAccess

    organization = org.point.organization
    record(org)
    grant = JointAccess.objects.filter(organization=organization).first()
    if grant is None:
        services.social_settings_save(organization=organization, joint_plan_access=True)
        plan = plans_services.plan_create(
            organization=organization, academic_year=current_academic_year(), kind="joint_psychologist"
        )
        psychologist = Membership.objects.get(organization=organization, role="psychologist", user=org.users["psychologist"])
        grant = services.joint_access_grant(organization=organization, plan=plan, member=psychologist, children=[org.child])
    return grant


def joint_none(org) -> list:
    joint(org)
    return []


def joint_child_pk(org) -> list:
    return [joint(org).children.get().pk]


def grant_pk(org) -> list:
    return [joint(org).pk]
