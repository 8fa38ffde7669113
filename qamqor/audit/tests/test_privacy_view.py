"""The head's page of the parents' data requests and the retention runs: their organisation's
only, in a constant number of queries."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone

from qamqor.audit.models import DataRequest, RetentionRun
from qamqor.audit.services import retention_apply

pytestmark = pytest.mark.django_db
URL = reverse("audit:privacy")


def data_request(org, parent_ref: int, kind: str = "export") -> DataRequest:
    now = timezone.now()
    return DataRequest.objects.create(
        kind=kind, organization=org, parent_ref=parent_ref, received_at=now, carried_out_at=now, counts={"requests": 2}
    )


def test_the_head_sees_their_organisations_records_only(client, head, kindergarten, other_kindergarten):
    data_request(kindergarten, 4242)
    data_request(other_kindergarten, 9191)
    retention_apply(organization=kindergarten, dry_run=True)
    retention_apply(organization=other_kindergarten)
    client.force_login(head.user)
    response = client.get(URL)
    assert response.status_code == 200
    assert [r.parent_ref for r in response.context["data_requests"]] == [4242]
    assert [r.organization_id for r in response.context["runs"]] == [kindergarten.pk]
    assert "4242" in response.text and "9191" not in response.text


def test_a_superuser_sees_all(client, kindergarten, other_kindergarten, django_user_model):
    data_request(kindergarten, 4242)
    data_request(other_kindergarten, 9191)
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.kz", "a-long-admin-password"))
    response = client.get(URL)
    assert {r.parent_ref for r in response.context["data_requests"]} == {4242, 9191}


def test_a_methodist_may_not_see_it(client, methodist):
    client.force_login(methodist.user)
    assert client.get(URL).status_code == 403


def test_the_page_costs_the_same_queries_however_many_rows(client, head, kindergarten, django_assert_num_queries):
    client.force_login(head.user)
    data_request(kindergarten, 1)
    RetentionRun.objects.create(organization=kindergarten, retention_months=36, cutoff=timezone.now())
    client.get(URL)  # warm the session's second-factor state and caches
    # session, user, the user's second-factor devices, memberships, data requests with their
    # organisation, retention runs with their organisation
    with django_assert_num_queries(6):
        client.get(URL)
    for n in range(2, 30):
        data_request(kindergarten, n, kind="erasure")
        RetentionRun.objects.create(organization=kindergarten, retention_months=36, cutoff=timezone.now())
    with django_assert_num_queries(6):
        response = client.get(URL)
    assert len(response.context["data_requests"]) == len(response.context["runs"]) == 29
