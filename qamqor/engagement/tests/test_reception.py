"""Office hours with the administration: reception hours kept apart from consultation hours,
booking a visit, cancelling it, the pages (public, private link, staff list) and the erasers."""

from __future__ import annotations

import datetime as dt

import pytest
from django.core.exceptions import ValidationError
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qamqor.core.testing import factories as f
from qamqor.engagement import reception
from qamqor.engagement.models import ReceptionVisit
from qamqor.scheduling.models import Appointment
from qamqor.scheduling.services import SlotTaken, appointment_book, free_slots

pytestmark = pytest.mark.django_db


def monday() -> dt.date:
    return f.next_working_monday()


@pytest.fixture
def host(kindergarten, head):
    """The head: consultations 09:00–12:00, the Director's hour 15:00–17:00, every weekday."""
    f.weekly_hours(head, start="09:00", end="12:00")
    f.weekly_hours(head, start="15:00", end="17:00", kind="reception")
    return head


def book(kindergarten, host, hhmm: str = "15:00", day: dt.date | None = None, **kw) -> ReceptionVisit:
    values = {
        "full_name": "Сейтқали Динара",
        "phone": "8 701 123 45 67",
        "topic": "Топтағы тамақтану туралы",
        "client_address": "10.7.0.1",
        "language": "kk",
    }
    values.update(kw)
    return reception.reception_book(organization=kindergarten, host=host, starts_at=f.at(day or monday(), hhmm), **values)


# --- the kinds of hours never mix


def test_consultation_slots_exclude_reception_hours_and_the_other_way(host):
    day = monday()
    consultation = free_slots(specialists=[host], start=day, days=1)
    office = free_slots(specialists=[host], start=day, days=1, kind="reception")
    assert consultation and office
    assert all(timezone.localtime(s.starts_at).hour < 12 for s in consultation)
    assert all(15 <= timezone.localtime(s.starts_at).hour < 17 for s in office)


def test_a_consultation_in_a_reception_block_is_refused_as_outside_the_schedule(kindergarten, host):
    with pytest.raises(ValidationError) as caught:
        appointment_book(organization=kindergarten, specialists=[host], starts_at=f.at(monday(), "15:00"), booked_by=None)
    assert caught.value.code == "outside_hours"
    with pytest.raises(ValidationError) as caught:
        book(kindergarten, host, "10:00")
    assert "outside_hours" in [e.code for e in caught.value.error_list]
    assert not Appointment.objects.exists() and not ReceptionVisit.objects.exists()


# --- booking


def test_a_parent_books_the_directors_hour(kindergarten, host):
    visit = book(kindergarten, host)
    assert visit.status == ReceptionVisit.Status.BOOKED
    assert visit.phone == "+77011234567"
    assert visit.appointment.specialists.get() == host
    assert timezone.localtime(visit.appointment.starts_at).strftime("%H:%M") == "15:00"
    left = free_slots(specialists=[host], start=monday(), days=1, kind="reception")
    assert visit.appointment.starts_at not in [s.starts_at for s in left]


def test_the_same_time_twice_is_refused_clearly(kindergarten, host):
    book(kindergarten, host)
    with pytest.raises(SlotTaken) as caught:
        book(kindergarten, host, client_address="10.7.0.2", phone="+77019998877")
    assert caught.value.code == "slot_taken"
    assert ReceptionVisit.objects.count() == 1


def test_the_host_is_not_booked_over_their_own_consultation(kindergarten, head, psychologist):
    # Reception hours overlapping consultation hours: a consultation already booked wins.
    f.weekly_hours(head, start="09:00", end="12:00")
    f.weekly_hours(head, start="09:00", end="12:00", kind="reception")
    appointment_book(organization=kindergarten, specialists=[head], starts_at=f.at(monday(), "09:00"), booked_by=None)
    assert f.at(monday(), "09:00") not in [
        s.starts_at for s in free_slots(specialists=[head], start=monday(), days=1, kind="reception")
    ]
    with pytest.raises(SlotTaken):
        book(kindergarten, head, "09:00")
    assert not ReceptionVisit.objects.exists()
    assert Appointment.objects.count() == 1


def test_a_bad_phone_changes_nothing(kindergarten, host):
    with pytest.raises(ValidationError) as caught:
        book(kindergarten, host, phone="12345")
    assert "phone" in caught.value.message_dict
    assert not Appointment.objects.exists() and not ReceptionVisit.objects.exists()


def test_a_past_time_is_refused(kindergarten, host):
    last_week = monday() - dt.timedelta(days=14)
    with pytest.raises(ValidationError) as caught:
        book(kindergarten, host, day=last_week)
    assert "past" in [e.code for e in caught.value.error_list]
    assert not ReceptionVisit.objects.exists()


