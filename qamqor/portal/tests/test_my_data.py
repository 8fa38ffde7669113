"""The parent's data rights from the manage link: "My data" shows what is kept, downloads it
complete as JSON, and withdraws the consent (which stops the processing, the journal's rows
staying as an official record)."""

import datetime as dt
import json
import time
from unittest import mock

import pytest
from django.core import signing
from django.urls import reverse
from django.utils import timezone

from qamqor.core.testing import factories as f
from qamqor.families.models import Child, Consent, Parent
from qamqor.journal.forms import IntakeForm
from qamqor.journal.models import Request, StatusChange
from qamqor.journal.services import request_complete, request_schedule
from qamqor.portal.links import manage_token
from qamqor.portal.models import ApplicationAttempt, Feedback
from qamqor.portal.services import portal_apply, portal_feedback_give
from qamqor.scheduling.calendar import public_holidays
from qamqor.scheduling.models import Appointment

IIN = "050712500121"


def past_working_day() -> dt.date:
    """The latest working day before today: a consultation there has taken place, and the
    manage link (a week after it) still works."""
    day = timezone.localdate() - dt.timedelta(days=1)
    while day.weekday() >= 5 or day in public_holidays(day.year):
        day -= dt.timedelta(days=1)
    return day


def apply(point, **kwargs):
    data = {
        "topic": f.topic("behaviour"),
        "parent_full_name": "Әбенова Мадина Серікқызы",
        "phone": "8 701 555 12 34",
        "email": "madina@example.com",
        "language": "kk",
        "question": "Бала түнде жиі оянады",
        "consent_given": True,
        "client_address": "10.0.0.1",
        **kwargs,
    }
    return portal_apply(point=point, **data).request


@pytest.fixture
def family(point, psychologist, day):
    """A parent with a child (IIN known to the point) and three requests: one consulted and
    rated, one booked for a time to come, one waiting for the methodist's call."""
    held = apply(point, child_full_name="Әбенов Нұрсұлтан", child_birth_date=dt.date(2005, 7, 12), child_sex="m")
    parent, child = held.parent, held.child
    Child.objects.filter(pk=child.pk).update(iin=IIN)
    past = f.at(past_working_day(), "10:00")
    request_schedule(request=held, specialists=[psychologist], starts_at=past, by=None, allow_past=True)
    request_complete(request=held, recommendations="Ұйқы тәртібін сақтау", by=psychologist.user)
    portal_feedback_give(request=held, rating=5, comment="Рахмет!")
    booked = apply(point, question="Тағы бір сұрақ", specialist=psychologist, starts_at=f.at(day, "11:00"))
    waiting = apply(point, question="Сөйлеуі туралы")
    parent.refresh_from_db()
    return {"parent": parent, "child": child, "held": held, "booked": booked, "waiting": waiting}


@pytest.fixture
def token(family):
    return manage_token(family["booked"])


@pytest.fixture
def stranger(point, psychologist):
    """Another family of the same point, and the same phone in another organisation."""
    other = apply(point, parent_full_name="Ким Алиса", phone="+77015550001", email="alisa@example.com", question="Бөтен сұрақ")
    twin = f.ParentFactory(organization=f.OrganizationFactory(), full_name="Әбенова Мадина Серікқызы", phone="+77015551234")
    return other, twin


def url(name, token):
    return reverse(f"portal:{name}", args=[token])


def state():
    return (
        list(Consent.objects.values_list("pk", "withdrawn_at")),
        list(Request.objects.values_list("pk", "status")),
        list(Appointment.objects.values_list("pk", "status")),
        list(Parent.objects.values_list("pk", "email")),
        list(Child.objects.values_list("pk", "iin")),
        StatusChange.objects.count(),
    )


def test_the_manage_page_leads_to_my_data(client, token):
    assert url("my_data", token) in client.get(url("manage", token)).content.decode()


def test_my_data_shows_what_is_kept(client, family, token):
    response = client.get(url("my_data", token))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert response["Cache-Control"].startswith("max-age=0")
    for shown in (
        "Әбенова Мадина Серікқызы",
        "+7 701 555 1234",
        "madina@example.com",
        "Қазақша",
        "Әбенов Нұрсұлтан",
        "2005 ж. 12 шілде",
        "ұл",
        "••••••••0121",
        "онлайн",
        family["held"].display_number,
        family["booked"].display_number,
        family["waiting"].display_number,
        "аяқталды",
        "Баланың мінез-құлқы мен эмоциясы",
    ):
        assert shown in html, shown
    assert IIN not in html  # masked on the screen
    assert url("my_data_download", token) in html
    assert url("withdraw", token) in html


