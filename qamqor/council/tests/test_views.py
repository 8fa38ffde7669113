"""The centre's pages: who reads, who edits, the warning, the refusals, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qamqor.core.academic_year import current_academic_year
from qamqor.core.testing import factories as f
from qamqor.council import services
from qamqor.council.models import Decision, Meeting, Member
from qamqor.council.tests.world import centre, held_meeting, with_decision


@pytest.fixture
def manager_client(client, methodist):
    client.force_login(methodist.user)
    return client


def _count(client, url) -> int:
    with CaptureQueriesContext(connection) as queries:
        response = client.get(url)
    assert response.status_code == 200
    return len(queries)


def test_the_centre_page_reads_in_constant_queries(manager_client, kindergarten):
    url = reverse("council:home")
    centre(kindergarten)
    with_decision(kindergarten)
    _count(manager_client, url)
    few = _count(manager_client, url)
    for _ in range(3):
        with_decision(kindergarten)
        services.member_add(organization=kindergarten, membership=f.staff(kindergarten, "educator"))
    assert _count(manager_client, url) == few


def test_the_meeting_page_reads_in_constant_queries(manager_client, kindergarten):
    meeting, item, _decision = with_decision(kindergarten)
    url = reverse("council:meeting", args=[meeting.pk])
    _count(manager_client, url)
    few = _count(manager_client, url)
    for n in range(3):
        more = services.agenda_item_add(meeting=meeting, topic=f"Сұрақ {n}")
        services.decision_add(agenda_item=more, text="Шешім", responsible=f.staff(kindergarten, "nurse"), deadline=meeting.date)
        services.member_add(organization=kindergarten, membership=f.staff(kindergarten, "educator"))
    assert _count(manager_client, url) == few


def test_the_centre_page_warns_of_too_few_planned_meetings(manager_client, kindergarten):
    page = manager_client.get(reverse("council:home")).content.decode()
    assert "alert-warning" in page
    year = current_academic_year()
    for month in (10, 12, 3):
        services.meeting_create(organization=kindergarten, date=dt.date(year if month > 8 else year + 1, month, 10))
    assert "alert-warning" not in manager_client.get(reverse("council:home")).content.decode()


def test_a_manager_plans_a_meeting_with_the_next_number(manager_client, kindergarten):
    chair, secretary, _member = centre(kindergarten)
    day = timezone.localdate()
    for _ in range(2):
        response = manager_client.post(
            reverse("council:meeting_new"), {"kind": "planned", "date": day.isoformat(), "format": "in_person"}
        )
        assert response.status_code == 302
    assert list(Meeting.objects.order_by("number").values_list("number", flat=True)) == [1, 2]
    assert Meeting.objects.filter(chair=chair, secretary=secretary).count() == 2


def test_a_decision_without_a_responsible_person_is_refused_with_a_message(manager_client, kindergarten):
    meeting = held_meeting(kindergarten)
    item = services.agenda_item_add(meeting=meeting, topic="Жоспар")
    url = reverse("council:decision_new", args=[item.pk])
    response = manager_client.post(url, {"text": "Жоспарды бекіту", "deadline": "2026-12-20"})
    assert response.status_code == 400
    assert "responsible" in response.context["form"].errors
    assert "Шешімнің жауаптысы болуы керек" in response.content.decode()
    assert not Decision.objects.exists()
    who = f.staff(kindergarten, "educator")
    response = manager_client.post(url, {"text": "Жоспарды бекіту", "deadline": "2026-12-20", "responsible": who.pk})
    assert response.status_code == 302
    assert Decision.objects.get().responsible == who


def test_open_decisions_are_listed_at_the_next_meeting(manager_client, kindergarten):
    _first, _item, decision = with_decision(kindergarten)
    later = held_meeting(kindergarten, days_ago=1)
    page = manager_client.get(reverse("council:meeting", args=[later.pk])).content.decode()
    assert decision.text in page
    manager_client.post(reverse("council:decision_done", args=[decision.pk]), {"done_on": "", "result_note": "Жарияланды"})
    decision.refresh_from_db()
    assert decision.status == "done" and decision.result_note == "Жарияланды"
    assert decision.text not in manager_client.get(reverse("council:meeting", args=[later.pk])).content.decode()


def test_members_and_attendance(manager_client, kindergarten):
    who = f.staff(kindergarten, "defectologist", full_name="Сейітова Гүлмира")
    manager_client.post(reverse("council:member_new"), {"membership": who.pk, "position": "secretary"})
    member = Member.objects.get(membership=who)
    assert member.position == "secretary"
    meeting = held_meeting(kindergarten)
    manager_client.post(reverse("council:meeting_attendance", args=[meeting.pk]), {"present": [member.pk], "invited": "Қонақ"})
    assert list(meeting.present.all()) == [member]
    manager_client.post(reverse("council:member_remove", args=[member.pk]))
    member.refresh_from_db()
    assert not member.is_active


def test_other_staff_read_but_do_not_edit(client, kindergarten):
    meeting, item, decision = with_decision(kindergarten)
    reader = f.staff(kindergarten, "nurse")
    client.force_login(reader.user)
    assert client.get(reverse("council:home")).status_code == 200
    page = client.get(reverse("council:meeting", args=[meeting.pk]))
    assert page.status_code == 200 and reverse("council:agenda_new", args=[meeting.pk]) not in page.content.decode()
    assert client.get(reverse("council:meeting_new")).status_code == 403
    assert client.post(reverse("council:decision_done", args=[decision.pk])).status_code == 403
    decision.refresh_from_db()
    assert decision.status == "open"


def test_another_organisations_meeting_is_not_found(manager_client, other_kindergarten):
    meeting, item, decision = with_decision(other_kindergarten)
    for name in ("council:meeting", "council:minutes", "council:minutes_pdf", "council:meeting_edit", "council:agenda_new"):
        assert manager_client.get(reverse(name, args=[meeting.pk])).status_code == 404, name
    assert manager_client.get(reverse("council:decision_new", args=[item.pk])).status_code == 404
    assert manager_client.post(reverse("council:decision_done", args=[decision.pk])).status_code == 404
