"""The reports' PDF exports open in LibreOffice with their Kazakh and Russian text (issue 5,
"Bars": every generated PDF): an organisation's in Kazakh, a region's (with the comparison of
organisations and the suppressed small counts) in Russian, both through one LibreOffice start."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qamqor.core.testing import factories as f
from qamqor.core.testing.libreoffice import documents_text, flat
from qamqor.reports.tests.test_views import PERIOD, world  # noqa: F401 - the fixture

pytestmark = pytest.mark.libreoffice


def _pdf(client, url: str, language: str) -> bytes:
    response = client.get(url, {**PERIOD, "format": "pdf", "language": language})
    assert response.status_code == 200
    return response.content


def test_the_report_pdfs_open_in_libreoffice_in_kazakh_and_russian(client, world):  # noqa: F811
    client.force_login(f.staff(world.a, "head").user)
    files = {"organization-kk.pdf": _pdf(client, reverse("reports:export_organization"), "kk")}
    client.force_login(world.region_officer.user)
    files["region-ru.pdf"] = _pdf(client, reverse("reports:export_region", args=[world.region.pk]), "ru")

    texts = {name: flat(text) for name, text in documents_text(files).items()}

    expected = {
        "organization-kk.pdf": ["Мерзімі: 01.09.2025 – 31.08.2026", "Өтініштер мен кеңестер", "Өтініштер 4",
                                "Тиімділік өлшемдері («Үндестік» жобасы)", "Баланың сөйлеу тілінің дамуы 3", "Жеке кеңес"],
        "region-ru.pdf": ["город Алматы", "Сроки: 01.09.2025 – 31.08.2026", "Обращения и консультации", "Обращения 7",
                          "Критерии эффективности (проект «Үндестік»)", "Развитие речи ребёнка 5", "Сравнение организаций",
                          "Отвечено сразу по телефону", "менее 5"],
    }  # fmt: skip
    for name, lines in expected.items():
        for line in lines:
            assert line in texts[name], (name, line)
