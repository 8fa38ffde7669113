"""The pages: the back office's events, attendance, ideas and figures; the public site's events,
sign-up, private link and ideas."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qamqor.engagement import services
from qamqor.engagement.links import registration_token
from qamqor.engagement.models import Event, Idea, Registration
from qamqor.engagement.tests.factories import event

pytestmark = pytest.mark.django_db


def form_time(moment: dt.datetime) -> str:
    return timezone.localtime(moment).strftime("%Y-%m-%dT%H:%M")


# --- the back office


def test_a_methodist_creates_an_event_in_local_time(client, methodist, kindergarten):
    client.force_login(methodist.user)
    response = client.post(
        reverse("engagement:event_new"),
        {
            "kind": "coffee_morning",
            "title_kk": "Кофе-монинг",
            "title_ru": "Кофе-монинг",
            "starts_at": "2030-10-05T10:00",
            "ends_at": "2030-10-05T11:30",
            "place": "Ата-ананың қонақ бөлмесі",
            "capacity": "12",
            "waiting_list": "on",
            "organizer": "staff",
        },
    )
    made = Event.objects.get()
    assert response.status_code == 302 and response["Location"] == reverse("engagement:event", args=[made.pk])
    # 10:00 in Almaty (UTC+5) is 05:00 UTC.
    assert made.starts_at == dt.datetime(2030, 10, 5, 5, 0, tzinfo=dt.UTC)
    assert (made.organization, made.created_by, made.capacity) == (kindergarten, methodist.user, 12)


def test_bad_event_input_is_shown_on_the_form_and_saves_nothing(client, methodist):
    client.force_login(methodist.user)
    response = client.post(
        reverse("engagement:event_new"),
        {
            "kind": "quest",
            "title_kk": "Квест",
            "starts_at": "2030-10-05T10:00",
            "ends_at": "2030-10-05T11:00",
            "is_online": "on",
            "organizer": "parents",
            "waiting_list": "on",
        },
    )
    assert response.status_code == 400
    assert not Event.objects.exists()
    errors = response.context["form"].errors
    assert "meeting_url" in errors or "parent_organizers" in errors


def test_the_month_list_asks_the_same_queries_for_one_event_or_many(client, methodist, kindergarten):
    client.force_login(methodist.user)
    month = (timezone.localdate() + dt.timedelta(days=40)).strftime("%Y-%m")
    url = reverse("engagement:events") + f"?month={month}"

    def at_day(day: int) -> Event:
        first = timezone.make_aware(dt.datetime.strptime(month + f"-{day:02d} 18:00", "%Y-%m-%d %H:%M"))
        return event(kindergarten, days=0, starts_at=first, ends_at=first + dt.timedelta(hours=1), capacity=3)

    e = at_day(5)
    for n in range(4):
        services.registration_create(event=e, full_name=f"Ата-ана {n}", phone=f"+7701555{n:04d}", by=methodist.user)
    client.get(url)  # warm up (the session, the organisation names)
    with CaptureQueriesContext(connection) as one:
        response = client.get(url)
    assert response.status_code == 200
    assert [(x.registered_count, x.waiting_count) for x in response.context["events"]] == [(3, 1)]
    for day in (6, 7, 8, 9, 10):
        at_day(day)
    with CaptureQueriesContext(connection) as six:
        response = client.get(url)
    assert len(response.context["events"]) == 6
    # The session, the user, the memberships, and one query for the events with their counts.
    assert len(six) == len(one), [q["sql"] for q in six.captured_queries]


def test_staff_register_a_parent_and_the_waiting_list_shows(client, methodist, kindergarten, parent):
    e = event(kindergarten, capacity=1)
    client.force_login(methodist.user)
    url = reverse("engagement:event", args=[e.pk])
    assert client.post(url, {"full_name": parent.full_name, "phone": "87011234567"}).status_code == 302
    assert client.post(url, {"full_name": "Екінші", "phone": "87015550002"}).status_code == 302
    response = client.post(url, {"full_name": "Тағы", "phone": "+7 701 123 45 67"})
    assert response.status_code == 400
    assert response.context["form"].errors.as_data()["phone"][0].code == "already_registered"
    first, second = e.registrations.order_by("pk")
    assert (first.parent, first.status, first.registered_by) == (parent, "registered", methodist.user)
    assert second.status == "waiting"
    page = client.get(url)
    assert [r.pk for r in page.context["waiting"]] == [second.pk]
    # Cancelling the first gives the place to the one waiting.
    client.post(reverse("engagement:registration_cancel", args=[first.pk]))
    second.refresh_from_db()
    assert second.status == "registered"


def test_the_attendance_toggle_answers_htmx_with_the_row(client, psychologist, kindergarten):
    e = event(kindergarten)
    r = services.registration_create(event=e, full_name="Ата-ана", phone="+77015550001", by=None, client_address="1")
    client.force_login(psychologist.user)
    page = client.get(reverse("engagement:attendance", args=[e.pk]))
    assert page.status_code == 200
    assert b"<script>" not in page.content.split(b"</main>")[0]  # the CSP allows no inline script
    url = reverse("engagement:attended", args=[r.pk])
    response = client.post(url, {"attended": "1"}, HTTP_HX_REQUEST="true")
    assert response.status_code == 200
    assert f'id="attendance-{r.pk}"'.encode() in response.content and b"btn-success" in response.content
    r.refresh_from_db()
    assert r.attended
    # Without JavaScript: the form posts and the page comes back.
    response = client.post(url, {"attended": "0"})
    assert response.status_code == 302
    r.refresh_from_db()
    assert not r.attended


def test_a_walk_in_is_added_as_present(client, psychologist, kindergarten):
    e = event(kindergarten, capacity=1)
    client.force_login(psychologist.user)
    response = client.post(reverse("engagement:attendance", args=[e.pk]), {"full_name": "Келген ана", "phone": ""})
    assert response.status_code == 302
    assert list(e.registrations.values_list("full_name", "status", "attended")) == [("Келген ана", "walk_in", True)]


def test_another_organisations_event_is_not_found(client, methodist, other_kindergarten):
    e = event(other_kindergarten)
    client.force_login(methodist.user)
    assert client.get(reverse("engagement:event", args=[e.pk])).status_code == 404
    assert client.get(reverse("engagement:attendance", args=[e.pk])).status_code == 404


def test_ideas_are_decided_and_the_public_page_shows_the_accepted_ones(client, methodist, kindergarten):
    taken = services.idea_submit(organization=kindergarten, text="Әкелер клубын ашу", client_address="1", name="Ерлан")
    services.idea_submit(organization=kindergarten, text="Жаңа ұсыныс", client_address="1")
    client.force_login(methodist.user)
    assert client.get(reverse("engagement:ideas")).status_code == 200
    response = client.post(reverse("engagement:idea", args=[taken.pk]), {"status": "accepted", "note": "Қазан айында бастаймыз"})
    assert response.status_code == 302
    taken.refresh_from_db()
    assert (taken.status, taken.decided_by) == ("accepted", methodist.user)
    client.logout()
    page = client.get(reverse("engagement:public_events", args=[kindergarten.pk])).content.decode()
    assert "Әкелер клубын ашу" in page and "Қазан айында бастаймыз" in page
    assert "Жаңа ұсыныс" not in page and "Ерлан" not in page


def test_the_participation_page_shows_the_figures(client, head, kindergarten, parent, child):
    client.force_login(head.user)
    response = client.get(reverse("engagement:participation"), {"start": "2025-09-01", "end": "2025-09-30"})
    assert response.status_code == 200
    assert response.context["figures"].families == 1
    assert client.get(reverse("engagement:participation"), {"start": "2025-09-30", "end": "2025-09-01"}).status_code == 400


# --- the public site


def test_a_parent_signs_up_and_cancels_through_the_private_link(client, kindergarten):
    e = event(kindergarten, capacity=1, title_kk="Ашық есік күні", kind="open_day")
    listing = client.get(reverse("engagement:public_events", args=[kindergarten.pk]))
    assert "Ашық есік күні" in listing.content.decode()
    url = reverse("engagement:public_event", args=[e.pk])
    response = client.post(url, {"full_name": "Динара", "phone": "8 701 123 45 67", "consent": "on"})
    registration = Registration.objects.get()
    token = registration_token(registration)
    assert response.status_code == 302 and response["Location"] == reverse("engagement:my_registration", args=[token])
    page = client.get(response["Location"])
    assert page.status_code == 200 and "no-store" in page["Cache-Control"]
    # The next family waits, told its place in the queue.
    client.post(url, {"full_name": "Айгүл", "phone": "8 701 555 00 02", "consent": "on"})
    waiting_one = Registration.objects.get(status="waiting")
    assert client.get(reverse("engagement:my_registration", args=[registration_token(waiting_one)])).context["position"] == 1
    # The first cancels through the link: the place goes to the one waiting.
    assert client.post(reverse("engagement:my_registration_cancel", args=[token])).status_code == 302
    registration.refresh_from_db(), waiting_one.refresh_from_db()
    assert (registration.status, waiting_one.status) == ("cancelled", "registered")


@pytest.mark.parametrize("name", ["engagement:my_registration", "engagement:my_registration_cancel"])
def test_a_forged_link_is_not_found(client, kindergarten, name):
    e = event(kindergarten)
    r = services.registration_create(event=e, full_name="Динара", phone="+77011234567", client_address="1")
    forged = registration_token(r)[:-3] + "AAA"
    method = client.post if name.endswith("cancel") else client.get
    for token in (forged, "nothing"):
        assert method(reverse(name, args=[token])).status_code == 404
    r.refresh_from_db()
    assert r.status == "registered"


@pytest.mark.parametrize("how", ["cancelled", "past", "full"])
def test_a_refused_sign_up_is_answered_on_the_page(client, kindergarten, how):
    e = event(kindergarten, capacity=1, waiting_list=False)
    services.registration_create(event=e, full_name="Бірінші", phone="+77015550001", client_address="1")
    if how == "cancelled":
        services.event_cancel(event=e)
    elif how == "past":
        Event.objects.filter(pk=e.pk).update(starts_at=timezone.now() - dt.timedelta(minutes=5))
    response = client.post(
        reverse("engagement:public_event", args=[e.pk]),
        {"full_name": "Динара", "phone": "87011234567", "consent": "on"},
    )
    assert response.status_code == 409
    assert response.context["form"].non_field_errors()
    assert e.registrations.count() == 1


def test_the_sign_up_needs_consent_and_traps_robots(client, kindergarten):
    e = event(kindergarten)
    url = reverse("engagement:public_event", args=[e.pk])
    assert client.post(url, {"full_name": "Динара", "phone": "87011234567"}).status_code == 400
    robot = {"full_name": "Динара", "phone": "87011234567", "consent": "on", "website": "http://spam"}
    assert client.post(url, robot).status_code == 400
    assert not Registration.objects.exists()


def test_an_unknown_event_or_organisation_is_not_found(client, kindergarten):
    assert client.get(reverse("engagement:public_event", args=[2_000_000_000])).status_code == 404
    assert client.get(reverse("engagement:public_events", args=[2_000_000_000])).status_code == 404


def test_ideas_from_the_site_are_limited_per_device(client, kindergarten):
    url = reverse("engagement:idea_new", args=[kindergarten.pk])
    for n in range(services.IDEAS_PER_ADDRESS):
        assert client.post(url, {"text": f"Идея {n}"}).status_code == 302
    response = client.post(url, {"text": "Тағы бір идея"})
    assert response.status_code == 429
    assert Idea.objects.count() == services.IDEAS_PER_ADDRESS
    assert client.post(url, {"text": "Идея", "website": "x"}).status_code == 400


def test_the_point_page_links_to_the_organisations_events(client, kindergarten):
    point = kindergarten.consultation_point
    page = client.get(reverse("portal:point", args=[point.pk])).content.decode()
    assert reverse("engagement:public_events", args=[kindergarten.pk]) in page


def test_the_navigation_links_to_events_for_managers(client, methodist):
    client.force_login(methodist.user)
    page = client.get(reverse("families:parent_list")).content.decode()
    assert f'href="{reverse("engagement:events")}"' in page


def test_a_staff_member_not_managing_cannot_plan_events(client, psychologist):
    client.force_login(psychologist.user)
    assert client.get(reverse("engagement:events")).status_code == 403