def test_only_the_head_director_or_a_deputy_receives(kindergarten, psychologist):
    f.weekly_hours(psychologist, start="15:00", end="17:00", kind="reception")
    with pytest.raises(ValidationError) as caught:
        book(kindergarten, psychologist)
    assert "host" in caught.value.message_dict
    deputy = f.staff(kindergarten, "deputy")
    f.weekly_hours(deputy, start="15:00", end="17:00", kind="reception")
    assert book(kindergarten, deputy).host == deputy
    assert reception.reception_hosts(kindergarten.pk) == [deputy]


def test_bookings_from_one_device_are_limited(kindergarten, host):
    slots = free_slots(specialists=[host], start=monday(), days=7, kind="reception")
    for n in range(reception.VISITS_PER_ADDRESS):
        reception.reception_book(
            organization=kindergarten, host=host, starts_at=slots[n].starts_at, full_name="Ата-ана",
            phone=f"+7701555000{n}", topic="Сұрақ", client_address="10.7.0.9",
        )  # fmt: skip
    with pytest.raises(ValidationError) as caught:
        reception.reception_book(
            organization=kindergarten, host=host, starts_at=slots[-1].starts_at, full_name="Ата-ана",
            phone="+77015550009", topic="Сұрақ", client_address="10.7.0.9",
        )  # fmt: skip
    assert caught.value.code == "too_many_visits"
    assert ReceptionVisit.objects.count() == reception.VISITS_PER_ADDRESS


def test_cancelling_frees_the_time(kindergarten, host):
    visit = book(kindergarten, host)
    reception.reception_cancel(visit=visit)
    visit.refresh_from_db()
    assert visit.status == ReceptionVisit.Status.CANCELLED and visit.cancelled_at
    assert visit.appointment.status == Appointment.Status.CANCELLED
    again = book(kindergarten, host, client_address="10.7.0.3", phone="+77019998877")
    assert again.appointment.starts_at == visit.appointment.starts_at
    with pytest.raises(ValidationError):
        reception.reception_cancel(visit=visit)


# --- the pages


def form_data(host, slot, **kw) -> dict:
    data = {
        "slot": reception.slot_value(host, slot),
        "full_name": "Сейтқали Динара",
        "phone": "8 701 123 45 67",
        "topic": "Топтағы тамақтану туралы",
        "consent": "on",
        "website": "",
    }
    data.update(kw)
    return data


def test_a_parent_books_on_the_public_page_and_cancels_behind_the_private_link(client, kindergarten, host):
    page = reverse("engagement:reception", args=[kindergarten.pk])
    assert (
        reverse("engagement:reception", args=[kindergarten.pk])
        in client.get(reverse("engagement:public_events", args=[kindergarten.pk])).content.decode()
    )
    response = client.get(page)
    assert response.status_code == 200 and host.person_name in response.content.decode()
    slot = free_slots(specialists=[host], start=timezone.localdate(), days=14, kind="reception")[0]
    assert reception.slot_value(host, slot) in response.content.decode()
    response = client.post(page, form_data(host, slot))
    assert response.status_code == 302
    visit = ReceptionVisit.objects.get()
    assert visit.appointment.starts_at == slot.starts_at and visit.topic == "Топтағы тамақтану туралы"
    link = response["Location"]
    assert link.startswith("/my/reception/")
    shown = client.get(link)
    assert shown.status_code == 200 and "no-store" in shown["Cache-Control"]
    assert client.post(link + "cancel/").status_code == 302
    visit.refresh_from_db()
    assert visit.status == ReceptionVisit.Status.CANCELLED
    assert slot.starts_at in [
        s.starts_at for s in free_slots(specialists=[host], start=slot.starts_at.date(), days=2, kind="reception")
    ]


def test_the_page_says_when_the_time_was_just_taken(client, kindergarten, host):
    slot = free_slots(specialists=[host], start=timezone.localdate(), days=14, kind="reception")[0]
    reception.reception_book(
        organization=kindergarten, host=host, starts_at=slot.starts_at, full_name="Бірінші", phone="+77019998877",
        topic="Сұрақ", client_address="10.7.1.1",
    )  # fmt: skip
    response = client.post(reverse("engagement:reception", args=[kindergarten.pk]), form_data(host, slot))
    assert response.status_code == 409
    assert ReceptionVisit.objects.count() == 1


def test_a_bad_phone_or_the_trap_on_the_page_changes_nothing(client, kindergarten, host):
    slot = free_slots(specialists=[host], start=timezone.localdate(), days=14, kind="reception")[0]
    page = reverse("engagement:reception", args=[kindergarten.pk])
    assert client.post(page, form_data(host, slot, phone="123")).status_code == 400
    assert client.post(page, form_data(host, slot, website="http://spam")).status_code == 400
    assert client.post(page, form_data(host, slot, consent="")).status_code == 400
    assert not ReceptionVisit.objects.exists() and not Appointment.objects.exists()


