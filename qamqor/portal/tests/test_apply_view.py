import datetime as dt
import re

import icalendar
import pytest
from django.core import mail
from django.urls import reverse
from django.utils import formats, timezone, translation

from qamqor.core.testing import factories as f
from qamqor.families.models import Child, Consent, Parent
from qamqor.journal.models import JournalCounter, Request, StatusChange
from qamqor.journal.services import request_intake, request_schedule
from qamqor.portal.models import ApplicationAttempt
from qamqor.portal.tests.conftest import slot
from qamqor.scheduling.models import Appointment

MODELS = (Parent, Child, Consent, Request, StatusChange, Appointment, ApplicationAttempt, JournalCounter)


def counts():
    return {model.__name__: model.objects.count() for model in MODELS}


def url(point):
    return reverse("portal:apply", args=[point.pk])


def offered_slots(html: str) -> list[str]:
    return re.findall(r'name="slot" id="slot-[^"]+" value="(\d+-\d+)"', html)


def test_the_form_asks_for_a_topic_first(client, point, psychologist):
    response = client.get(url(point))
    html = response.content.decode()
    assert response.status_code == 200
    assert 'name="topic"' in html
    assert 'name="parent_full_name"' not in html
    assert html.count("<h1") == 1


def test_a_topic_shows_the_suitable_specialists_and_their_free_times(client, point, psychologist, speech_therapist, day):
    response = client.get(url(point), {"topic": "behaviour"})
    html = response.content.decode()
    assert psychologist.person_name in html
    assert speech_therapist.person_name not in html  # behaviour is the psychologist's topic
    times = offered_slots(html)
    assert slot(psychologist, f.at(day, "10:00")) in times
    assert len(times) == len(set(times))
    for name in ("parent_full_name", "phone", "email", "child_full_name", "child_birth_date", "question", "consent", "language"):
        assert f'for="id_{name}"' in html, name  # every field has its label


def test_anyone_suitable_shows_each_time_once_with_one_specialist(client, point, psychologist, speech_therapist, day):
    # school_readiness fits educators, psychologists and speech therapists, in that order.
    html = client.get(url(point), {"topic": "school_readiness"}).content.decode()
    times = offered_slots(html)
    at_ten = [t for t in times if t.endswith(f"-{int(f.at(day, '10:00').timestamp())}")]
    assert at_ten == [slot(psychologist, f.at(day, "10:00"))]
    chosen = client.get(url(point), {"topic": "school_readiness", "specialist": speech_therapist.pk}).content.decode()
    assert slot(speech_therapist, f.at(day, "10:00")) in offered_slots(chosen)


def test_a_specialist_of_another_topic_falls_back_to_anyone(client, point, psychologist, speech_therapist):
    html = client.get(url(point), {"topic": "behaviour", "specialist": speech_therapist.pk}).content.decode()
    assert offered_slots(html)
    assert all(t.startswith(f"{psychologist.pk}-") for t in offered_slots(html))


def test_booking_records_everything_and_shows_the_confirmation(
    client, point, psychologist, methodist, form_data, day, django_capture_on_commit_callbacks
):
    with django_capture_on_commit_callbacks(execute=True):
        response = client.post(url(point), form_data)
    assert response.status_code == 302
    request = Request.objects.get()
    assert request.channel == "online"
    assert request.status == "scheduled"
    assert set(request.parent.consents.values_list("scope", "method")) == {("parent", "online"), ("child", "online")}
    appointment = Appointment.objects.get()
    assert appointment.starts_at == f.at(day, "10:00")
    assert response["Location"].startswith("/my/")
    assert request.parent.phone not in response["Location"]  # only the opaque token

    page = client.get(response["Location"]).content.decode()
    assert "10:00" in page
    assert "Психолог кабинеті" in page
    assert point.organization.name in page
    assert reverse("portal:calendar", args=[response["Location"].split("/")[2]]) in page
    # The methodist's journal shows the online request at once.
    client.force_login(methodist.user)
    assert "Әбенова Мадина Серікқызы" in client.get(reverse("journal:list")).content.decode()


def test_the_confirmation_shows_the_time_in_kazakh_format(client, point, psychologist, form_data, day):
    response = client.post(url(point), form_data)
    page = client.get(response["Location"]).content.decode()
    when = timezone.localtime(f.at(day, "10:00"))
    with translation.override("kk"):
        expected = formats.date_format(when, "DATETIME_FORMAT")
    assert expected in page
    assert " ж. " in expected  # "2026 ж. 2 желтоқсан, 10:00"


def test_the_letter_goes_in_the_parents_language_with_the_calendar_file(client, point, psychologist, form_data, day):
    client.post(url(point), {**form_data, "language": "ru"})
    assert len(mail.outbox) == 1
    letter = mail.outbox[0]
    assert letter.to == ["madina@example.com"]
    assert "Консультация назначена" in letter.subject
    assert "Здравствуйте" in letter.body
    assert "/my/" in letter.body
    filename, content, mimetype = letter.attachments[0]
    assert (filename, mimetype) == ("consultation.ics", "text/calendar")
    event = icalendar.Calendar.from_ical(content).walk("VEVENT")[0]
    assert event.decoded("dtstart") == f.at(day, "10:00")


