"""The contracts Qamqor generates open in LibreOffice with their Kazakh and Russian text."""

from __future__ import annotations

import pytest

from qamqor.core.testing.libreoffice import document_text
from qamqor.families import contracts


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


@pytest.mark.parametrize(
    ("language", "expected"),
    [
        ("kk", ["КЕЛІСІМ-ШАРТ № 1", "Дербес деректерді өңдеуге келісім", "Тараптардың деректемелері мен қолдары"]),
        ("ru", ["ДОГОВОР № 1", "Согласие на обработку персональных данных", "Реквизиты и подписи сторон"]),
    ],
)
def test_a_generated_contract_opens_in_libreoffice(kindergarten, head, parent, child, language, expected):
    contract = contracts.contract_draft(parent=parent, child=child, language=language)
    with contract.document.open("rb") as handle:
        text = document_text(handle.read())
    for line in [*expected, parent.full_name, child.full_name, "Бекова Сәуле Әлібекқызы"]:
        assert line in text
