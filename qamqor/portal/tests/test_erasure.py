"""The parent's erasure request from "My data": a page that says what is erased and what stays,
then at once: the waiting requests cancelled as a withdrawal cancels them, the family anonymised
by the retention's service, the request recorded; after it the link shows nothing personal.
The JSON download is recorded as an export request."""

# The family and its link are test_my_data.py's fixtures, imported: the tests name them again.
# ruff: noqa: F811

import json

import pytest
from django.urls import reverse

from qamqor.audit.models import DataRequest
from qamqor.audit.services import ANONYMISED
from qamqor.audit.tests.conftest import database_rows_holding
from qamqor.families.models import Parent
from qamqor.journal.models import Request
from qamqor.portal.tests.test_my_data import IIN, family, stranger, token, url  # noqa: F401 (fixtures)
from qamqor.scheduling.models import Appointment

pytestmark = pytest.mark.django_db

# What the `family` fixture of test_my_data.py told the point.
SECRETS = (
    "Әбенова Мадина",
    "7015551234",
    "madina@example.com",
    "Әбенов Нұрсұлтан",
    IIN,
    "Бала түнде жиі оянады",
    "Тағы бір сұрақ",
    "Сөйлеуі туралы",
    "Ұйқы тәртібін сақтау",
    "Рахмет!",
)


def test_my_data_offers_the_erasure(client, token):
    assert url("erase", token) in client.get(url("my_data", token)).content.decode()


def test_erasing_asks_first_and_says_what_is_erased_and_what_stays(client, family, token):
    response = client.get(url("erase", token))
    page = response.content.decode()
    assert response.status_code == 200
    assert "Өшіріледі" in page and "Сізді атамай сақталады" in page  # "Erased", "Stays, without anything that names you"
    assert f"№ {family['booked'].display_number}" in page and f"№ {family['waiting'].display_number}" in page
    assert f"№ {family['held'].display_number}" not in page  # held: nothing to cancel
    assert not DataRequest.objects.exists()
    assert Parent.objects.get(pk=family["parent"].pk).anonymised_at is None


def test_erasing_cancels_anonymises_and_records(client, family, token, django_capture_on_commit_callbacks):
    parent = family["parent"]
    journal_rows = list(Request.objects.order_by("pk").values_list("pk", "number", "topic_id"))
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("erase", token))
    assert response.status_code == 302 and response["Location"] == url("my_data", token)
    for key, status in (("booked", "cancelled"), ("waiting", "cancelled"), ("held", "done")):
        family[key].refresh_from_db()
        assert family[key].status == status, key
    assert not Appointment.objects.filter(request__parent=parent, status="booked").exists()
    assert list(Request.objects.order_by("pk").values_list("pk", "number", "topic_id")) == journal_rows
    assert Parent.objects.get(pk=parent.pk).full_name == ANONYMISED
    assert database_rows_holding(*SECRETS) == []
    (record,) = DataRequest.objects.all()
    assert (record.kind, record.organization_id, record.parent_ref) == ("erasure", parent.organization_id, parent.pk)
    assert record.carried_out_at >= record.received_at
    assert record.counts["requests_cancelled"] == 2 and record.counts["requests_anonymised"] == 3
    assert record.counts["parents_anonymised"] == 1 and record.counts["children_anonymised"] == 1


def test_after_erasure_the_link_shows_nothing_personal(client, family, token):
    client.post(url("erase", token))
    for name in ("manage", "my_data", "erase", "withdraw"):
        response = client.get(url(name, token))
        assert response.status_code == 200, name
        page = response.content.decode()
        assert not [s for s in SECRETS if s in page], name
    assert "өшірілді" in client.get(url("my_data", token)).content.decode()
    assert client.get(url("my_data_download", token))["Location"] == url("my_data", token)


def test_erasing_twice_changes_nothing_and_is_recorded_once(client, family, token):
    client.post(url("erase", token))
    state = [list(m.objects.order_by("pk").values()) for m in (Parent, Request, Appointment)]
    response = client.post(url("erase", token), follow=True)
    assert "өшірілген" in response.content.decode()  # "already erased"
    assert [list(m.objects.order_by("pk").values()) for m in (Parent, Request, Appointment)] == state
    assert DataRequest.objects.count() == 1


def test_erasure_after_a_withdrawal_still_erases(client, family, token):
    client.post(url("withdraw", token))
    client.post(url("erase", token))
    assert Parent.objects.get(pk=family["parent"].pk).anonymised_at is not None
    assert database_rows_holding(*SECRETS) == []


def test_another_familys_data_is_untouched(client, family, token, stranger):
    other, twin = stranger
    client.post(url("erase", token))
    assert Parent.objects.get(pk=other.parent.pk).full_name == "Ким Алиса"
    assert Parent.objects.get(pk=twin.pk).full_name == "Әбенова Мадина Серікқызы"


def test_the_download_is_recorded_as_an_export(client, family, token):
    data = json.loads(client.get(url("my_data_download", token)).content)
    (record,) = DataRequest.objects.all()
    assert (record.kind, record.parent_ref) == ("export", family["parent"].pk)
    assert record.counts == {"children": 1, "requests": len(data["requests"])}
    assert record.carried_out_at is not None


def test_the_head_sees_the_request_without_the_parents_name(client, family, token, head):
    client.post(url("erase", token))
    client.force_login(head.user)
    page = client.get(reverse("audit:privacy")).content.decode()
    assert str(family["parent"].pk) in page and "Әбенова" not in page