def test_no_letter_without_an_email(client, point, psychologist, form_data):
    client.post(url(point), {**form_data, "email": ""})
    assert Request.objects.count() == 1
    assert mail.outbox == []


def test_without_online_booking_no_times_are_shown_and_the_request_waits(client, point, psychologist, form_data):
    point.online_booking = False
    point.save()
    html = client.get(url(point), {"topic": "behaviour"}).content.decode()
    assert offered_slots(html) == []
    assert "әдіскер" in html.lower()  # "the methodist will call you"
    response = client.post(url(point), {**form_data, "slot": ""})
    assert response.status_code == 302
    request = Request.objects.get()
    assert request.status == "new"
    assert Appointment.objects.count() == 0
    assert "Өтінішіңіз қабылданды" in client.get(response["Location"]).content.decode()


def test_a_parent_may_ask_for_a_call_instead_of_a_time(client, point, psychologist, form_data):
    response = client.post(url(point), {**form_data, "slot": "none"})
    assert response.status_code == 302
    assert Request.objects.get().status == "new"


BAD_INPUT = [
    # (what is wrong, changed fields, a piece of the Kazakh message)
    ("birth date in the future", {"child_birth_date": "2099-01-01"}, "Туған күні болашақта бола алмайды"),
    ("bad phone", {"phone": "12345"}, "телефон нөмірі жоқ"),
    ("not a phone", {"phone": "хабарласыңыз"}, "+7 701 123 45 67 түрінде"),
    ("missing consent", {"consent": ""}, "келісіміңізсіз"),
    ("time outside the schedule", {"slot": "HOUR:15:00"}, "бұл уақытта жұмыс істемейді"),
    ("time off the slot grid", {"slot": "HOUR:10:07"}, "кестеде жоқ"),
    ("time in the past", {"slot": "PAST"}, "Бұл уақыт өтіп кетті"),
    ("time of another specialist", {"slot": "OTHER"}, "кестеде жоқ"),
    ("garbage time", {"slot": "tomorrow"}, "кестеде жоқ"),
    ("no time chosen", {"slot": ""}, "Уақытты таңдаңыз"),
    ("missing name", {"parent_full_name": ""}, "Бұл өрісті толтыру міндетті"),
    ("bad email", {"email": "madina@"}, "мекенжайын дұрыс енгізіңіз"),
    ("child without birth date", {"child_birth_date": ""}, "Бұл өрісті толтыру міндетті"),
    ("birth date too long ago", {"child_birth_date": "1990-01-01"}, "туған күнін тексеріңіз"),
    ("birth date not a date", {"child_birth_date": "32.13.2022"}, "Дұрыс күнді енгізіңіз"),
    ("question too long", {"question": "сұрақ " * 300}, "таңбадан аспауы керек"),
]


@pytest.mark.parametrize(("case", "changes", "message"), BAD_INPUT, ids=[c[0] for c in BAD_INPUT])
def test_bad_input_is_refused_in_kazakh_and_changes_nothing(
    client, point, psychologist, speech_therapist, form_data, day, case, changes, message
):
    data = {**form_data, **changes}
    if data["slot"].startswith("HOUR:"):
        data["slot"] = slot(psychologist, f.at(day, data["slot"].removeprefix("HOUR:")))
    elif data["slot"] == "PAST":
        data["slot"] = slot(psychologist, timezone.now().replace(second=0, microsecond=0) - dt.timedelta(hours=1))
    elif data["slot"] == "OTHER":
        data["slot"] = slot(speech_therapist, f.at(day, "10:00"))
    before = counts()

    response = client.post(url(point), data)

    assert response.status_code == 400
    html = response.content.decode()
    assert '<html lang="kk">' in html
    assert message.lower() in html.lower(), case
    assert counts() == before
    assert 'value="Әбенова Мадина Серікқызы"' in html or case == "missing name"  # what was typed stays
    assert mail.outbox == []


def test_the_honeypot_keeps_robots_out(client, point, psychologist, form_data):
    before = counts()
    response = client.post(url(point), {**form_data, "website": "https://spam.example"})
    assert response.status_code == 400
    assert "бос қалдырыңыз" in response.content.decode()
    assert counts() == before


def test_the_honeypot_is_hidden_by_css_and_named_for_screen_readers(client, point, psychologist):
    html = client.get(url(point), {"topic": "behaviour"}).content.decode()
    trap = html[html.index('class="portal-trap"') :][:400]
    assert 'for="id_website"' in trap
    assert "Бұл өрісті бос қалдырыңыз" in trap
    assert 'tabindex="-1"' in trap


