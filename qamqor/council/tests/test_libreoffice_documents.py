"""The minutes' PDF opens in LibreOffice with its Kazakh and Russian text (issue 5, "Bars"): the
bilingual header, heard / spoke / resolved, and at the next meeting the decision carried over.
The minutes' DOCX is opened in test_minutes_libreoffice.py. Both PDFs go through one LibreOffice
start."""

from __future__ import annotations

import datetime as dt

import pytest

from qamqor.core.testing.libreoffice import documents_text, flat
from qamqor.council import documents, services
from qamqor.council.tests.test_minutes import minutes_meeting  # noqa: F401 - the fixture

pytestmark = pytest.mark.libreoffice


def test_the_minutes_pdf_opens_in_libreoffice_in_kazakh_and_russian(minutes_meeting):  # noqa: F811
    chair, secretary = minutes_meeting.chair, minutes_meeting.secretary
    following = services.meeting_create(organization=minutes_meeting.organization, date=dt.date(2026, 11, 9))
    services.meeting_set_attendance(meeting=following, present=[chair, secretary])
    services.agenda_item_add(meeting=following, topic="Сауалнама нәтижелері")

    texts = documents_text(
        {"first.pdf": documents.minutes_pdf(minutes_meeting), "following.pdf": documents.minutes_pdf(following)}
    )
    first, second = flat(texts["first.pdf"]), flat(texts["following.pdf"])

    for expected in (
        "ХАТТАМА / ПРОТОКОЛ № 1",
        "Ата-аналарды педагогикалық қолдау орталығының отырысы / Заседание центра педагогической поддержки родителей",
        "05.10.2026",
        "Төраға / Председатель: Қасымова Жанар Болатқызы",
        "Хатшы / Секретарь: Ермекова Ақмарал Сәкенқызы",
        "Қатысқандар / Присутствовали: 3",
        "Шақырылғандар / Приглашённые",
        "Ата-аналар комитетінің төрағасы",
        "Қатыспағандар / Отсутствовали: Нұрланова Динара Асқарқызы",
        "Күн тәртібі / Повестка дня",
        "АПҚО-ның 2026–2027 оқу жылына арналған жұмыс жоспарын бекіту",
        "Тыңдалды / Слушали",
        "Қасымова Ж.Б. жоспардың жобасын баяндады",
        "Сөйледі / Выступили",
        "Ұсыныстар мен ескертулер / Предложения и замечания",
        "Шешім / Решили",
        "Жұмыс жоспарын бекіту",
        "жауапты / ответственный: Төлегенова Әсем Нұрланқызы",
        "мерзімі / срок: 15.10.2026",
    ):
        assert expected in first, expected
    for expected in (
        "ХАТТАМА / ПРОТОКОЛ № 2",
        "Сауалнама нәтижелері",
        "Бұрынғы шешімдердің орындалуы / Исполнение прежних решений",
        "Жұмыс жоспарын бекіту",
        "орындалуда / на исполнении",
    ):
        assert expected in second, expected
