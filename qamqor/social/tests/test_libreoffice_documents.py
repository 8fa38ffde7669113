"""The social passport's PDF opens in LibreOffice with its Kazakh and Russian text (issue 5,
"Bars": every generated PDF). Both languages go through one LibreOffice start."""

from __future__ import annotations

import pytest
from django.urls import reverse

from qamqor.core.testing.libreoffice import documents_text, flat
from qamqor.social.tests.test_views import world  # noqa: F401 - the fixture

pytestmark = pytest.mark.libreoffice


def test_the_social_passport_pdf_opens_in_libreoffice_in_kazakh_and_russian(client, social_pedagogue, world):  # noqa: F811
    client.force_login(social_pedagogue.user)
    files = {}
    for language in ("kk", "ru"):
        response = client.get(reverse("social:passport_pdf"), {"lang": language})
        assert response.status_code == 200
        files[f"passport-{language}.pdf"] = response.content

    texts = {name: flat(text) for name, text in documents_text(files).items()}

    expected = {
        "passport-kk.pdf": ["№8 «Думан» балабақшасы", "Ұйымның әлеуметтік паспорты", "оқу жылы", "Аты-жөні бойынша тізім",
                            "Жетім", "Көпбалалы отбасы", "Әлеуметтік педагог:", "Меңгеруші:"],
        "passport-ru.pdf": ["Детский сад №8 «Думан»", "Социальный паспорт организации", "учебный год", "Поимённый список",
                            "Сирота", "Многодетная семья", "Социальный педагог:", "Заведующий:"],
    }  # fmt: skip
    for name, lines in expected.items():
        for line in [*lines, "Әлиева Ару (5А"]:
            assert line in texts[name], (name, line)
