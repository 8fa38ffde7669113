"""Erasure and retention reach the children's social records (qamqor/social/privacy.py)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone

from qamqor.audit.services import families_past_retention, family_anonymise
from qamqor.social.models import CategoryRecord, Enrolment, HousingAct, SupportMeasure
from qamqor.social.services import housing_act_create, support_give
from qamqor.social.tests.factories import category, pupil, school_class

D = dt.date


def test_erasure_deletes_the_childs_social_records(kindergarten):
    child = pupil(kindergarten, "Бала", in_class=school_class(kindergarten, "5А", 2025))
    category(child, "orphan", D(2020, 1, 1))
    housing_act_create(child=child, visited_on=D(2025, 10, 1), visitors="Қасымова", living_conditions="Жақсы")
    support_give(child=child, kind="textbooks", given_on=D(2025, 9, 1))
    other = pupil(kindergarten, "Басқа", in_class=school_class(kindergarten, "5Б", 2025))
    category(other, "orphan", D(2020, 1, 1))
    counts = family_anonymise(parent=child.parent, reason="erasure")
    assert counts["social_records_deleted"] == 4
    for model in (CategoryRecord, HousingAct, SupportMeasure, Enrolment):
        assert not model.objects.filter(child=child).exists()
    assert CategoryRecord.objects.filter(child=other).exists()


def test_retention_leaves_a_family_whose_child_is_in_a_class(kindergarten):
    cutoff = timezone.now() + dt.timedelta(days=1)  # everything is "older" than the cutoff
    in_class = pupil(kindergarten, "Сыныпта", in_class=school_class(kindergarten, "5А", 2025))
    gone = pupil(kindergarten, "Кеткен", in_class=school_class(kindergarten, "5Б", 2025))
    gone.social_enrolments.update(left_on=D(2025, 10, 1))
    nothing = pupil(kindergarten, "Жоқ")
    past = set(families_past_retention(kindergarten, cutoff))
    assert in_class.parent not in past
    assert gone.parent in past and nothing.parent in past
