"""Files and materials for the tests of materials, recommendations and questions."""

from __future__ import annotations

from django.core.files.uploadedfile import SimpleUploadedFile

from qamqor.core.testing import factories as f
from qamqor.portal.models import Material
from qamqor.portal.services import material_create, material_publish

PDF_BYTES = b"%PDF-1.4\n1 0 obj << /Type /Catalog >> endobj\ntrailer << /Root 1 0 R >>\n%%EOF\n"
MP4_BYTES = b"\x00\x00\x00\x18ftypmp42\x00\x00\x00\x00mp42isom" + b"\x00" * 64
WEBM_BYTES = b"\x1a\x45\xdf\xa3\x9f\x42\x86\x81\x01" + b"\x00" * 64


def pdf(name: str = "жадынама.pdf", content: bytes = PDF_BYTES, content_type: str = "application/pdf") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def mp4(name: str = "ойын.mp4", content: bytes = MP4_BYTES, content_type: str = "video/mp4") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def webm(name: str = "ойын.webm", content: bytes = WEBM_BYTES, content_type: str = "video/webm") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, content, content_type=content_type)


def material(organization, *, published: bool = True, topics=("speech",), by=None, **values) -> Material:
    """A text consultation in Kazakh unless told otherwise, published unless told otherwise."""
    values.setdefault("kind", "consultation")
    values.setdefault("language", "kk")
    values.setdefault("title_kk", "Баланың сөйлеуін дамыту")
    if values["kind"] == "consultation":
        values.setdefault("body_kk", "Күнде бірге кітап оқыңыз, суреттерді атаңыз.")
    item = material_create(organization=organization, by=by, topics=[f.topic(code) for code in topics], **values)
    if published:
        item = material_publish(material=item, by=by)
    return item


def stored_files(root) -> list:
    """Every file under MEDIA_ROOT."""
    return sorted(p for p in root.rglob("*") if p.is_file()) if root.exists() else []
