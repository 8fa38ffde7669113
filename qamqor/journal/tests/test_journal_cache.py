"""The cached journal page never shows what has changed: every kind of change the page can
show (from services, the admin's saves and routing) gives the organisation's journal a new
version when it commits, and what one person may see is never served to another.

The suite runs each test in a transaction that never commits, so `committed()` runs what a
commit would (the version renewal) when the change is done."""

from __future__ import annotations

import pytest
from django.db import transaction
from django.urls import reverse

from qamqor.core.testing import factories as f
from qamqor.journal.models import JournalVersion, Topic
from qamqor.journal.services import request_cancel, request_complete, request_intake, request_route, request_schedule
from qamqor.journal.signals import journal_touch


@pytest.fixture
def methodist_client(client, methodist):
    client.force_login(methodist.user)
    return client


@pytest.fixture
def request_(parent, child, methodist):
    return request_intake(
        organization=parent.organization, parent=parent, child=child, channel="phone", topic=f.topic("speech"),
        question="Сөйлеу", received_by=methodist.user,
    )  # fmt: skip


@pytest.fixture
def committed(django_capture_on_commit_callbacks):
    """`with committed(): change` runs what the change's commit would run, when it is done."""
    return lambda: django_capture_on_commit_callbacks(execute=True)


def journal(client) -> str:
    """The journal's table rows (the filter above lists every specialist anyway)."""
    page = client.get(reverse("journal:list")).content.decode()
    return page[page.index("<tbody>") : page.index("</tbody>")]


def book(request, specialist, methodist) -> None:
    monday = f.next_working_monday()
    request_schedule(request=request, specialists=[specialist], starts_at=f.at(monday, "10:00"), by=methodist.user)


def version(organization) -> int:
    return JournalVersion.objects.get(organization=organization).version


def test_a_new_organisation_has_a_version(kindergarten, other_kindergarten):
    assert version(kindergarten) != version(other_kindergarten)


@pytest.mark.parametrize(
    "change, shown",
    [
        ("parent_name", "Жаңа Ата-ана Есімі"),
        ("child_name", "Жаңа Бала Есімі"),
        ("topic_name", "Жаңа тақырып атауы"),
        ("specialist_name", "Жаңа Маман Есімі"),
        ("route", "Оспанова Айгүл Маратқызы"),
        ("schedule", "Оспанова Айгүл Маратқызы"),
        ("complete", "Күнде ертегі оқыңыз"),
        ("new_request", "Екінші Ата-ана"),
    ],
)
def test_every_change_shows_at_once(methodist_client, request_, psychologist, methodist, change, shown, committed):
    assert shown not in journal(methodist_client)  # rendered and cached
    organization = request_.organization
    make_change(change, shown, methodist_client, request_, psychologist, methodist, organization, committed)
    assert shown in journal(methodist_client)


def make_change(change, shown, methodist_client, request_, psychologist, methodist, organization, committed):
    if change in ("specialist_name", "complete"):  # first a state the page shows, then the change
        with committed():
            if change == "specialist_name":
                request_route(request=request_, specialists=[psychologist], by=methodist.user)
            else:
                book(request_, psychologist, methodist)
        journal(methodist_client)
    with committed():
        change_one(change, shown, request_, psychologist, methodist, organization)


def change_one(change, shown, request_, psychologist, methodist, organization):
    if change == "parent_name":
        request_.parent.full_name = shown
        request_.parent.save()
    elif change == "child_name":
        request_.child.full_name = shown
        request_.child.save()
    elif change == "topic_name":
        topic = Topic.objects.get(pk=request_.topic_id)
        topic.name_kk = shown
        topic.save()
    elif change == "specialist_name":
        psychologist.user.full_name = shown
        psychologist.user.save()
    elif change == "route":
        request_route(request=request_, specialists=[psychologist], by=methodist.user)
    elif change == "schedule":
        book(request_, psychologist, methodist)
    elif change == "complete":
        request_complete(request=request_, recommendations=shown, by=methodist.user)
    elif change == "new_request":
        other = f.ParentFactory(organization=organization, full_name=shown)
        request_intake(organization=organization, parent=other, channel="phone", topic=f.topic(), question="?", received_by=None)


