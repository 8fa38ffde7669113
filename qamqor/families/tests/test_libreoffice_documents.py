"""Contracts made from an organisation's own DOCX templates (docxtpl) open in LibreOffice with
their Kazakh and Russian text, like the default ones (test_contract_libreoffice.py; issue 5,
"Bars"). Both contracts go through one LibreOffice start."""

from __future__ import annotations

import io

import docx
import pytest
from django.core.files.uploadedfile import SimpleUploadedFile

from qamqor.core.testing import factories as f
from qamqor.core.testing.libreoffice import documents_text, flat
from qamqor.families import contracts

pytestmark = pytest.mark.libreoffice


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def _template(*paragraphs: str) -> SimpleUploadedFile:
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return SimpleUploadedFile("template.docx", out.getvalue(), content_type=contracts.DOCX_CONTENT_TYPE)


def test_contracts_from_the_organisations_templates_open_in_libreoffice(kindergarten, parent, child):
    contracts.contract_template_upload(
        organization=kindergarten,
        language="kk",
        upload=_template(
            "ШАРТ № {{ contract_number }}", "Ата-ана: {{ parent_name }}; бала: {{ child_name }}", "{{ consent_text }}"
        ),
    )
    contracts.contract_template_upload(
        organization=kindergarten,
        language="ru",
        upload=_template(
            "ДОГОВОР № {{ contract_number }}", "Родитель: {{ parent_name }}; ребёнок: {{ child_name }}", "{{ consent_text }}"
        ),
    )
    second = f.ChildFactory(parent=parent)
    files = {}
    for language, who in (("kk", child), ("ru", second)):
        contract = contracts.contract_draft(parent=parent, child=who, language=language)
        with contract.document.open("rb") as handle:
            files[f"contract-{language}.docx"] = handle.read()

    texts = {name: flat(text) for name, text in documents_text(files).items()}

    kk, ru = texts["contract-kk.docx"], texts["contract-ru.docx"]
    assert "ШАРТ № 1" in kk and f"Ата-ана: {parent.full_name}; бала: {child.full_name}" in kk
    assert "ДОГОВОР № 2" in ru and f"Родитель: {parent.full_name}; ребёнок: {second.full_name}" in ru
    assert "«Дербес деректер және оларды қорғау туралы»" in kk and "№8 «Думан» балабақшасы ұйымына" in kk
    assert "«О персональных данных и их защите»" in ru and "Детский сад №8 «Думан» на сбор" in ru
    assert "{{" not in kk + ru
