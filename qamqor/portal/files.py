"""Checks of a material's uploaded file, before anything is stored: a file is what it says.

The name's extension and the type the browser declares are only claims; the first bytes of the
file decide (a PDF starts with %PDF-, an MP4 has its `ftyp` box at byte 4, a WebM starts with
the EBML header). The extension of the stored file is the checked one, so what the site later
serves and with which content type follows from a check, never from the parent's or author's
file name."""

from __future__ import annotations

from pathlib import Path

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _

from qamqor.portal.models import VIDEO_EXTENSIONS, MaterialKind

MEGABYTE = 1024 * 1024
PDF_MAX_MB = 20
VIDEO_MAX_MB = 200
# What browsers declare for these files; an empty or generic type is no claim at all.
GENERIC_TYPES = {"", "application/octet-stream", "binary/octet-stream"}
WEBM_MAGIC = b"\x1a\x45\xdf\xa3"


def _file_error(message: str, code: str) -> ValidationError:
    return ValidationError({"file": ValidationError(message, code=code)})


def _head(upload: UploadedFile, size: int) -> bytes:
    upload.seek(0)
    head = upload.read(size)
    upload.seek(0)
    return head


def _check_size(upload: UploadedFile, limit_mb: int) -> None:
    if upload.size is None or upload.size > limit_mb * MEGABYTE:
        raise _file_error(_("The file is too large: at most %(limit)d MB.") % {"limit": limit_mb}, "too_large")
    if upload.size == 0:
        raise _file_error(_("The file is empty."), "empty")


def check_pdf(upload: UploadedFile) -> None:
    if Path(upload.name or "").suffix.lower() != ".pdf":
        raise _file_error(_("The file must be a PDF (a name ending in .pdf)."), "not_pdf")
    _check_size(upload, PDF_MAX_MB)
    declared = (upload.content_type or "").split(";")[0].strip().lower()
    if not _head(upload, 5).startswith(b"%PDF-") or declared not in GENERIC_TYPES | {"application/pdf"}:
        raise _file_error(_("This file is not a PDF, although its name says so. Save it as PDF and upload it again."), "fake_pdf")


def check_video(upload: UploadedFile) -> None:
    extension = Path(upload.name or "").suffix.lower()
    if extension not in VIDEO_EXTENSIONS:
        raise _file_error(_("A video must be an MP4 or WebM file (.mp4, .webm)."), "not_video")
    _check_size(upload, VIDEO_MAX_MB)
    declared = (upload.content_type or "").split(";")[0].strip().lower()
    head = _head(upload, 12)
    genuine = head[4:8] == b"ftyp" if extension == ".mp4" else head.startswith(WEBM_MAGIC)
    if not genuine or declared not in GENERIC_TYPES | {VIDEO_EXTENSIONS[extension]}:
        raise _file_error(
            _("This file is not an MP4 or WebM video, although its name says so. Upload the video itself."), "fake_video"
        )


def check_material_upload(*, kind: str, upload: UploadedFile) -> None:
    """A video's file is MP4 or WebM; every other kind's file is a PDF. Raises ValidationError
    at the field "file", in the user's language."""
    if kind == MaterialKind.VIDEO:
        check_video(upload)
    else:
        check_pdf(upload)
