"""The minutes' DOCX opens in LibreOffice with its Kazakh and Russian header (issue 5, "Bars")."""

from __future__ import annotations

from qamqor.core.testing.libreoffice import document_text
from qamqor.council import documents
from qamqor.council.tests.test_minutes import minutes_meeting  # noqa: F401 - the fixture


def test_the_minutes_docx_opens_in_libreoffice(minutes_meeting):  # noqa: F811
    text = " ".join(document_text(documents.minutes_docx(minutes_meeting)).split())
    for expected in (
        "ХАТТАМА / ПРОТОКОЛ № 1",
        "Күн тәртібі / Повестка дня",
        "Тыңдалды / Слушали",
        "Шешім / Решили",
        "Қасымова Жанар Болатқызы",
        "Жұмыс жоспарын бекіту",
    ):
        assert expected in text, expected
