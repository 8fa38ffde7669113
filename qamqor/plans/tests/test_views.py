"""The plans' pages: who reads, who edits, progress and overdue items, query counts."""

from __future__ import annotations

import datetime as dt

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qamqor.core.academic_year import current_academic_year
from qamqor.core.testing import factories as f
from qamqor.plans import services
from qamqor.plans.models import Plan, PlanItem
from qamqor.plans.tests.world import plan


@pytest.fixture
def manager_client(client, methodist):
    client.force_login(methodist.user)
    return client


def test_the_list_shows_each_plans_progress_in_constant_queries(manager_client, kindergarten):
    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = manager_client.get(reverse("plans:list"))
        assert response.status_code == 200
        return len(queries)

    plan(kindergarten, items=2)
    count()  # the first request of a session reads more (the session, the login)
    few = count()
    for _ in range(4):
        plan(kindergarten, items=3, kind="other", title="Ата-аналар клубы")
    assert count() == few
    page = manager_client.get(reverse("plans:list")).content.decode()
    assert "Ата-аналар клубы" in page


def test_the_plan_page_reads_its_items_in_constant_queries(manager_client, kindergarten, methodist):
    made = plan(kindergarten, items=1)

    def count() -> int:
        with CaptureQueriesContext(connection) as queries:
            response = manager_client.get(reverse("plans:plan", args=[made.pk]))
        assert response.status_code == 200
        return len(queries)

    count()
    few = count()
    for n in range(5):
        services.plan_item_create(
            plan=made, activity=f"Кеңес {n}", period="all_year", responsible_roles=["nurse"], responsible_people=[methodist]
        )
    assert count() == few


def test_the_plan_page_shows_progress_and_overdue_items(manager_client, kindergarten):
    year = current_academic_year() - 1  # a year that is over: every open item is overdue
    made = plan(kindergarten, year=year, items=0)
    services.plan_item_create(plan=made, activity="Өткізілген семинар", period="months", months=[10], status="done")
    services.plan_item_create(plan=made, activity="Ұмытылған сауалнама", period="months", months=[11])
    page = manager_client.get(reverse("plans:plan", args=[made.pk])).content.decode()
    assert 'value="50"' in page  # half done
    assert "table-danger" in page and "Ұмытылған сауалнама" in page


def test_a_manager_adds_an_item_and_a_bad_date_is_refused_with_nothing_saved(manager_client, kindergarten):
    made = plan(kindergarten, year=2026, items=0)
    url = reverse("plans:item_new", args=[made.pk])
    late = {"activity": "Дөңгелек үстел", "period": "date", "date": "2027-09-02", "status": "planned"}
    response = manager_client.post(url, late)
    assert response.status_code == 400
    assert "2026–2027" in response.content.decode()
    assert not PlanItem.objects.exists()
    good = {"activity": "Дөңгелек үстел", "period": "months", "months": ["9", "10"], "responsible_roles": ["nurse"]}
    response = manager_client.post(url, {**good, "status": "planned"})
    assert response.status_code == 302
    saved = PlanItem.objects.get()
    assert (saved.number, saved.months, saved.responsible_roles) == ("1.", [9, 10], ["nurse"])


def test_a_manager_creates_approves_and_marks_items(manager_client, kindergarten):
    from qamqor.council.tests.world import held_meeting

    response = manager_client.post(reverse("plans:new"), {"academic_year": current_academic_year(), "kind": "perspective"})
    assert response.status_code == 302
    made = Plan.objects.get()
    meeting = held_meeting(kindergarten)
    manager_client.post(reverse("plans:approve", args=[made.pk]), {"meeting": meeting.pk})
    made.refresh_from_db()
    assert made.approved_at_meeting == meeting
    item = services.plan_item_create(plan=made, activity="Кеңес", period="all_year")
    manager_client.post(reverse("plans:item_status", args=[item.pk]), {"status": "in_progress"})
    item.refresh_from_db()
    assert item.status == "in_progress"


def test_other_staff_read_but_do_not_edit(client, kindergarten):
    made = plan(kindergarten)
    reader = f.staff(kindergarten, "nurse")
    client.force_login(reader.user)
    assert client.get(reverse("plans:list")).status_code == 200
    page = client.get(reverse("plans:plan", args=[made.pk]))
    assert page.status_code == 200 and reverse("plans:item_new", args=[made.pk]) not in page.content.decode()
    assert client.get(reverse("plans:print", args=[made.pk])).status_code == 200
    assert client.get(reverse("plans:item_new", args=[made.pk])).status_code == 403
    item = made.items.get()
    assert client.post(reverse("plans:item_status", args=[item.pk]), {"status": "done"}).status_code == 403
    item.refresh_from_db()
    assert item.status == "planned"


def test_another_organisations_plan_is_not_found(manager_client, other_kindergarten):
    theirs = plan(other_kindergarten)
    for name in ("plans:plan", "plans:print", "plans:pdf", "plans:docx", "plans:edit", "plans:item_new"):
        assert manager_client.get(reverse(name, args=[theirs.pk])).status_code == 404, name
    item = theirs.items.get()
    assert manager_client.post(reverse("plans:item_status", args=[item.pk]), {"status": "done"}).status_code == 404
    assert manager_client.get(reverse("plans:list")).content.decode().count(theirs.get_absolute_url()) == 0


def test_the_pdf_and_docx_are_served(manager_client, kindergarten):
    made = plan(kindergarten, year=2026, items=0)
    services.plan_item_create(plan=made, activity="Ашық есік күні", period="date", date=dt.date(2027, 4, 10))
    response = manager_client.get(reverse("plans:pdf", args=[made.pk]))
    assert response.status_code == 200 and response.content[:4] == b"%PDF"
    response = manager_client.get(reverse("plans:docx", args=[made.pk]))
    assert response.status_code == 200 and response.content[:2] == b"PK"
