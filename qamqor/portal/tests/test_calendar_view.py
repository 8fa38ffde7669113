import datetime as dt

import icalendar
from django.urls import reverse

from qamqor.core.testing import factories as f
from qamqor.portal.links import manage_token
from qamqor.portal.services import portal_reschedule


def event_of(response):
    calendar = icalendar.Calendar.from_ical(response.content)
    return calendar.walk("VEVENT")[0]


def test_the_ics_file_parses_back_with_the_right_utc_times(client, application, day):
    token = manage_token(application.request)
    response = client.get(reverse("portal:calendar", args=[token]))
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/calendar")
    assert "attachment" in response["Content-Disposition"]
    event = event_of(response)
    start, end = event.decoded("dtstart"), event.decoded("dtend")
    assert start == f.at(day, "10:00")
    assert start.utcoffset() == dt.timedelta(0)
    assert (start.hour, start.minute) == (5, 0)  # 10:00 in Astana is 05:00 UTC
    assert end - start == dt.timedelta(minutes=30)
    assert b"DTSTART:" in response.content and b"Z\r\n" in response.content
    assert "Психолог кабинеті" in str(event["location"])
    assert f.topic("behaviour").name_kk in str(event["summary"])
    assert token in str(event["description"])


def test_a_moved_consultation_keeps_its_uid_with_a_higher_sequence(client, application, day):
    token = manage_token(application.request)
    first = event_of(client.get(reverse("portal:calendar", args=[token])))
    portal_reschedule(request=application.request, starts_at=f.at(day, "11:00"))
    moved = event_of(client.get(reverse("portal:calendar", args=[token])))
    assert moved["uid"] == first["uid"]
    assert moved["sequence"] > first["sequence"]
    assert moved.decoded("dtstart") == f.at(day, "11:00")


def test_no_file_without_a_booked_time(waiting, client, point, psychologist):
    request = waiting
    response = client.get(reverse("portal:calendar", args=[manage_token(request)]))
    assert response.status_code == 404
    assert "Уақыт белгіленбеген" in response.content.decode()
