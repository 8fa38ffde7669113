"""The administrator sets how long an organisation keeps a family's data, in the admin."""

from __future__ import annotations

import pytest
from django.urls import reverse

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client, django_user_model):
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.kz", "a-long-admin-password"))
    return client


def test_the_period_is_shown_and_edited_in_the_admin(admin_client, kindergarten):
    assert kindergarten.retention_months == 36
    page = admin_client.get(reverse("admin:orgs_organization_change", args=[kindergarten.pk])).content.decode()
    assert 'name="retention_months"' in page and 'value="36"' in page
    assert admin_client.get(reverse("admin:orgs_organization_changelist")).status_code == 200


def test_the_runs_and_requests_are_read_only_in_the_admin(admin_client):
    for name in ("retentionrun", "datarequest"):
        assert admin_client.get(reverse(f"admin:audit_{name}_changelist") + "?q=abc").status_code == 200
        assert admin_client.get(reverse(f"admin:audit_{name}_add")).status_code == 403


@pytest.mark.parametrize("months", [0, 1201])
def test_a_period_out_of_range_is_refused(kindergarten, months):
    from django.core.exceptions import ValidationError

    kindergarten.retention_months = months
    with pytest.raises(ValidationError):
        kindergarten.full_clean()