def test_five_applications_an_hour_from_one_address(client, point, psychologist, form_data):
    for i in range(5):
        response = client.post(url(point), {**form_data, "slot": "none", "phone": f"+7701000000{i}"}, REMOTE_ADDR="10.1.1.1")
        assert response.status_code == 302
    before = counts()
    response = client.post(url(point), {**form_data, "slot": "none", "phone": "+77010000009"}, REMOTE_ADDR="10.1.1.1")
    assert response.status_code == 429
    assert "осы құрылғыдан тым көп өтініш" in response.content.decode()
    assert counts() == before


def test_three_applications_an_hour_for_one_phone(client, point, psychologist, form_data):
    for i in range(3):
        response = client.post(url(point), {**form_data, "slot": "none"}, REMOTE_ADDR=f"10.1.1.{i}")
        assert response.status_code == 302
    before = counts()
    response = client.post(url(point), {**form_data, "slot": "none"}, REMOTE_ADDR="10.1.1.9")
    assert response.status_code == 429
    assert "осы телефон нөмірімен тым көп өтініш" in response.content.decode()
    assert counts() == before


def test_a_phone_cannot_hold_more_future_bookings_than_allowed(client, point, psychologist, form_data, day, settings):
    settings.QAMQOR_MAX_FUTURE_BOOKINGS_PER_PHONE = 2
    for i, hhmm in enumerate(("09:00", "09:30")):
        data = {**form_data, "slot": slot(psychologist, f.at(day, hhmm))}
        assert client.post(url(point), data, REMOTE_ADDR=f"10.2.0.{i}").status_code == 302
    before = counts()
    response = client.post(url(point), {**form_data, "slot": slot(psychologist, f.at(day, "11:00"))}, REMOTE_ADDR="10.2.0.9")
    assert response.status_code == 400
    assert "кеңеске жазылу бар" in response.content.decode()
    assert counts() == before


def test_a_time_taken_between_showing_and_confirming_offers_the_three_nearest(client, point, psychologist, form_data, day):
    """SQLite's writers take turns, so the race is played in order: the page shows the time,
    someone else books it, then the parent confirms."""
    chosen = f.at(day, "10:00")
    assert form_data["slot"] in offered_slots(client.get(url(point), {"topic": "behaviour"}).content.decode())
    other = request_intake(
        organization=point.organization,
        parent=f.ParentFactory(organization=point.organization),
        channel="phone",
        topic=f.topic("behaviour"),
        question="?",
        received_by=None,
    )
    request_schedule(request=other, specialists=[psychologist], starts_at=chosen, by=None)
    before = counts()

    response = client.post(url(point), form_data)

    assert response.status_code == 409
    html = response.content.decode()
    assert "Бұл уақытты жаңа ғана басқа біреу алды" in html
    nearest = offered_slots(html)
    assert nearest == [slot(psychologist, f.at(day, hhmm)) for hhmm in ("09:00", "09:30", "10:30")]
    assert 'value="Әбенова Мадина Серікқызы"' in html  # the parent's data is kept
    assert "Бала түнде жиі оянады" in html
    assert counts() == before
    # Picking one of them books it.
    assert client.post(url(point), {**form_data, "slot": nearest[2]}).status_code == 302
    assert Appointment.objects.filter(request__channel="online", starts_at=f.at(day, "10:30")).exists()


def test_a_closed_point_has_no_application_form(client, point):
    point.is_open = False
    point.save()
    assert client.get(url(point)).status_code == 404
    assert client.post(url(point), {}).status_code == 404


def test_the_page_speaks_russian_when_asked(client, point, psychologist, form_data):
    client.post(reverse("set_language"), {"language": "ru", "next": url(point)})
    response = client.post(url(point), {**form_data, "consent": ""})
    html = response.content.decode()
    assert '<html lang="ru">' in html
    assert "Без вашего согласия" in html
    assert "обработку персональных данных" in html  # the consent text itself


def test_the_chosen_specialist_stays_chosen_when_the_form_comes_back(
    client, point, psychologist, speech_therapist, form_data, day
):
    """School readiness is the psychologist's topic too, and she is free at 10:00: a parent who
    chose the speech therapist keeps that choice, and is offered only the speech therapist's
    times, when the form comes back with an error (found in the browser: the choice was lost on
    the way from the first form to the second)."""
    chosen = {"topic": "school_readiness", "specialist": str(speech_therapist.pk)}
    html = client.get(url(point), chosen).content.decode()
    assert f'<input type="hidden" name="specialist" value="{speech_therapist.pk}">' in html

    data = {**form_data, **chosen, "slot": slot(speech_therapist, f.at(day, "10:00")), "consent": ""}
    html = client.post(url(point), data).content.decode()
    assert f'<option value="{speech_therapist.pk}" selected>' in html
    assert f'<input type="hidden" name="specialist" value="{speech_therapist.pk}">' in html
    assert offered_slots(html) and all(s.startswith(f"{speech_therapist.pk}-") for s in offered_slots(html))
