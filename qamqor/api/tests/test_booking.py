"""POST /api/v1/bookings/: the public site's application and booking, once per key."""

from __future__ import annotations

import datetime as dt
import json

import pytest
from django.core import mail
from django.urls import reverse

from qamqor.api.models import IdempotencyKey
from qamqor.api.tests.conftest import bearer, book, issue
from qamqor.core.testing import factories as f
from qamqor.families.models import Child, Parent
from qamqor.journal.models import Request
from qamqor.scheduling.models import Appointment

pytestmark = pytest.mark.django_db


def nothing_saved() -> bool:
    return not (Request.objects.exists() or Parent.objects.exists() or Appointment.objects.exists())


def test_a_booking_is_made_through_the_public_sites_service(api, booking, psychologist):
    response = book(api, booking)
    assert response.status_code == 201, response.json()
    body = response.json()
    request = Request.objects.get()
    assert body["request"] == {"id": request.pk, "number": request.display_number, "status": "scheduled"}
    assert request.channel == "online"  # as the site records it
    appointment = Appointment.objects.get()
    assert body["appointment"]["specialist"] == psychologist.pk
    assert dt.datetime.fromisoformat(body["appointment"]["starts_at"]) == appointment.starts_at
    assert body["appointment"]["starts_at"].endswith("+05:00")  # Asia/Almaty, as every date of the API
    assert body["manage_url"].startswith("http://testserver/my/")
    assert Child.objects.get().full_name == "Әбенов Нұрсұлтан"
    # The parent gets the site's letter with the manage link.
    assert len(mail.outbox) == 1 and body["manage_url"] in mail.outbox[0].body
    assert response["Cache-Control"].startswith("max-age=0") or "no-store" in response["Cache-Control"]


def test_an_application_without_a_time(api, booking):
    booking.update(specialist=None, starts_at=None)
    response = book(api, booking)
    assert response.status_code == 201
    assert response.json()["appointment"] is None
    assert Request.objects.get().status == "new"


def test_the_same_key_twice_books_once_and_answers_the_same(api, booking):
    first = book(api, booking, key="order-17")
    again = book(api, booking, key="order-17")
    assert first.status_code == again.status_code == 201
    assert again.json() == first.json()
    assert again["Idempotent-Replayed"] == "true"
    assert Request.objects.count() == Appointment.objects.count() == 1
    assert len(mail.outbox) == 1  # one letter too


def test_the_same_key_with_another_body_is_refused_and_changes_nothing(api, booking):
    book(api, booking, key="order-17")
    booking["question"] = "Басқа сұрақ"
    response = book(api, booking, key="order-17")
    assert response.status_code == 422
    assert response.json()["error"]["code"] == "idempotency_key_reused"
    assert Request.objects.count() == 1


def test_another_callers_key_is_theirs(api, booking, kindergarten):
    """A token's keys and the anonymous callers' keys never meet."""
    book(api, booking, key="k1")
    _token, raw = issue(kindergarten)
    booking.update(specialist=None, starts_at=None, phone="+77015550000")
    response = book(api, booking, key="k1", **bearer(raw))
    assert response.status_code == 201
    assert Request.objects.count() == 2


def test_a_refused_booking_keeps_no_key_so_a_corrected_retry_books(api, booking):
    booking["phone"] = "12"
    refused = book(api, booking, key="k1")
    assert refused.status_code == 400
    assert refused.json()["error"]["fields"]["phone"]
    assert not IdempotencyKey.objects.exists() and nothing_saved()
    booking["phone"] = "8 701 555 12 34"
    assert book(api, booking, key="k1").status_code == 201


def test_a_booking_needs_an_idempotency_key(api, booking):
    response = api.post(reverse("api:bookings"), booking, format="json")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "idempotency_key_missing"
    for key in ("x" * 256, "кілт", "a\x00b"):
        refused = book(api, booking, key=key)
        assert refused.status_code == 400, key
        assert refused.json()["error"]["code"] == "idempotency_key_invalid", key
    assert nothing_saved()


def test_a_time_just_taken_is_409(api, booking):
    assert book(api, booking).status_code == 201
    booking.update(phone="+77015550001", parent_full_name="Басқа ата-ана")
    response = book(api, booking)
    assert response.status_code == 409
    assert response.json()["error"]["code"] == "slot_taken"
    assert Request.objects.count() == 1


