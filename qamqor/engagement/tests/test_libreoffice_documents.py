"""The thank-you letters' PDFs open in LibreOffice with their Kazakh and Russian text (issue 5,
"Bars": every generated PDF). Both letters go through one LibreOffice start."""

from __future__ import annotations

import datetime as dt

import pytest

from qamqor.core.testing.libreoffice import documents_text, flat
from qamqor.engagement.letters import award_letter_pdf
from qamqor.engagement.tests.recognition_world import award

pytestmark = [pytest.mark.django_db, pytest.mark.libreoffice]


def test_the_thank_you_letters_open_in_libreoffice_in_kazakh_and_russian(kindergarten, parent, head):
    given = award(kindergarten, parent, year=2025)
    day = dt.date(2026, 5, 25)

    texts = documents_text(
        {f"letter-{language}.pdf": award_letter_pdf(given, language=language, day=day) for language in ("kk", "ru")}
    )

    expected = {
        "letter-kk.pdf": ["№8 «Думан» балабақшасы", "Ең белсенді ата-ана", "2026 жылғы 25 мамыр"],
        "letter-ru.pdf": ["Детский сад №8 «Думан»", "Самый активный родитель", "25 мая 2026 г."],
    }
    for name, lines in expected.items():
        text = flat(texts[name])
        for line in [*lines, parent.full_name, head.person_name, "2025–2026"]:
            assert line in text, (name, line)
