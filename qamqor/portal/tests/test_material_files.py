"""The upload checks: a file is what it says, and not too large (qamqor/portal/files.py)."""

import pytest
from django.core.exceptions import ValidationError
from django.utils import translation

from qamqor.portal import files
from qamqor.portal.tests.materials import MP4_BYTES, PDF_BYTES, mp4, pdf, webm


def refusal(kind, upload) -> ValidationError:
    with pytest.raises(ValidationError) as caught:
        files.check_material_upload(kind=kind, upload=upload)
    return caught.value


@pytest.mark.parametrize(
    ("kind", "upload"), [("booklet", pdf()), ("memo", pdf(content_type="")), ("video", mp4()), ("video", webm())]
)
def test_genuine_files_pass(kind, upload):
    files.check_material_upload(kind=kind, upload=upload)
    assert upload.tell() == 0  # the check leaves the file as it found it, ready to be stored


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (pdf(content=b"MZ\x90\x00 an executable in disguise"), "fake_pdf"),
        (pdf(content=PDF_BYTES, content_type="text/html"), "fake_pdf"),
        (pdf(name="booklet.docx"), "not_pdf"),
        (pdf(name="booklet"), "not_pdf"),
        (pdf(content=b""), "empty"),
    ],
)
def test_a_booklet_that_is_not_a_pdf_is_refused(upload, code):
    error = refusal("booklet", upload)
    assert error.error_dict["file"][0].code == code


@pytest.mark.parametrize(
    ("upload", "code"),
    [
        (mp4(content=PDF_BYTES), "fake_video"),
        (webm(content=MP4_BYTES), "fake_video"),
        (mp4(content_type="application/pdf"), "fake_video"),
        (mp4(name="video.avi"), "not_video"),
        (pdf(), "not_video"),
    ],
)
def test_a_video_that_is_not_mp4_or_webm_is_refused(upload, code):
    assert refusal("video", upload).error_dict["file"][0].code == code


def test_size_limits(monkeypatch):
    monkeypatch.setattr(files, "PDF_MAX_MB", 0)
    assert refusal("memo", pdf()).error_dict["file"][0].code == "too_large"
    big = mp4()
    big.size = (files.VIDEO_MAX_MB + 1) * files.MEGABYTE
    assert refusal("video", big).error_dict["file"][0].code == "too_large"


@pytest.mark.parametrize(
    ("language", "text"),
    [("kk", "Бұл файл PDF емес"), ("ru", "Этот файл не PDF")],
)
def test_the_message_is_in_the_users_language(language, text):
    with translation.override(language):
        error = refusal("booklet", pdf(content=b"<html>not a pdf</html>"))
    assert text in error.error_dict["file"][0].message