def test_a_forged_private_link_is_not_found(client, kindergarten, host):
    from qamqor.engagement.links import reception_token

    token = reception_token(book(kindergarten, host))
    for forged in (token[:-3] + "AAA", "nothing"):
        assert client.get(reverse("engagement:my_reception", args=[forged])).status_code == 404
        assert client.post(reverse("engagement:my_reception_cancel", args=[forged])).status_code == 404
    assert ReceptionVisit.objects.get().status == ReceptionVisit.Status.BOOKED


def test_the_staff_list_asks_the_same_number_of_queries_for_one_visit_and_five(client, kindergarten, host, methodist):
    client.force_login(methodist.user)
    url = reverse("engagement:reception_visits")
    slots = free_slots(specialists=[host], start=timezone.localdate(), days=14, kind="reception")

    def visit(n: int) -> None:
        reception.reception_book(
            organization=kindergarten, host=host, starts_at=slots[n].starts_at, full_name=f"Ата-ана {n}",
            phone=f"+7701555000{n}", topic="Сұрақ", client_address=f"10.7.2.{n}",
        )  # fmt: skip

    visit(0)
    with CaptureQueriesContext(connection) as one:
        response = client.get(url)
    assert response.status_code == 200 and "Ата-ана 0" in response.content.decode()
    for n in range(1, 5):
        visit(n)
    with CaptureQueriesContext(connection) as five:
        response = client.get(url)
    assert "Ата-ана 4" in response.content.decode()
    assert len(five) == len(one)


def test_managers_cancel_and_mark_visits(client, kindergarten, host, methodist, psychologist):
    visit = book(kindergarten, host)
    status_url = reverse("engagement:reception_visit_status", args=[visit.pk])
    client.force_login(psychologist.user)
    assert client.post(status_url, {"status": "cancelled"}).status_code == 403
    client.force_login(methodist.user)
    client.post(status_url, {"status": "held"})  # not yet: refused, nothing changes
    visit.refresh_from_db()
    assert visit.status == ReceptionVisit.Status.BOOKED
    assert client.post(status_url, {"status": "cancelled"}).status_code == 302
    visit.refresh_from_db()
    assert visit.status == ReceptionVisit.Status.CANCELLED
    assert visit.appointment.status == Appointment.Status.CANCELLED


def test_a_visit_whose_time_came_is_marked_held(kindergarten, host):
    visit = book(kindergarten, host)
    Appointment.objects.filter(pk=visit.appointment_id).update(
        starts_at=timezone.now() - dt.timedelta(hours=1), ends_at=timezone.now() - dt.timedelta(minutes=15)
    )
    reception.reception_set_status(visit=visit, status=ReceptionVisit.Status.NO_SHOW)
    visit.refresh_from_db()
    assert visit.status == ReceptionVisit.Status.NO_SHOW and visit.appointment.status == Appointment.Status.NO_SHOW


# --- privacy


def test_retention_clears_old_visits_and_keeps_recent_ones(kindergarten, host):
    from qamqor.audit.services import ANONYMISED
    from qamqor.engagement.privacy import reception_visits_past_retention

    old, recent = book(kindergarten, host), book(kindergarten, host, "16:00", phone="+77019998877")
    cutoff = recent.appointment.starts_at
    assert reception_visits_past_retention(kindergarten, cutoff, dry_run=True) == 1
    assert reception_visits_past_retention(kindergarten, cutoff, dry_run=False) == 1
    old.refresh_from_db()
    recent.refresh_from_db()
    assert (old.full_name, old.phone, old.topic) == (ANONYMISED, "", ANONYMISED)
    assert recent.full_name == "Сейтқали Динара" and recent.topic
    assert reception_visits_past_retention(kindergarten, cutoff, dry_run=False) == 0


def test_erasing_a_family_anonymises_the_visits_under_its_phone(kindergarten, host, parent):
    from qamqor.audit.services import ANONYMISED, family_anonymise

    mine = book(kindergarten, host, phone=parent.phone)
    theirs = book(kindergarten, host, "16:00", phone="+77019998877")
    counts = family_anonymise(parent=parent, reason="erasure")
    assert counts["reception_visits_anonymised"] == 1
    mine.refresh_from_db()
    theirs.refresh_from_db()
    assert (mine.full_name, mine.phone, mine.topic) == (ANONYMISED, "", ANONYMISED)
    assert theirs.full_name == "Сейтқали Динара"


def test_the_hosts_day_page_shows_the_visits_time(client, kindergarten, host):
    visit = book(kindergarten, host)
    client.force_login(host.user)
    response = client.get(reverse("scheduling:my_day"), {"day": monday().isoformat()})
    assert response.status_code == 200
    assert timezone.localtime(visit.appointment.starts_at).strftime("%H:%M") in response.content.decode()
