"""The rules the services keep: clear refusals, nothing saved."""

from __future__ import annotations

import datetime as dt
from decimal import Decimal

import pytest
from django.core.exceptions import ValidationError

from qamqor.core.testing import factories as f
from qamqor.social import services
from qamqor.social.models import CategoryRecord, Enrolment, SupportMeasure
from qamqor.social.tests.factories import category, pupil, school_class

D = dt.date


def test_a_child_can_hold_several_categories_but_not_one_twice_at_once(kindergarten):
    child = pupil(kindergarten, "Бала")
    category(child, "orphan", D(2024, 1, 1))
    category(child, "large_family", D(2024, 1, 1), document_number="№ 15", document_date=D(2024, 1, 5))
    with pytest.raises(ValidationError) as refused:
        category(child, "orphan", D(2025, 1, 1))
    assert "category" in refused.value.error_dict
    assert CategoryRecord.objects.filter(child=child).count() == 2


def test_the_same_category_again_after_it_ended(kindergarten):
    child = pupil(kindergarten, "Бала")
    record = category(child, "low_income", D(2024, 1, 1))
    services.category_end(record=record, ends_on=D(2024, 6, 1))
    category(child, "low_income", D(2024, 6, 1))
    assert CategoryRecord.objects.filter(child=child, category="low_income").count() == 2


def test_a_category_ends_after_it_began_and_documents_are_not_dated_in_the_future(kindergarten):
    child = pupil(kindergarten, "Бала")
    with pytest.raises(ValidationError) as refused:
        category(child, "orphan", D(2024, 1, 1), D(2024, 1, 1))
    assert "ends_on" in refused.value.error_dict
    with pytest.raises(ValidationError) as refused:
        category(child, "orphan", D(2024, 1, 1), document_date=D(2999, 1, 1))
    assert "document_date" in refused.value.error_dict
    assert not CategoryRecord.objects.exists()


def test_moving_to_another_class_ends_the_first_enrolment(kindergarten):
    a, b = school_class(kindergarten, "5А", 2025), school_class(kindergarten, "5Б", 2025)
    child = pupil(kindergarten, "Бала", in_class=a)
    services.enrolment_create(school_class=b, child=child, enrolled_on=D(2025, 11, 1))
    first, second = Enrolment.objects.filter(child=child).order_by("enrolled_on")
    assert (first.school_class, first.left_on, second.school_class, second.left_on) == (a, D(2025, 11, 1), b, None)
    with pytest.raises(ValidationError, match="already in this class"):
        services.enrolment_create(school_class=b, child=child, enrolled_on=D(2025, 12, 1))


def test_an_enrolment_falls_within_the_academic_year(kindergarten):
    a = school_class(kindergarten, "5А", 2025)
    with pytest.raises(ValidationError) as refused:
        services.enrolment_create(school_class=a, child=pupil(kindergarten, "Бала"), enrolled_on=D(2026, 9, 1))
    assert "enrolled_on" in refused.value.error_dict


def test_another_organisations_child_cannot_be_enrolled(kindergarten, other_kindergarten):
    a = school_class(kindergarten, "5А", 2025)
    with pytest.raises(ValidationError):
        services.enrolment_create(school_class=a, child=pupil(other_kindergarten, "Бала"), enrolled_on=D(2025, 9, 1))


def test_a_class_teacher_of_another_organisation_is_refused(kindergarten, other_kindergarten):
    teacher = f.staff(other_kindergarten, "class_teacher")
    with pytest.raises(ValidationError) as refused:
        school_class(kindergarten, "5А", 2025, teacher=teacher)
    assert "class_teacher" in refused.value.error_dict


def test_class_names_are_unique_in_a_year(kindergarten):
    school_class(kindergarten, "5А", 2025)
    school_class(kindergarten, "5А", 2026)
    with pytest.raises(ValidationError):
        school_class(kindergarten, "5А", 2025)


def test_material_aid_needs_an_amount_and_the_year_is_set(kindergarten):
    child = pupil(kindergarten, "Бала")
    with pytest.raises(ValidationError) as refused:
        services.support_give(child=child, kind="material_aid", given_on=D(2025, 12, 20))
    assert "amount" in refused.value.error_dict
    aid = services.support_give(child=child, kind="material_aid", given_on=D(2025, 12, 20), amount=Decimal("15000"))
    assert aid.academic_year == 2025
    services.support_give(child=child, kind="new_year_gift", given_on=D(2026, 1, 2))
    assert SupportMeasure.objects.filter(child=child).count() == 2


def test_a_housing_act_is_not_dated_in_the_future(kindergarten):
    with pytest.raises(ValidationError) as refused:
        services.housing_act_create(
            child=pupil(kindergarten, "Бала"), visited_on=D(2999, 1, 1), visitors="Қасымова", living_conditions="Жақсы"
        )
    assert "visited_on" in refused.value.error_dict
