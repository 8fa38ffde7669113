import pytest
from django.urls import reverse

from qamqor.core.testing import factories as f
from qamqor.scheduling.models import ClosedDay


@pytest.fixture
def page(client, point, methodist, psychologist, speech_therapist):
    return client.get(reverse("portal:point", args=[point.pk]))


def test_the_point_page_shows_what_a_parent_needs(page, point, psychologist, speech_therapist):
    html = page.content.decode()
    assert page.status_code == 200
    assert html.count("<h1") == 1
    assert "№8 «Думан» балабақшасы" in html
    # Specialists with their roles.
    assert "Оспанова Айгүл Маратқызы — Педагог-психолог" in html
    assert "Жұмабаева Ләззат Қайратқызы — Логопед" in html
    assert "Ахметова Гүлнар Серікқызы — Әдіскер" in html
    # Topics the people here know: speech (speech therapist), behaviour (psychologist); not
    # nutrition (no nurse here).
    assert f.topic("speech").name in html
    assert f.topic("behaviour").name in html
    assert f.topic("nutrition").name not in html
    # The weekly schedule, the address and the contacts.
    assert "Дүйсенбі" in html
    assert "09:00–13:00 · Оспанова Айгүл Маратқызы (Педагог-психолог), Психолог кабинеті" in html
    assert "Сығанақ көшесі, 25" in html
    assert 'href="tel:+77172123456"' in html
    assert 'href="https://wa.me/77015508080"' in html
    assert 'href="https://t.me/duman8_kp"' in html
    assert reverse("portal:apply", args=[point.pk]) in html


def test_a_point_without_online_booking_invites_an_application(client, point, psychologist):
    point.online_booking = False
    point.save()
    html = client.get(reverse("portal:point", args=[point.pk])).content.decode()
    assert "Өтініш жіберу" in html


def test_the_point_page_in_russian(client, page, point):
    client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    html = client.get(reverse("portal:point", args=[point.pk])).content.decode()
    assert "Детский сад №8 «Думан»" in html
    assert "График работы" in html
    assert "Понедельник" in html


def test_closed_days_are_listed(client, point, psychologist, day):
    ClosedDay.objects.create(organization=point.organization, date=day, note="Санитарлық күн")
    html = client.get(reverse("portal:point", args=[point.pk])).content.decode()
    assert "жұмыс істемейтін күн" in html


def test_the_point_page_in_constant_queries(client, point, methodist, psychologist, speech_therapist, django_assert_num_queries):
    for role in ("nurse", "educator", "music_director"):
        f.weekly_hours(f.staff(point.organization, role))
    # 1 the point with its organisation, district and region, 2 its specialists with their
    # names, 3 their working hours with rooms, 4 the topics, 5 the point's own closed days,
    # 6 the latest published questions with their answers.
    with django_assert_num_queries(6):
        response = client.get(reverse("portal:point", args=[point.pk]))
    assert response.status_code == 200


def test_an_unknown_point_answers_404(client, db):
    assert client.get(reverse("portal:point", args=[999999])).status_code == 404
