"""Where uploaded files live: a local folder, or an S3-compatible bucket (docs/deploy.md).

Settings call `storages_from_environment(os.environ)` before Django is set up, so this module
imports nothing from Django but its exception. One machine keeps the files in MEDIA_ROOT; as
soon as a second web machine serves the site they must be in a bucket every machine reaches.
Files are never public either way: parents and staff get them through the material view
(qamqor/portal/materials_views.py), which checks who may see a draft and streams the file.
"""

from __future__ import annotations

from collections.abc import Mapping
from pathlib import Path
from urllib.parse import urlsplit

from django.core.exceptions import ImproperlyConfigured

LOCAL_BACKEND = "django.core.files.storage.FileSystemStorage"
S3_BACKEND = "storages.backends.s3.S3Storage"
STATIC_FILES = {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"}
ADDRESSING_STYLES = {"auto", "path", "virtual"}


def _secret(environ: Mapping[str, str], name: str) -> str:
    """The value of NAME, or the contents of the file NAME_FILE names (a systemd credential)."""
    value = environ.get(name, "").strip()
    if not value and environ.get(f"{name}_FILE", "").strip():
        value = Path(environ[f"{name}_FILE"].strip()).read_text(encoding="utf-8").strip()
    return value


def s3_media_options(environ: Mapping[str, str]) -> dict | None:
    """django-storages' S3 options from QAMQOR_MEDIA_S3_*, or None when no bucket is named."""
    bucket = environ.get("QAMQOR_MEDIA_S3_BUCKET", "").strip()
    if not bucket:
        return None
    # The endpoint is required: Amazon's default endpoints are all outside Kazakhstan, where the
    # law on personal data wants these files kept, so the provider must be named explicitly.
    endpoint = environ.get("QAMQOR_MEDIA_S3_ENDPOINT_URL", "").strip()
    parts = urlsplit(endpoint)
    if parts.scheme not in {"https", "http"} or not parts.netloc:
        raise ImproperlyConfigured(
            "QAMQOR_MEDIA_S3_ENDPOINT_URL must be the address of the S3-compatible storage "
            f"(https://…) when QAMQOR_MEDIA_S3_BUCKET is set, not {endpoint!r}"
        )
    access_key = environ.get("QAMQOR_MEDIA_S3_ACCESS_KEY_ID", "").strip()
    secret_key = _secret(environ, "QAMQOR_MEDIA_S3_SECRET_ACCESS_KEY")
    if bool(access_key) != bool(secret_key):
        raise ImproperlyConfigured(
            "QAMQOR_MEDIA_S3_ACCESS_KEY_ID and QAMQOR_MEDIA_S3_SECRET_ACCESS_KEY(_FILE) go together: set both or neither"
        )
    style = environ.get("QAMQOR_MEDIA_S3_ADDRESSING_STYLE", "").strip().lower() or "auto"
    if style not in ADDRESSING_STYLES:
        raise ImproperlyConfigured(f"QAMQOR_MEDIA_S3_ADDRESSING_STYLE must be auto, path or virtual, not {style!r}")
    options = {
        "bucket_name": bucket,
        "endpoint_url": endpoint,
        "region_name": environ.get("QAMQOR_MEDIA_S3_REGION", "").strip() or None,
        "addressing_style": None if style == "auto" else style,
        # Private objects; a file name is never reused (upload names are random anyway), and a
        # signed address, should anything ask for one, expires in five minutes.
        "default_acl": None,
        "file_overwrite": False,
        "querystring_auth": True,
        "querystring_expire": 300,
    }
    if access_key:
        # Without keys boto3 looks in its own places (AWS_* variables, ~/.aws, an instance role).
        options.update(access_key=access_key, secret_key=secret_key)
    return options


def storages_from_environment(environ: Mapping[str, str]) -> dict:
    """Django's STORAGES: uploads in the bucket when QAMQOR_MEDIA_S3_BUCKET is set, otherwise
    in MEDIA_ROOT; static files always collected locally and served by WhiteNoise."""
    s3 = s3_media_options(environ)
    default = {"BACKEND": S3_BACKEND, "OPTIONS": s3} if s3 else {"BACKEND": LOCAL_BACKEND}
    return {"default": default, "staticfiles": dict(STATIC_FILES)}
