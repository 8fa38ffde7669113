"""The check of an Honor Book photo before anything is stored: a photo is what it says.

The material uploads' checks (qamqor/portal/files.py) trust the first bytes, not the name; a
photo is read by Pillow itself, which also refuses a truncated or forged image. Only JPEG and
PNG are taken (every phone and browser shows them), and the stored extension is the one of the
format Pillow found, never the one of the family's file name."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.core.files.uploadedfile import UploadedFile
from django.utils.translation import gettext as _
from PIL import Image, UnidentifiedImageError

from qamqor.portal.files import _check_size

PHOTO_MAX_MB = 5
EXTENSIONS = {"JPEG": ".jpg", "PNG": ".png"}


def _photo_error(message: str, code: str) -> ValidationError:
    return ValidationError({"photo": ValidationError(message, code=code)})


def check_photo(upload: UploadedFile) -> str:
    """The photo's checked extension (.jpg or .png); ValidationError at the field "photo"
    otherwise, in the user's language."""
    try:
        _check_size(upload, PHOTO_MAX_MB)  # the materials' limit check, its message and codes
    except ValidationError as exc:
        raise ValidationError({"photo": exc.error_dict["file"]}) from exc
    upload.seek(0)
    try:
        with Image.open(upload) as image:
            found = image.format
            image.verify()  # reads the whole file: a truncated or altered image fails here
    except (UnidentifiedImageError, OSError, SyntaxError, ValueError) as exc:
        raise _photo_error(_("This file is not a photo. Upload a JPEG or PNG picture."), "not_image") from exc
    finally:
        upload.seek(0)
    if found not in EXTENSIONS:
        raise _photo_error(_("The photo must be a JPEG or PNG picture."), "wrong_format")
    return EXTENSIONS[found]
