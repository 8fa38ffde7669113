"""The minutes as PDF and DOCX: the bilingual header, who was present and absent, the agenda,
heard / spoke / resolved per item, the signatures."""

from __future__ import annotations

import datetime as dt
import io

import pytest
from django.urls import reverse

from qamqor.core.testing import factories as f
from qamqor.council import documents, services
from qamqor.council.models import Member
from qamqor.council.tests.world import centre


@pytest.fixture
def minutes_meeting(kindergarten):
    chair, secretary, member = centre(kindergarten)
    Member.objects.update(joined_on=dt.date(2026, 9, 1))  # members since before the meeting
    meeting = services.meeting_create(organization=kindergarten, date=dt.date(2026, 10, 5))
    services.meeting_set_attendance(meeting=meeting, present=[chair, secretary], invited="Ата-аналар комитетінің төрағасы")
    item = services.agenda_item_add(
        meeting=meeting,
        topic="АПҚО-ның 2026–2027 оқу жылына арналған жұмыс жоспарын бекіту",
        heard="Қасымова Ж.Б. жоспардың жобасын баяндады",
        spoke="Ермекова А.С.: кеңестер кестесін сайтқа жариялауды ұсынды",
        proposals="Ата-аналарға сауалнама жүргізу",
    )
    services.decision_add(
        agenda_item=item,
        text="Жұмыс жоспарын бекіту",
        responsible=f.staff(kindergarten, "educator", full_name="Төлегенова Әсем Нұрланқызы"),
        deadline=dt.date(2026, 10, 15),
    )
    services.agenda_item_add(meeting=meeting, topic="Әртүрлі")
    return meeting


def _expect(text: str) -> None:
    flat = " ".join(text.split())
    for expected in (
        "ХАТТАМА / ПРОТОКОЛ № 1",
        "05.10.2026",
        "Төраға / Председатель: Қасымова Жанар Болатқызы",
        "Хатшы / Секретарь: Ермекова Ақмарал Сәкенқызы",
        "Қатысқандар / Присутствовали: 3",
        "Қатыспағандар / Отсутствовали: Нұрланова Динара Асқарқызы",
        "Күн тәртібі / Повестка дня",
        "АПҚО-ның 2026–2027 оқу жылына арналған жұмыс жоспарын бекіту",
        "Тыңдалды / Слушали",
        "Сөйледі / Выступили",
        "Шешім / Решили",
        "Жұмыс жоспарын бекіту",
        "Төлегенова Әсем Нұрланқызы",
        "15.10.2026",
        "Ата-аналарға сауалнама жүргізу",
    ):
        assert expected in flat, expected


def test_the_minutes_docx_opens_with_the_bilingual_header(minutes_meeting):
    from docx import Document

    document = Document(io.BytesIO(documents.minutes_docx(minutes_meeting)))
    text = "\n".join(p.text for p in document.paragraphs)
    _expect(text)
    assert "{{" not in text and "{%" not in text
    assert text.count("Төраға / Председатель") == 2  # the header and the signature


def test_the_minutes_pdf_opens_with_the_bilingual_header(minutes_meeting):
    from pypdf import PdfReader

    content = documents.minutes_pdf(minutes_meeting)
    text = " ".join(page.extract_text() for page in PdfReader(io.BytesIO(content)).pages)
    _expect(text)


def test_the_minutes_are_served_to_staff(client, minutes_meeting, kindergarten):
    reader = f.staff(kindergarten, "speech_therapist")
    client.force_login(reader.user)
    response = client.get(reverse("council:minutes_pdf", args=[minutes_meeting.pk]))
    assert response.status_code == 200 and response["Content-Type"] == "application/pdf"
    response = client.get(reverse("council:minutes_docx", args=[minutes_meeting.pk]))
    assert response.status_code == 200 and response.content[:2] == b"PK"
    response = client.get(reverse("council:minutes", args=[minutes_meeting.pk]))
    assert "ХАТТАМА / ПРОТОКОЛ № 1" in response.content.decode()
