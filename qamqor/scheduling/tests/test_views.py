import datetime as dt

from django.urls import reverse
from django.utils import timezone

from qamqor.core.testing import factories as f
from qamqor.journal.services import request_intake, request_schedule
from qamqor.scheduling.models import ClosedDay


def book_on(day, hhmm, parent, methodist, specialist):
    request = request_intake(
        organization=parent.organization,
        parent=parent,
        channel="phone",
        topic=f.topic("behaviour"),
        question=f"сұрақ {hhmm}",
        received_by=None,
    )
    request_schedule(request=request, specialists=[specialist], starts_at=f.at(day, hhmm), by=methodist.user)
    return request


def test_my_day_shows_the_days_appointments_in_constant_queries(
    client, parent, methodist, psychologist, django_assert_num_queries
):
    monday = f.next_working_monday()
    book_on(monday, "09:00", parent, methodist, psychologist)
    client.force_login(psychologist.user)
    url = reverse("scheduling:my_day") + f"?day={monday:%Y-%m-%d}"
    # session, user, memberships (with the organisations' names for the switcher), appointments
    # with room/child/request/parent/topic, their specialists, one insert of the access log's
    # entries (one per appointment shown), requests routed and waiting
    with django_assert_num_queries(7):
        response = client.get(url)
    assert "Сейтқали Динара Ерланқызы" in response.content.decode()
    for hhmm in ("09:30", "10:00", "11:00"):
        book_on(monday, hhmm, parent, methodist, psychologist)
    with django_assert_num_queries(7):
        response = client.get(url)
    assert response.content.decode().count("сұрақ") == 4


def test_my_day_shows_only_my_appointments(client, parent, methodist, psychologist, speech_therapist):
    monday = f.next_working_monday()
    book_on(monday, "09:00", parent, methodist, speech_therapist)
    client.force_login(psychologist.user)
    response = client.get(reverse("scheduling:my_day") + f"?day={monday:%Y-%m-%d}")
    assert "сұрақ 09:00" not in response.content.decode()


def test_my_day_bad_date_falls_back_to_today(client, psychologist):
    client.force_login(psychologist.user)
    response = client.get(reverse("scheduling:my_day") + "?day=not-a-date")
    assert response.context["day"] == timezone.localdate()


def test_specialist_lands_on_my_day(client, psychologist):
    client.force_login(psychologist.user)
    assert client.get(reverse("home"))["Location"] == reverse("scheduling:my_day")


def test_work_schedule_lists_hours_rooms_and_closed_days(client, methodist, psychologist):
    day = timezone.localdate() + dt.timedelta(days=10)
    ClosedDay.objects.create(organization=methodist.organization, date=day, is_closed=True, note="Санитарлық күн")
    client.force_login(methodist.user)
    html = client.get(reverse("scheduling:work_schedule")).content.decode()
    assert "Оспанова Айгүл Маратқызы" in html
    assert "09:00–13:00" in html
    assert "Психолог кабинеті" in html
    assert "Санитарлық күн" in html
    assert client.get(reverse("scheduling:work_schedule_print")).status_code == 200


def test_my_day_hides_cancelled_and_other_organisations(client, parent, methodist, psychologist, other_kindergarten):
    from qamqor.journal.services import request_cancel

    monday = f.next_working_monday()
    cancelled = book_on(monday, "09:00", parent, methodist, psychologist)
    request_cancel(request=cancelled, by=methodist.user)
    second = f.MembershipFactory(user=psychologist.user, organization=other_kindergarten, role="psychologist")
    f.weekly_hours(second)
    other_parent = f.ParentFactory(organization=other_kindergarten)
    book_on(monday, "11:00", other_parent, methodist, second)
    client.force_login(psychologist.user)
    html = client.get(reverse("scheduling:my_day") + f"?day={monday:%Y-%m-%d}").content.decode()
    assert "сұрақ 09:00" not in html
    assert "сұрақ 11:00" not in html
