"""The safety indicator (seed 003, criterion 4): counts only, recorded by the head."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qamqor.core.academic_year import current_academic_year
from qamqor.reports.models import SafetyRecord

YEAR = current_academic_year()


def test_the_head_records_a_half_years_counts(client, head):
    client.force_login(head.user)
    response = client.post(
        reverse("reports:safety"), {"academic_year": YEAR, "half": 1, "offences": 1, "bullying": 2, "suicide": 0}
    )
    assert response.status_code == 302
    record = SafetyRecord.objects.get(organization=head.organization)
    assert (record.offences, record.bullying, record.suicide, record.recorded_by) == (1, 2, 0, head.user)
    # recording the same half-year again corrects it, no second row
    client.post(reverse("reports:safety"), {"academic_year": YEAR, "half": 1, "offences": 0, "bullying": 2, "suicide": 0})
    assert SafetyRecord.objects.get(organization=head.organization).offences == 0


@pytest.mark.parametrize(
    "data",
    [
        {"academic_year": YEAR, "half": 1, "offences": -1, "bullying": 0, "suicide": 0},
        {"academic_year": YEAR, "half": 3, "offences": 0, "bullying": 0, "suicide": 0},
        {"academic_year": YEAR, "half": 1, "offences": "Айгүл", "bullying": 0, "suicide": 0},
        {"academic_year": YEAR + 1, "half": 2, "offences": 0, "bullying": 0, "suicide": 0},  # not begun
    ],
    ids=["negative", "no-such-half", "a-name", "future"],
)
def test_bad_input_gets_a_message_and_saves_nothing(client, head, data):
    client.force_login(head.user)
    response = client.post(reverse("reports:safety"), data)
    assert response.status_code == 400
    assert response.context["form"].errors
    assert not SafetyRecord.objects.exists()


def test_the_methodist_may_not_record_it(client, methodist):
    client.force_login(methodist.user)
    assert client.get(reverse("reports:safety")).status_code == 404
