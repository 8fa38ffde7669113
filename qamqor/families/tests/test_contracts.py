"""The contract services (families/contracts.py): numbering, consent, templates, status, scans."""

from __future__ import annotations

import datetime as dt
import io
import threading

import docx
import pytest
from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import SimpleUploadedFile
from django.db import connection, connections
from django.utils import timezone
from PIL import Image

from qamqor.core.testing import factories as f
from qamqor.families import contracts
from qamqor.families.models import Consent, Contract, ContractTemplate
from qamqor.families.services import consent_withdraw


@pytest.fixture(autouse=True)
def media(settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path


def docx_text(data: bytes) -> str:
    return "\n".join(p.text for p in docx.Document(io.BytesIO(data)).paragraphs)


def template_with(*paragraphs: str) -> bytes:
    """A DOCX template made with python-docx, one run per paragraph."""
    document = docx.Document()
    for text in paragraphs:
        document.add_paragraph(text)
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def upload(data: bytes, name: str = "template.docx", content_type: str = contracts.DOCX_CONTENT_TYPE):
    return SimpleUploadedFile(name, data, content_type=content_type)


def png_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(out, "PNG")
    return out.getvalue()


def jpeg_bytes() -> bytes:
    out = io.BytesIO()
    Image.new("RGB", (20, 20), "white").save(out, "JPEG")
    return out.getvalue()


PDF = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"


# --- Drafting and the DOCX


@pytest.mark.parametrize(
    ("language", "title", "consent_heading"),
    [
        ("kk", "КЕЛІСІМ-ШАРТ № 1", "Дербес деректерді өңдеуге келісім"),
        ("ru", "ДОГОВОР № 1", "Согласие на обработку персональных данных"),
    ],
)
def test_the_docx_opens_and_names_the_family_with_the_consent_section(
    kindergarten, head, methodist, parent, child, language, title, consent_heading
):
    contract = contracts.contract_draft(parent=parent, child=child, language=language, by=methodist.user)
    with contract.document.open("rb") as handle:
        text = docx_text(handle.read())
    assert title in text
    assert parent.full_name in text and child.full_name in text
    assert consent_heading in text
    # The consent's own text with the family's names, not only its heading.
    consent = {"kk": f"Мен, {parent.full_name}, «Дербес деректер", "ru": f"Я, {parent.full_name}, в соответствии"}[language]
    assert consent in text
    assert "Бекова Сәуле Әлібекқызы" in text  # the head signs
    assert ("Детский сад №8 «Думан»" if language == "ru" else "№8 «Думан» балабақшасы") in text
    assert contract.status == Contract.Status.DRAFTED


def test_numbers_are_consecutive_per_organisation(kindergarten, other_kindergarten, methodist):
    children = [f.ChildFactory(parent=f.ParentFactory(organization=kindergarten)) for _ in range(3)]
    stranger = f.ChildFactory(parent=f.ParentFactory(organization=other_kindergarten))
    numbers = [contracts.contract_draft(parent=c.parent, child=c, language="kk").number for c in children[:2]]
    other = contracts.contract_draft(parent=stranger.parent, child=stranger, language="ru")
    numbers.append(contracts.contract_draft(parent=children[2].parent, child=children[2], language="kk").number)
    assert numbers == [1, 2, 3]
    assert other.number == 1


def test_a_refused_draft_uses_no_number(kindergarten, parent, child):
    contracts.contract_draft(parent=parent, child=child, language="kk")
    with pytest.raises(ValidationError):  # the child already has one
        contracts.contract_draft(parent=parent, child=child, language="kk")
    other = f.ChildFactory(parent=parent)
    assert contracts.contract_draft(parent=parent, child=other, language="kk").number == 2


@pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keep the migrations' regions and topics
def test_concurrent_drafts_get_distinct_numbers():
    if connection.vendor != "postgresql":
        pytest.skip("row locks across threads are a PostgreSQL matter (SQLite has one writer)")
    organization = f.ConsultationPointFactory().organization
    children = [f.ChildFactory(parent=f.ParentFactory(organization=organization)) for _ in range(6)]
    numbers, errors = [], []
    barrier = threading.Barrier(len(children))

    def draft(child):
        try:
            barrier.wait()
            numbers.append(contracts.contract_draft(parent=child.parent, child=child, language="kk").number)
        except Exception as exc:  # pragma: no cover - reported below
            errors.append(exc)
        finally:
            connections.close_all()

    threads = [threading.Thread(target=draft, args=(c,)) for c in children]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert not errors
    assert sorted(numbers) == [1, 2, 3, 4, 5, 6]


def test_no_contract_without_the_parents_consent(kindergarten, parent, child):
    consent_withdraw(parent=parent)
    with pytest.raises(ValidationError) as exc:
        contracts.contract_draft(parent=parent, child=child, language="kk")
    assert exc.value.code == "no_consent"
    assert not Contract.objects.exists()


def test_no_contract_without_consent_for_the_childs_data(kindergarten, parent, child):
    Consent.objects.filter(parent=parent, scope=Consent.Scope.CHILD).update(withdrawn_at=timezone.now())
    with pytest.raises(ValidationError) as exc:
        contracts.contract_draft(parent=parent, child=child, language="ru")
    assert exc.value.code == "no_consent"
    assert not Contract.objects.exists()


def test_the_child_must_be_the_parents(kindergarten, parent):
    stranger = f.ChildFactory(parent=f.ParentFactory(organization=kindergarten))
    with pytest.raises(ValidationError) as exc:
        contracts.contract_draft(parent=parent, child=stranger, language="kk")
    assert "child" in exc.value.message_dict


# --- Status flow and the signed scan


def test_status_flow_drafted_signed_ended(kindergarten, parent, child):
    contract = contracts.contract_draft(parent=parent, child=child, language="kk")
    today = timezone.localdate()
    with pytest.raises(ValidationError):
        contracts.contract_sign(
            contract=contract, scan=upload(PDF, "scan.pdf", "application/pdf"), signed_on=today + dt.timedelta(days=1)
        )
    contract = contracts.contract_sign(contract=contract, scan=upload(PDF, "scan.pdf", "application/pdf"), signed_on=today)
    assert contract.status == Contract.Status.SIGNED and contract.scan.name.endswith(".pdf")
    with pytest.raises(ValidationError) as exc:
        contracts.contract_sign(contract=contract, scan=upload(PDF, "scan.pdf"), signed_on=today)
    assert exc.value.code == "bad_transition"
    contract = contracts.contract_end(contract=contract, ended_on=today)
    assert contract.status == Contract.Status.ENDED
    with pytest.raises(ValidationError):
        contracts.contract_end(contract=contract, ended_on=today)
    # The child may now get a new contract, under the next number.
    assert contracts.contract_draft(parent=parent, child=child, language="kk").number == 2


def test_a_draft_can_be_closed_without_signing(kindergarten, parent, child):
    contract = contracts.contract_draft(parent=parent, child=child, language="kk")
    assert contracts.contract_end(contract=contract, ended_on=timezone.localdate()).status == Contract.Status.ENDED


@pytest.mark.parametrize(("data", "extension"), [(PDF, ".pdf"), (png_bytes(), ".png"), (jpeg_bytes(), ".jpg")])
def test_scans_are_checked_by_content_and_stored_with_the_checked_extension(kindergarten, parent, child, data, extension):
    contract = contracts.contract_draft(parent=parent, child=child, language="kk")
    # The name lies; the content decides.
    contract = contracts.contract_sign(contract=contract, scan=upload(data, "scan.docx"), signed_on=timezone.localdate())
    assert contract.scan.name.endswith(extension)


@pytest.mark.parametrize(
    "data",
    [b"MZ\x90\x00 an executable", b"%PDX-1.4 nearly", b"\x89PNG\r\n\x1a\n" + b"\x00" * 40, b""],
    ids=["exe", "fake-pdf", "broken-png", "empty"],
)
def test_a_scan_that_is_not_a_pdf_jpeg_or_png_is_refused(kindergarten, parent, child, data):
    contract = contracts.contract_draft(parent=parent, child=child, language="kk")
    with pytest.raises(ValidationError) as exc:
        contracts.contract_sign(
            contract=contract, scan=upload(data, "scan.pdf", "application/pdf"), signed_on=timezone.localdate()
        )
    assert "scan" in exc.value.message_dict
    contract.refresh_from_db()
    assert contract.status == Contract.Status.DRAFTED and not contract.scan


# --- The organisation's own template


def test_an_organisations_template_is_used_for_new_contracts(kindergarten, parent, child):
    data = template_with("ШАРТ {{ contract_number }}: {{ parent_name }} / {{ child_name }}", "{{ consent_text }}")
    contracts.contract_template_upload(organization=kindergarten, language="kk", upload=upload(data))
    contract = contracts.contract_draft(parent=parent, child=child, language="kk")
    with contract.document.open("rb") as handle:
        text = docx_text(handle.read())
    assert f"ШАРТ 1: {parent.full_name} / {child.full_name}" in text
    # Another upload replaces it; removing it goes back to the default.
    contracts.contract_template_upload(organization=kindergarten, language="kk", upload=upload(data))
    assert ContractTemplate.objects.count() == 1
    contracts.contract_template_remove(organization=kindergarten, language="kk")
    assert not ContractTemplate.objects.exists()


@pytest.mark.parametrize(
    ("paragraphs", "named"),
    [
        (("{{ parent_name }} {{ childs_name }}", "{{ consent_text }}"), "childs_name"),
        (("{{ parent.iin }}", "{{ consent_text }}"), "parent"),
        (("{% for x in children %}{{ x }}{% endfor %}", "{{ consent_text }}"), "children"),
        (("{{ parent_name|shout }}", "{{ consent_text }}"), "shout"),
        (("{{ parent_name.first }}", "{{ consent_text }}"), "first"),
    ],
    ids=["unknown", "unknown-object", "unknown-loop", "unknown-filter", "unknown-attribute"],
)
def test_a_template_with_an_unknown_field_is_refused_naming_it(kindergarten, paragraphs, named):
    with pytest.raises(ValidationError) as exc:
        contracts.contract_template_upload(organization=kindergarten, language="kk", upload=upload(template_with(*paragraphs)))
    message = " ".join(exc.value.message_dict["file"])
    assert named in message
    assert not ContractTemplate.objects.exists()


def test_a_template_that_does_not_render_is_refused(kindergarten):
    with pytest.raises(ValidationError) as exc:
        contracts.contract_template_upload(
            organization=kindergarten, language="kk", upload=upload(template_with("{{ parent_name ", "{{ consent_text }}"))
        )
    assert exc.value.error_dict["file"][0].code == "syntax"
    assert "end of print statement" in exc.value.message_dict["file"][0]  # jinja2's reason, in the message
    assert not ContractTemplate.objects.exists()


def test_a_template_without_the_consent_section_is_refused(kindergarten):
    with pytest.raises(ValidationError) as exc:
        contracts.contract_template_upload(
            organization=kindergarten, language="ru", upload=upload(template_with("{{ parent_name }}"))
        )
    assert "consent_text" in " ".join(exc.value.message_dict["file"])


@pytest.mark.parametrize(("data", "name"), [(b"not a zip at all", "template.docx"), (PDF, "template.pdf")])
def test_a_template_that_is_not_a_docx_is_refused(kindergarten, data, name):
    with pytest.raises(ValidationError) as exc:
        contracts.contract_template_upload(organization=kindergarten, language="kk", upload=upload(data, name))
    assert "DOCX" in " ".join(exc.value.message_dict["file"])


def test_the_default_templates_pass_the_check():
    for language in contracts.LANGUAGES:
        contracts.contract_template_check(contracts.default_template_path(language).read_bytes())


def test_names_with_xml_characters_stay_text(kindergarten):
    parent = f.ParentFactory(organization=kindergarten, full_name="Ким & <Ли>")
    child = f.ChildFactory(parent=parent)
    contract = contracts.contract_draft(parent=parent, child=child, language="ru")
    with contract.document.open("rb") as handle:
        assert "Ким & <Ли>" in docx_text(handle.read())
