"""The centre's half-year information and annual report, from its meetings, decisions and plan."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse

from qamqor.core.testing import factories as f
from qamqor.council import services as council
from qamqor.plans import centre_report, services


@pytest.fixture
def year_of_work(kindergarten):
    chair = council.member_add(organization=kindergarten, membership=f.staff(kindergarten, "deputy", full_name="Қасымова Жанар"))
    council.member_set_position(member=chair, position="chair")
    who = f.staff(kindergarten, "methodist")
    for day, kind in ((dt.date(2025, 9, 25), "planned"), (dt.date(2025, 11, 20), "unplanned"), (dt.date(2026, 3, 5), "planned")):
        meeting = council.meeting_create(organization=kindergarten, date=day, kind=kind)
        council.meeting_set_status(meeting=meeting, status="held")
        council.meeting_set_attendance(meeting=meeting, present=[chair])
        item = council.agenda_item_add(meeting=meeting, topic=f"Сұрақ {day:%m}")
        decision = council.decision_add(agenda_item=item, text=f"Шешім {day:%m}", responsible=who, deadline=day)
        if day.month == 9:
            council.decision_done(decision=decision, done_on=day)
    plan = services.plan_create(organization=kindergarten, academic_year=2025, kind="centre_annual")
    services.plan_item_create(
        plan=plan, activity="Сауалнама", period="months", months=[10], status="done", result_note="120 ата-ана"
    )
    services.plan_item_create(plan=plan, activity="Семинар", period="months", months=[4])
    services.plan_item_create(plan=plan, activity="Кеңес беру", period="systematic", status="in_progress")
    return kindergarten


def test_the_half_year_covers_september_to_december(year_of_work):
    report = centre_report.centre_report(
        organization=year_of_work, academic_year=2025, kind="half_year", today=dt.date(2026, 1, 10)
    )
    assert [m.number for m in report.meetings] == [1, 2]
    assert (report.planned_count, report.unplanned_count) == (1, 1)
    assert (report.decisions_total, report.decisions_done, report.decisions_open) == (2, 1, 1)
    assert [i["activity"] for i in report.items] == ["Сауалнама", "Кеңес беру"]  # not April's seminar
    assert report.chair == "Қасымова Жанар"


def test_the_annual_report_covers_the_year(year_of_work):
    report = centre_report.centre_report(organization=year_of_work, academic_year=2025, kind="annual", today=dt.date(2026, 6, 1))
    assert len(report.meetings) == 3 and report.items_total == 3
    assert any("Шешім 11" in text for text in report.open_decisions)


def test_the_report_prints_as_pdf_and_docx(year_of_work):
    from docx import Document
    from pypdf import PdfReader

    report = centre_report.centre_report(organization=year_of_work, academic_year=2025, kind="annual")
    text = "\n".join(p.text for p in Document(io.BytesIO(centre_report.report_docx(report))).paragraphs)
    assert report.title in text and "Қасымова Жанар" in text and "{{" not in text
    pdf = PdfReader(io.BytesIO(centre_report.report_pdf(report)))
    assert "Сауалнама" in " ".join(page.extract_text() for page in pdf.pages)


def test_staff_open_the_report(client, year_of_work):
    client.force_login(f.staff(year_of_work, "nurse").user)
    response = client.get(reverse("plans:centre_report") + "?year=2025&kind=half_year")
    assert response.status_code == 200 and "Сұрақ 09" in response.content.decode()
    assert client.get(reverse("plans:centre_report_docx") + "?year=2025").content[:2] == b"PK"
