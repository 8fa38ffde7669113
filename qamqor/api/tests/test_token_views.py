"""The organisation's API tokens in the back office (qamqor/api/token_views.py): its managers
list, issue (shown once) and revoke them; the audit log records both."""

from __future__ import annotations

import re

import pytest
from auditlog.models import LogEntry
from django.core.exceptions import ValidationError
from django.urls import reverse

from qamqor.api.models import ApiToken
from qamqor.api.services import api_token_issue, api_token_revoke
from qamqor.api.tests.conftest import bearer, issue
from qamqor.core.testing import factories as f

pytestmark = pytest.mark.django_db

LIST = reverse("api_tokens:list")
RAW = re.compile(r"qmq_[A-Za-z0-9_-]{43}")


def revoke_url(token: ApiToken) -> str:
    return reverse("api_tokens:revoke", args=[token.pk])


@pytest.fixture
def manager(client, methodist):
    client.force_login(methodist.user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "en"
    return client


def test_the_list_shows_the_organisations_tokens_in_constant_queries(
    manager, kindergarten, other_kindergarten, head, django_assert_max_num_queries
):
    ours, _raw = issue(kindergarten, "methodist", name="Аудан порталы")
    theirs, _raw = issue(other_kindergarten, "methodist", name="Басқа ұйымның порталы")
    manager.get(LIST)  # the first page after the login saves the session
    # session, user, memberships (with the organisations' names), the tokens with who issued
    # and who revoked them
    with django_assert_max_num_queries(4):
        response = manager.get(LIST)
    assert response.status_code == 200
    assert list(response.context["tokens"]) == [ours]
    html = response.content.decode()
    assert "Аудан порталы" in html and ours.prefix in html and "Methodist" in html
    assert "Басқа ұйымның порталы" not in html and theirs.prefix not in html

    revoked = issue(kindergarten, "psychologist", name="Мектеп сайты")[0]
    api_token_revoke(token=revoked, by=head.user)
    for n in range(4):
        api_token_issue(organization=kindergarten, name=f"Портал {n}", roles=["head"], by=head.user)
    with django_assert_max_num_queries(4):
        response = manager.get(LIST)
    tokens = list(response.context["tokens"])
    assert len(tokens) == 6
    assert tokens[-1] == revoked, "the tokens in force come first"
    assert head.user.full_name in response.content.decode()


def test_issuing_shows_the_token_once_and_it_opens_the_api(manager, api, kindergarten, methodist):
    response = manager.post(LIST, {"name": "  Аудан   порталы ", "roles": ["methodist"]})
    assert response.status_code == 200
    assert "no-store" in response["Cache-Control"]
    html = response.content.decode()
    shown = RAW.findall(html)
    assert len(shown) == 1, "the raw token is on the page exactly once"
    assert "shown only this once" in html
    token = ApiToken.objects.get()
    assert token.name == "Аудан порталы" and token.roles == ["methodist"]
    assert token.organization == kindergarten and token.created_by == methodist.user
    assert shown[0] not in (token.digest, token.prefix) and shown[0].startswith(token.prefix)

    # A real call with the header the API expects: the journal of this organisation.
    answer = api.get(reverse("api:requests"), HTTP_AUTHORIZATION=f"Bearer {shown[0]}")
    assert answer.status_code == 200 and answer.json()["count"] == 0
    # The list never shows it again.
    again = manager.get(LIST).content.decode()
    assert not RAW.search(again) and token.prefix in again

    entry = LogEntry.objects.get_for_object(token).get()
    assert entry.action == LogEntry.Action.CREATE and entry.actor == methodist.user
    assert entry.additional_data["organization_id"] == kindergarten.pk
    assert "digest" not in entry.changes_dict and "name" in entry.changes_dict


def test_revoking_asks_first_then_the_token_answers_401(manager, api, kindergarten, methodist):
    token, raw = issue(kindergarten, "methodist")
    assert api.get(reverse("api:requests"), **bearer(raw)).status_code == 200

    confirm = manager.get(revoke_url(token))
    assert confirm.status_code == 200
    assert "stops getting answers at once" in confirm.content.decode()
    token.refresh_from_db()
    assert token.revoked_at is None, "opening the confirmation revokes nothing"

    response = manager.post(revoke_url(token))
    assert response.status_code == 302 and response["Location"] == LIST
    token.refresh_from_db()
    assert token.revoked_at is not None and token.revoked_by == methodist.user
    assert api.get(reverse("api:requests"), **bearer(raw)).status_code == 401

    entry = LogEntry.objects.get_for_object(token).filter(action=LogEntry.Action.UPDATE).get()
    assert entry.actor == methodist.user and "revoked_at" in entry.changes_dict
    assert entry.additional_data["organization_id"] == kindergarten.pk
    page = manager.get(LIST).content.decode()
    assert "is revoked" in page and revoke_url(token) not in page  # no second «Revoke» button
    # Asking again changes nothing.
    revoked_at = token.revoked_at
    assert manager.post(revoke_url(token)).status_code == 302
    token.refresh_from_db()
    assert token.revoked_at == revoked_at
    assert manager.get(revoke_url(token)).status_code == 302  # nothing to confirm


@pytest.mark.parametrize(
    ("data", "field", "message"),
    [
        ({"name": "", "roles": ["methodist"]}, "name", "Обязательное поле."),
        ({"name": "   ", "roles": ["methodist"]}, "name", "Обязательное поле."),
        ({"name": "Портал", "roles": ["region_officer"]}, "roles", "region_officer"),
        ({"name": "Портал", "roles": ["nonsense"]}, "roles", "nonsense"),
        ({"name": "П" * 101, "roles": []}, "name", "101"),
        ({}, "name", "Обязательное поле."),
    ],
)
def test_bad_input_is_400_in_the_users_language_and_issues_nothing(manager, data, field, message):
    manager.defaults["HTTP_ACCEPT_LANGUAGE"] = "ru"
    response = manager.post(LIST, data)
    assert response.status_code == 400
    errors = response.context["form"].errors[field]
    assert any(message in e for e in errors), errors
    if field == "roles":
        assert any(e.startswith("Выберите корректный вариант") for e in errors), errors
    assert not RAW.search(response.content.decode())
    assert not ApiToken.objects.exists()
    assert not LogEntry.objects.exists()


def test_the_service_refuses_a_blank_name_and_roles_of_no_organisations_staff(kindergarten):
    with pytest.raises(ValidationError) as blank:
        api_token_issue(organization=kindergarten, name=" \t ", roles=["methodist"], by=None)
    assert "name" in blank.value.message_dict
    with pytest.raises(ValidationError) as officer:
        api_token_issue(organization=kindergarten, name="Портал", roles=["district_officer"], by=None)
    assert "roles" in officer.value.message_dict
    assert not ApiToken.objects.exists()


def test_another_organisations_token_is_404(manager, api, other_kindergarten):
    theirs, raw = issue(other_kindergarten, "methodist")
    for pk in (theirs.pk, 2_000_000_000):
        assert manager.get(reverse("api_tokens:revoke", args=[pk])).status_code == 404
        assert manager.post(reverse("api_tokens:revoke", args=[pk])).status_code == 404
    theirs.refresh_from_db()
    assert theirs.revoked_at is None
    assert api.get(reverse("api:requests"), **bearer(raw)).status_code == 200


def test_only_the_organisations_managers_may_come_in(client, kindergarten, psychologist, social_pedagogue):
    token, _raw = issue(kindergarten, "methodist")
    for member in (psychologist, social_pedagogue):
        client.force_login(member.user)
        assert client.get(LIST).status_code == 403
        assert client.post(LIST, {"name": "Портал", "roles": ["head"]}).status_code == 403
        assert client.post(revoke_url(token)).status_code == 403
    client.logout()
    response = client.get(LIST)
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    token.refresh_from_db()
    assert ApiToken.objects.count() == 1 and token.revoked_at is None


def test_the_menu_links_the_page_for_managers_only(client, methodist, psychologist):
    client.force_login(methodist.user)
    assert LIST in client.get(reverse("scheduling:my_day")).content.decode()
    client.force_login(psychologist.user)
    assert LIST not in client.get(reverse("scheduling:my_day")).content.decode()


def test_a_manager_of_two_organisations_works_in_the_chosen_one(client, kindergarten, other_kindergarten, methodist):
    f.MembershipFactory(organization=other_kindergarten, role="methodist", user=methodist.user)
    ours, _raw = issue(kindergarten, "methodist", name="Біздің портал")
    theirs, _raw = issue(other_kindergarten, "methodist", name="Екінші ұйымның порталы")
    client.force_login(methodist.user)
    client.post(reverse("switch_organization"), {"organization": other_kindergarten.pk})
    assert list(client.get(LIST).context["tokens"]) == [theirs]
    assert client.post(revoke_url(ours)).status_code == 404
    client.post(LIST, {"name": "Жаңа", "roles": ["methodist"]})
    assert ApiToken.objects.get(name="Жаңа").organization == other_kindergarten


def test_the_head_finds_issue_and_revoke_in_the_organisations_audit_log(manager, head):
    manager.post(LIST, {"name": "Аудан порталы", "roles": ["methodist"]})
    token = ApiToken.objects.get()
    manager.post(revoke_url(token))
    manager.force_login(head.user)  # the head reads the organisation's log
    response = manager.get(reverse("audit:log"))
    assert response.status_code == 200
    entries = [e for e in response.context["page"].object_list if e.object_pk == str(token.pk)]
    assert sorted(e.action_label for e in entries) == ["changed", "created"]
    assert "Аудан порталы" in response.content.decode()


def test_a_manager_gives_a_token_only_roles_they_hold_the_head_any(client, kindergarten, methodist, head):
    # A methodist cannot make a token that acts as the head; the head runs the staff and can.
    client.force_login(methodist.user)
    client.defaults["HTTP_ACCEPT_LANGUAGE"] = "kk"
    # The form offers only what the methodist may give, rather than offer the head's role and refuse it.
    offered = client.get(LIST).context["form"].fields["roles"].choices
    assert [value for value, _label in offered] == ["methodist"]
    refused = client.post(LIST, {"name": "Аудан порталы", "roles": ["methodist", "head"]})
    assert refused.status_code == 400
    assert refused.context["form"].errors["roles"]
    with pytest.raises(ValidationError) as by_service:
        api_token_issue(organization=kindergarten, name="Аудан порталы", roles=["methodist", "head"], by=methodist.user)
    (error,) = by_service.value.message_dict["roles"]
    assert "Меңгеруші" in error or "меңгеруші" in error, error
    assert not ApiToken.objects.exists()
    assert client.post(LIST, {"name": "Аудан порталы", "roles": ["methodist"]}).status_code == 200
    client.force_login(head.user)
    assert len(list(client.get(LIST).context["form"].fields["roles"].choices)) > 10  # every staff role
    assert client.post(LIST, {"name": "Мектеп сайты", "roles": ["methodist", "psychologist"]}).status_code == 200
    assert sorted(ApiToken.objects.values_list("name", flat=True)) == ["Аудан порталы", "Мектеп сайты"]


def test_the_roles_are_bootstraps_labelled_checkboxes_in_a_named_group(manager):
    from pytest_django.asserts import assertInHTML

    html = manager.get(LIST).content.decode()  # a methodist: the one role she may give
    legend = re.search(r'<fieldset class="mb-3" aria-describedby="id_roles_helptext">\s*<legend[^>]*>Roles</legend>', html)
    assert legend, "the checkboxes are one group, named by its legend"
    assertInHTML(
        '<div class="form-check"><input type="checkbox" name="roles" value="methodist" class="form-check-input"'
        ' id="id_roles_0"><label class="form-check-label" for="id_roles_0">Methodist</label></div>',
        html,
    )


def test_a_revoked_token_is_marked_in_words_and_greyed(manager, kindergarten, head):
    live = issue(kindergarten, "methodist", name="Аудан порталы")[0]
    revoked = issue(kindergarten, "methodist", name="Мектеп сайты")[0]
    api_token_revoke(token=revoked, by=head.user)
    html = manager.get(LIST).content.decode()
    rows = {token.name: re.search(rf"<tr[^>]*>\s*<td>{token.name}.*?</tr>", html, re.S)[0] for token in (live, revoked)}
    assert '<tr class="table-secondary text-body-secondary">' in rows["Мектеп сайты"]
    assert '<span class="badge text-bg-secondary">revoked</span>' in rows["Мектеп сайты"]
    assert f"<s>{revoked.prefix}…</s>" in rows["Мектеп сайты"]
    assert "revoked" not in rows["Аудан порталы"] and "table-secondary" not in rows["Аудан порталы"]
    assert "Revoke…" in rows["Аудан порталы"]
