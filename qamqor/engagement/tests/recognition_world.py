"""Photos, awards and Honor Book entries for the tests, made through the services."""

from __future__ import annotations

import io

from django.core.files.uploadedfile import SimpleUploadedFile
from PIL import Image

from qamqor.core.academic_year import current_academic_year
from qamqor.engagement import recognition
from qamqor.engagement.models import Award, HonorBookEntry


def image_bytes(kind: str = "JPEG", size: tuple[int, int] = (8, 6)) -> bytes:
    buffer = io.BytesIO()
    Image.new("RGB", size, (200, 120, 40)).save(buffer, kind)
    return buffer.getvalue()


def jpeg(name: str = "отбасы.jpg") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes("JPEG"), content_type="image/jpeg")


def png(name: str = "отбасы.png") -> SimpleUploadedFile:
    return SimpleUploadedFile(name, image_bytes("PNG"), content_type="image/png")


def award(organization, parent, *, by=None, kind: str = Award.Kind.MOST_ACTIVE_PARENT, year: int | None = None) -> Award:
    return recognition.award_give(
        organization=organization,
        academic_year=year or current_academic_year(),
        kind=kind,
        parent=parent,
        reason="Барлық ата-аналар жиналыстарына қатысты және «Отбасы күні» квестін ұйымдастырды.",
        by=by,
    )


def honor_entry(organization, parent, *, published: bool = True, by=None) -> HonorBookEntry:
    entry = recognition.honor_entry_create(
        organization=organization,
        parent=parent,
        academic_year=current_academic_year(),
        family_name="Сериковтер отбасы",
        story_kk="Отбасы балабақшаның барлық іс-шараларына бірге қатысады.",
        story_ru="Семья вместе участвует во всех мероприятиях детского сада.",
        photo=jpeg(),
        by=by,
    )
    if published:
        recognition.honor_consent_give(entry=entry, given_by=parent.full_name, method="paper", by=by)
    return entry
