"""The journal's PDF export opens in LibreOffice with its Kazakh and Russian text (issue 5,
"Bars": every generated PDF). Both languages go through one LibreOffice start."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qamqor.core.testing.libreoffice import documents_text, flat
from qamqor.journal.tests.test_views import make_requests, methodist_client  # noqa: F401 - the fixture

pytestmark = pytest.mark.libreoffice


def test_the_journal_pdf_opens_in_libreoffice_in_kazakh_and_russian(methodist_client, parent, methodist):  # noqa: F811
    make_requests(parent, methodist, 2)
    files = {}
    for language in ("kk", "ru"):
        response = methodist_client.get(reverse("journal:export_pdf"), {"lang": language})
        assert response.status_code == 200
        files[f"journal-{language}.pdf"] = response.content

    texts = {name: flat(text) for name, text in documents_text(files).items()}

    expected = {
        "journal-kk.pdf": ["Консультациялық пунктте ата-аналардың өтініштерін есепке алу журналы", "№8 «Думан» балабақшасы",
                           "Ата-ананың Т.А.Ә.", "Маманның Т.А.Ә.", "Ұсынымдар", "Баланың сөйлеу тілінің дамуы"],
        "journal-ru.pdf": ["Журнал учёта обращений родителей в консультационный пункт", "Детский сад №8 «Думан»",
                           "ФИО родителя", "ФИО специалиста", "Рекомендации", "Развитие речи ребёнка"],
    }  # fmt: skip
    for name, lines in expected.items():
        for line in [*lines, "Сейтқали Динара Ерланқызы", "Ахметова Гүлнар Серікқызы", "Ойындар: әғқңөұүһі ӘҒҚҢӨҰҮҺІ"]:
            assert line in texts[name], (name, line)