def test_the_download_is_complete(client, family, token):
    response = client.get(url("my_data_download", token))
    assert response.status_code == 200
    assert response["Content-Type"] == "application/json"
    assert response["Content-Disposition"].startswith('attachment; filename="qamqor-my-data-')
    data = json.loads(response.content)

    parent = family["parent"]
    assert data["parent"]["full_name"] == parent.full_name
    assert data["parent"]["phone"] == "+77015551234"
    assert data["parent"]["email"] == "madina@example.com"
    assert data["children"][0]["iin"] == IIN  # the parent's own copy: in full
    assert data["children"][0]["birth_date"] == "2005-07-12"
    # The first application gave the parent's and the child's consent, each later one the parent's again.
    assert [c["scope"] for c in data["consents"]] == ["parent", "child", "parent", "parent"]
    assert data["consents"][0]["method"] == "online" and data["consents"][0]["withdrawn_at"] is None
    requests = {r["number"]: r for r in data["requests"]}
    held = requests[family["held"].display_number]
    assert held["recommendations"] == "Ұйқы тәртібін сақтау"
    assert held["feedback"]["rating"] == 5 and held["feedback"]["comment"] == "Рахмет!"
    assert held["appointments"][0]["specialists"] == ["Оспанова Айгүл Маратқызы"]
    assert held["appointments"][0]["status"] == "done"
    assert [h["to_status"] for h in held["history"]] == ["new", "routed", "scheduled", "done"]
    assert requests[family["waiting"].display_number]["question"] == "Сөйлеуі туралы"
    assert data["organisation"]["name"] == "№8 «Думан» балабақшасы"


# Every stored field of these models must be in the file; the fields left out are listed with the reason.
LEFT_OUT = {
    # the record itself, its keeper and its links: shown by where it sits in the file
    "id",
    "organization",
    "parent",
    "request",
    # who on the staff did something: the staff's data, not the parent's
    "recorded_by",
    "received_by",
    "closed_by",
    "booked_by",
    "changed_by",
    # always empty while the page shows data: an anonymised family's page shows none (test_erasure.py)
    "anonymised_at",
}
RENAMED = {"changed_at": "at"}


def _fields(model) -> set[str]:
    return {f.name for f in model._meta.get_fields() if f.concrete and f.name not in LEFT_OUT}


def test_the_download_has_every_stored_field(client, family, token):
    data = json.loads(client.get(url("my_data_download", token)).content)
    request = data["requests"][0]
    sections = {
        Parent: data["parent"],
        Child: data["children"][0],
        Consent: data["consents"][0],
        Request: request,
        StatusChange: request["history"][0],
        Appointment: request["appointments"][0],
        Feedback: request["feedback"],
    }
    for model, section in sections.items():
        missing = {RENAMED.get(name, name) for name in _fields(model)} - set(section)
        assert not missing, f"{model.__name__}: {missing}"


def test_the_download_holds_only_this_parents_data(client, family, token, stranger):
    other, twin = stranger
    content = client.get(url("my_data_download", token)).content.decode()
    assert "Ким Алиса" not in content
    assert "alisa@example.com" not in content
    assert "Бөтен сұрақ" not in content
    assert other.display_number not in content
    data = json.loads(content)
    assert len(data["requests"]) == 3
    assert len(data["children"]) == 1


@pytest.mark.parametrize("name", ["my_data", "my_data_download", "withdraw"])
def test_a_forged_link_opens_no_data_and_changes_nothing(client, family, token, name):
    before = state()
    for bad in ("forged", token[:-2] + ("AA" if not token.endswith("AA") else "BB")):
        for response in (client.get(url(name, bad)), client.post(url(name, bad))):
            assert response.status_code == 404
            assert "Бұл сілтеме жұмыс істемейді" in response.content.decode()
            assert "Әбенова" not in response.content.decode()
    assert state() == before


def test_an_expired_link_opens_no_data_and_changes_nothing(client, family):
    issued_long_ago = signing.b62_encode(int(time.time() - 40 * 24 * 3600))
    with mock.patch.object(signing.TimestampSigner, "timestamp", return_value=issued_long_ago):
        old = manage_token(family["waiting"])
    before = state()
    for response in (
        client.get(url("my_data", old)),
        client.get(url("my_data_download", old)),
        client.post(url("withdraw", old)),
    ):
        assert response.status_code == 410
        assert "madina@example.com" not in response.content.decode()
    assert state() == before


