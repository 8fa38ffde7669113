"""Tokens are issued in the admin: shown once, kept as a digest, revoked by an action."""

from __future__ import annotations

import re

import pytest
from django.urls import reverse

from qamqor.api.models import ApiToken
from qamqor.api.tests.conftest import bearer
from qamqor.core.models import User

pytestmark = pytest.mark.django_db


@pytest.fixture
def admin_client(client):
    root = User.objects.create_superuser(username="root", email="root@example.kz", password="x", full_name="Әкімші")
    client.force_login(root)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_a_token_is_shown_once_and_works(admin_client, api, kindergarten):
    response = admin_client.post(
        reverse("admin:api_apitoken_add"),
        {"organization": kindergarten.pk, "name": "Аудан порталы", "roles": ["methodist"]},
        follow=True,
    )
    assert response.status_code == 200
    shown = re.search(r"qmq_[A-Za-z0-9_-]{43}", response.content.decode())
    assert shown, "the token is shown in the message"
    token = ApiToken.objects.get()
    assert token.roles == ["methodist"] and token.created_by.username == "root"
    assert shown.group(0) not in (token.digest, token.prefix)
    assert api.get(reverse("api:requests"), **bearer(shown.group(0))).status_code == 200
    # The list never shows it again.
    listing = admin_client.get(reverse("admin:api_apitoken_changelist")).content.decode()
    assert shown.group(0) not in listing and token.prefix in listing

    admin_client.post(reverse("admin:api_apitoken_changelist"), {"action": "revoke", "_selected_action": [token.pk]}, follow=True)
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by.username == "root"
    assert api.get(reverse("api:requests"), **bearer(shown.group(0))).status_code == 401


def test_an_officers_role_is_not_a_tokens_role(admin_client, kindergarten):
    response = admin_client.post(
        reverse("admin:api_apitoken_add"), {"organization": kindergarten.pk, "name": "X", "roles": ["region_officer"]}
    )
    assert response.status_code == 200  # the form again
    assert not ApiToken.objects.exists()
