"""The audit log's search page: the head sees their organisation's log, a superuser all."""

from __future__ import annotations

import datetime as dt

import pytest
from auditlog.models import LogEntry
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qamqor.core.testing import factories as f

URL = reverse("audit:log")


@pytest.fixture
def stranger(other_kindergarten):
    return f.ParentFactory(organization=other_kindergarten, full_name="Бөтен Ата-ана")


@pytest.mark.django_db
def test_the_head_sees_their_organisations_log_only(client, head, parent, child, stranger) -> None:
    client.force_login(head.user)
    response = client.get(URL)
    assert response.status_code == 200
    assert parent.full_name in response.text and child.full_name in response.text
    assert stranger.full_name not in response.text


@pytest.mark.django_db
def test_a_methodist_may_not_read_the_log(client, methodist) -> None:
    client.force_login(methodist.user)
    assert client.get(URL).status_code == 403


@pytest.mark.django_db
def test_a_superuser_sees_every_organisation(client, parent, stranger, django_user_model) -> None:
    client.force_login(django_user_model.objects.create_superuser("root", "root@example.kz", "a-long-admin-password"))
    response = client.get(URL)
    assert parent.full_name in response.text and stranger.full_name in response.text


@pytest.mark.django_db
def test_search_by_person_record_and_period(client, head, methodist, parent, child, kindergarten) -> None:
    other = f.ParentFactory(organization=kindergarten, full_name="Басқа Ата-ана")
    client.force_login(methodist.user)
    client.get(reverse("families:parent_detail", args=[parent.pk]))
    client.force_login(head.user)

    by_family = client.post(URL, {"family": "Әлихан"})  # the child's name finds the family
    assert parent.full_name in by_family.text and other.full_name not in by_family.text

    by_actor = client.post(URL, {"actor": "methodist"})
    assert list(by_actor.context["page"].object_list) == list(
        LogEntry.objects.filter(actor=methodist.user).order_by("-timestamp", "-pk")
    )
    assert {e.action for e in by_actor.context["page"].object_list} == {LogEntry.Action.ACCESS}

    by_record = client.post(URL, {"record_type": "families.Child", "record_id": child.pk})
    assert {(e.content_type.model, e.object_pk) for e in by_record.context["page"].object_list} == {("child", str(child.pk))}

    today = timezone.localdate()
    assert len(client.post(URL, {"date_from": today, "date_to": today}).context["page"].object_list) > 0
    tomorrow = today + dt.timedelta(days=1)
    assert len(client.post(URL, {"date_from": tomorrow}).context["page"].object_list) == 0
    assert client.post(URL, {"date_from": tomorrow, "date_to": today}).context["form"].errors


@pytest.mark.django_db
def test_the_page_runs_in_constant_queries(client, head, kindergarten) -> None:
    client.force_login(head.user)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            assert client.post(URL, {"family": "Нұрланова"}).status_code == 200
        return len(queries)

    f.ChildFactory(parent=f.ParentFactory(organization=kindergarten))
    few = count()
    for _ in range(5):
        f.ChildFactory(parent=f.ParentFactory(organization=kindergarten))
    # session, user, memberships, the families' ids, the count, the page of entries with actor and type
    assert count() == few <= 7


def test_the_menu_leads_the_head_to_the_audit_log_and_no_one_else(client, head, methodist):
    url = reverse("audit:log")
    client.force_login(head.user)
    assert url in client.get(reverse("journal:list")).content.decode()
    client.force_login(methodist.user)
    assert url not in client.get(reverse("journal:list")).content.decode()


@pytest.mark.django_db
@pytest.mark.parametrize("name", ["audit:log", "audit:privacy", "second_factor:account"])
def test_pages_behind_a_plain_login_show_the_heads_whole_menu(client, head, other_kindergarten, name) -> None:
    """The menu is the organisation's on every page, not only on pages of the staff decorators."""
    # Heading two kindergartens: the menu offers the switch between them.
    f.MembershipFactory(organization=other_kindergarten, role="head", user=head.user)
    client.force_login(head.user)
    page = client.get(reverse(name)).text
    assert reverse("journal:list") in page and reverse("audit:log") in page
    assert 'name="organization"' in page  # the organisation switcher