def test_withdrawing_asks_first_and_says_what_will_happen(client, family, token):
    before = state()
    response = client.get(url("withdraw", token))
    html = response.content.decode()
    assert response.status_code == 200
    assert html.count("<h1") == 1
    assert 'method="post"' in html
    assert family["booked"].display_number in html  # to be cancelled, with its time
    assert family["waiting"].display_number in html
    assert family["held"].display_number not in html  # closed: stays as it is
    assert "ресми құжат" in html  # the journal keeps the rows: said on the page
    assert state() == before


def test_withdrawing_stops_the_processing(client, family, token, methodist, django_capture_on_commit_callbacks):
    parent, child = family["parent"], family["child"]
    journal_rows = Request.objects.count()
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url("withdraw", token))
    assert response.status_code == 302
    assert response["Location"] == url("my_data", token)

    # The withdrawal is recorded, for the parent and for the child.
    assert not parent.consents.filter(withdrawn_at__isnull=True).exists()
    parent.refresh_from_db()
    assert parent.consent_withdrawn_at is not None
    # The bookings to come and the requests waiting are cancelled; the held one stays done.
    for key, status in (("booked", "cancelled"), ("waiting", "cancelled"), ("held", "done")):
        family[key].refresh_from_db()
        assert family[key].status == status, key
    assert not Appointment.objects.filter(request__parent=parent, status="booked").exists()
    # What only the consent let us keep is erased; the journal's rows stay.
    assert parent.email == ""
    child.refresh_from_db()
    assert child.iin == ""
    assert Request.objects.count() == journal_rows

    page = client.get(response["Location"]).content.decode()
    assert "кері қайтарып алдыңыз" in page
    assert url("withdraw", token) not in page

    # The staff no longer see the family in their lists, but the journal keeps the rows.
    client.force_login(methodist.user)
    assert parent.full_name not in client.get(reverse("families:parent_list")).content.decode()
    form = IntakeForm(organization_id=parent.organization_id)
    assert parent not in form.fields["parent"].queryset
    assert child not in form.fields["child"].queryset
    journal = client.get(reverse("journal:list")).content.decode()
    assert family["held"].display_number.split("/")[0] in journal
    assert parent.full_name in journal
    detail = client.get(reverse("families:parent_detail", args=[parent.pk])).content.decode()
    assert "келісімін" in detail and "кері қайтарып алды" in detail


def test_a_consultation_whose_time_has_come_stays_for_the_specialist(client, point, psychologist):
    started = apply(point)
    request_schedule(
        request=started, specialists=[psychologist], starts_at=f.at(past_working_day(), "12:00"), by=None, allow_past=True
    )
    client.post(url("withdraw", manage_token(started)))
    started.refresh_from_db()
    assert started.status == "scheduled"
    assert not started.parent.has_consent(Consent.Scope.PARENT)


def test_withdrawing_twice_changes_nothing(client, family, token):
    client.post(url("withdraw", token))
    before = state()
    response = client.post(url("withdraw", token), follow=True)
    assert "бұрын кері қайтарылған" in response.content.decode()
    assert state() == before


def test_the_data_page_speaks_the_parents_language(client, family, token):
    Parent.objects.filter(pk=family["parent"].pk).update(language="ru")
    response = client.get(url("my_data", token))
    assert response["Content-Language"] == "ru"
    assert "Мои данные" in response.content.decode()


def test_applying_again_gives_the_consent_anew(client, family, token, point):
    client.post(url("withdraw", token))
    parent = family["parent"]
    assert not Parent.objects.consenting().filter(pk=parent.pk).exists()
    ApplicationAttempt.objects.all().delete()  # the hour's limit per phone is not what this is about
    apply(point, question="Қайта жазылу", email="madina@example.com")
    assert Parent.objects.consenting().filter(pk=parent.pk).exists()


def test_another_familys_data_is_untouched(client, family, token, stranger):
    other, twin = stranger
    before = (other.parent.email, list(other.parent.consents.values_list("pk", "withdrawn_at")))
    client.post(url("withdraw", token))
    other.refresh_from_db()
    assert other.status == "new"
    assert (other.parent.email, list(other.parent.consents.values_list("pk", "withdrawn_at"))) == before
    assert Parent.objects.consenting().filter(pk__in=[other.parent_id, twin.pk]).count() == 2
    assert IntakeForm(organization_id=other.organization_id).fields["parent"].queryset.filter(pk=other.parent_id).exists()