@pytest.mark.parametrize(
    ("change", "field"),
    [
        ({"consent_given": "yes"}, "consent_given"),  # a string where a boolean goes
        ({"point": "1"}, "point"),  # a string where a number goes
        ({"question": ["a"]}, "question"),
        ({"starts_at": "завтра"}, "starts_at"),
        ({"child_birth_date": "2099-01-01"}, "child_birth_date"),  # the site's own check
        ({"nickname": "Мадина"}, "nickname"),  # an unknown field
        ({"consent_given": False}, "consent_given"),
        ({"specialist": None}, "specialist"),  # a time without its specialist
    ],
)
def test_bad_input_names_the_field_and_saves_nothing(api, booking, change, field):
    booking.update(change)
    response = book(api, booking)
    assert response.status_code == 400, response.json()
    error = response.json()["error"]
    assert error["code"] == "invalid"
    assert field in error["fields"], error
    assert nothing_saved()


def test_a_time_not_in_the_schedule(api, booking, day):
    booking["starts_at"] = f.at(day, "10:07").isoformat()
    response = book(api, booking)
    assert response.status_code == 400
    assert "starts_at" in response.json()["error"]["fields"]
    assert nothing_saved()


def test_malformed_json(api):
    response = api.post(reverse("api:bookings"), data='{"point": 1,', content_type="application/json", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "malformed_json"


def test_a_form_post_is_not_json(api, booking):
    response = api.post(reverse("api:bookings"), {"point": "1"}, format="multipart", HTTP_IDEMPOTENCY_KEY="k")
    assert response.status_code == 415
    assert response.json()["error"]["code"] == "unsupported_media_type"


def test_a_body_that_is_not_an_object(api):
    response = book(api, [1, 2])
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"


def test_errors_speak_the_callers_language(api, booking):
    booking["phone"] = "12"
    ru = book(api, booking, HTTP_ACCEPT_LANGUAGE="ru").json()["error"]
    kk = book(api, booking, HTTP_ACCEPT_LANGUAGE="kk").json()["error"]
    en = book(api, booking, HTTP_ACCEPT_LANGUAGE="en").json()["error"]
    assert ru["code"] == kk["code"] == en["code"] == "invalid"
    assert len({json.dumps(ru), json.dumps(kk), json.dumps(en)}) == 3
    assert "Some values were refused" in en["message"]


KAZAKH_LETTERS = set("әғқңөұүһі")


@pytest.mark.parametrize(
    ("change", "field", "ru"),
    [
        ({"consent_given": "yes"}, "consent_given", "Должно быть true или false, без кавычек."),
        ({"question": 12}, "question", "Должен быть текст в кавычках."),
        ({"point": "1"}, "point", "Должно быть целое число, без кавычек."),
        ({"child_birth_date": "17.05.2022"}, "child_birth_date", "Укажите дату в виде ГГГГ-ММ-ДД, например 2026-12-07."),
        ({"starts_at": "завтра"}, "starts_at", "Укажите дату и время в виде ГГГГ-ММ-ДДTчч:мм"),
    ],
)
def test_a_wrong_type_is_explained_in_russian_not_in_kazakh_or_english(api, booking, change, field, ru):
    # DRF's ru catalogue lacks some of these: Django would fall back to the default language, kk.
    booking.update(change)
    (message,) = book(api, booking, HTTP_ACCEPT_LANGUAGE="ru").json()["error"]["fields"][field]
    assert message.startswith(ru), message
    assert not KAZAKH_LETTERS & set(message.lower())
    (message,) = book(api, booking, HTTP_ACCEPT_LANGUAGE="kk").json()["error"]["fields"][field]
    assert "date" not in message.lower() and "boolean" not in message.lower(), message
    assert nothing_saved()


def test_a_body_that_is_not_an_object_is_explained_in_the_callers_words(api):
    error = book(api, [1, 2], HTTP_ACCEPT_LANGUAGE="ru").json()["error"]
    assert error["message"].startswith("Тело запроса должно быть одним объектом JSON"), error
    assert "list" not in book(api, [1, 2], HTTP_ACCEPT_LANGUAGE="kk").json()["error"]["message"]


def test_a_closed_point_is_not_found(api, booking, point):
    point.is_open = False
    point.save()
    assert book(api, booking).status_code == 404


def test_a_token_books_at_its_own_organisation_only(api, booking, other_kindergarten):
    _token, raw = issue(other_kindergarten)
    response = book(api, booking, **bearer(raw))
    assert response.status_code == 404
    assert response.json()["error"]["code"] == "not_found"
    assert nothing_saved()


def test_the_sites_limits_apply(api, booking):
    booking.update(specialist=None, starts_at=None)
    answers = [book(api, {**booking, "question": f"Сұрақ {i}"}).status_code for i in range(4)]
    assert answers == [201, 201, 201, 429]  # three applications an hour per phone (portal.services)
