from django.urls import reverse

from qamqor.core.testing import factories as f
from qamqor.journal.services import request_intake


def test_officer_sees_counts_of_their_district_and_no_names(client, district_officer, parent, methodist, other_kindergarten):
    for _ in range(3):
        request_intake(
            organization=parent.organization,
            parent=parent,
            channel="phone",
            topic=f.topic(),
            question="?",
            received_by=None,
            answer="иә",
            call_minutes=3,
        )
    client.force_login(district_officer.user)
    assert client.get(reverse("home"))["Location"] == reverse("reports:overview")
    response = client.get(reverse("reports:overview"))
    rows = {r["organization"].pk: r for r in response.context["rows"]}
    assert rows[parent.organization_id]["total"] == 3
    assert rows[parent.organization_id]["by_phone"] == 3
    assert other_kindergarten.pk not in rows  # another district
    assert parent.full_name not in response.content.decode()


def test_staff_cannot_open_the_officer_overview(client, methodist):
    client.force_login(methodist.user)
    assert client.get(reverse("reports:overview")).status_code == 403