def test_a_cancelled_appointment_leaves_the_row(methodist_client, request_, psychologist, methodist, committed):
    with committed():
        book(request_, psychologist, methodist)
    assert "status-scheduled" in journal(methodist_client)
    with committed():
        request_cancel(request=request_, by=methodist.user)
    page = journal(methodist_client)
    assert "status-cancelled" in page and "status-scheduled" not in page


def test_a_login_does_not_change_any_version(client, methodist, kindergarten, committed):
    before = version(kindergarten)
    with committed():
        methodist.user.set_password("a-long-password-1")
        methodist.user.save()  # a whole save: the name might have changed
    after_save = version(kindergarten)
    assert after_save != before
    with committed():
        assert client.login(username=methodist.user.username, password="a-long-password-1")
    assert version(kindergarten) == after_save


def test_a_rolled_back_change_keeps_the_version(request_, kindergarten, committed):
    before = version(kindergarten)
    with committed(), pytest.raises(RuntimeError), transaction.atomic():
        request_.parent.full_name = "Кейін қайтарылған"
        request_.parent.save()
        raise RuntimeError
    assert version(kindergarten) == before


def test_another_organisation_keeps_its_version(request_, kindergarten, other_kindergarten, committed):
    before, own = version(other_kindergarten), version(kindergarten)
    with committed():
        journal_touch(kindergarten.pk)
    assert version(other_kindergarten) == before and version(kindergarten) != own


def test_a_specialist_never_gets_the_methodists_page(
    client, methodist_client, request_, psychologist, speech_therapist, methodist, committed
):
    with committed():
        request_route(request=request_, specialists=[psychologist], by=methodist.user)
        stranger = f.ParentFactory(organization=request_.organization, full_name="Бөтен Ата-ана")
        other = request_intake(
            organization=request_.organization, parent=stranger, channel="phone", topic=f.topic(), question="?", received_by=None
        )
        request_route(request=other, specialists=[speech_therapist], by=methodist.user)
    assert "Бөтен Ата-ана" in journal(methodist_client)  # the whole journal, now cached
    client.force_login(psychologist.user)
    page = journal(client)
    assert request_.parent.full_name in page and "Бөтен Ата-ана" not in page
    whole = client.get(reverse("journal:list")).content.decode()
    assert reverse("journal:new") not in whole.split("<main")[1]  # no "New request" for a specialist


def test_each_language_and_filter_has_its_own_page(methodist_client, request_):
    methodist_client.post(reverse("set_language"), {"language": "ru", "next": "/"})
    russian = journal(methodist_client)
    methodist_client.post(reverse("set_language"), {"language": "kk", "next": "/"})
    kazakh = journal(methodist_client)
    assert russian != kazakh
    filtered = methodist_client.get(reverse("journal:list"), {"q": "жоқ адам"}).content.decode()
    assert request_.parent.full_name not in filtered and request_.parent.full_name in kazakh


def test_an_appointment_without_a_request_keeps_the_version(kindergarten, psychologist, committed):
    from qamqor.scheduling.services import appointment_book

    before, when = version(kindergarten), f.at(f.next_working_monday(), "11:00")
    with committed():
        appointment_book(organization=kindergarten, specialists=[psychologist], starts_at=when, booked_by=None)
    assert version(kindergarten) == before  # it is in no journal row


def test_a_renewal_that_fails_after_the_commit_does_not_fail_the_change(
    methodist_client, request_, committed, monkeypatch, caplog
):
    """A stored booking is never reported as failed because the version could not be renewed
    after its commit (PostgreSQL restarting in between, bench/pg_restart.py): the change stands,
    and this process forgets the pages it cached instead of showing them stale."""
    from django.core.cache import cache
    from django.db import DatabaseError

    from qamqor.journal import signals

    assert "status-new" in journal(methodist_client)
    assert cache._cache  # the page is cached in this process

    def down(_organization_id):
        raise DatabaseError("server closed the connection unexpectedly")

    monkeypatch.setattr(signals, "_renew", down)
    with committed():
        request_cancel(request=request_, by=None, note="")
    assert not cache._cache  # the process's cached pages are gone
    assert "journal version not renewed" in caplog.text
    request_.refresh_from_db()
    assert request_.status == "cancelled"
