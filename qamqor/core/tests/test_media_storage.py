"""Uploads in a local folder or an S3-compatible bucket (qamqor/core/media_storage.py)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.exceptions import ImproperlyConfigured
from django.utils.module_loading import import_string
from storages.backends.s3 import S3Storage

from qamqor.core.media_storage import LOCAL_BACKEND, S3_BACKEND, storages_from_environment

BASE_DIR = Path(__file__).resolve().parents[3]
BUCKET = {
    "QAMQOR_MEDIA_S3_BUCKET": "qamqor-media",
    "QAMQOR_MEDIA_S3_ENDPOINT_URL": "https://s3.example.kz",
    "QAMQOR_MEDIA_S3_REGION": "kz-ala-1",
    "QAMQOR_MEDIA_S3_ACCESS_KEY_ID": "AKEXAMPLE",
    "QAMQOR_MEDIA_S3_SECRET_ACCESS_KEY": "not-a-real-secret",
}


def test_without_a_bucket_uploads_stay_in_the_local_folder() -> None:
    storages = storages_from_environment({})
    assert storages["default"] == {"BACKEND": LOCAL_BACKEND}
    assert storages["staticfiles"]["BACKEND"] == "whitenoise.storage.CompressedStaticFilesStorage"


def test_a_bucket_switches_uploads_to_private_s3_objects() -> None:
    default = storages_from_environment(BUCKET)["default"]
    assert default["BACKEND"] == S3_BACKEND
    options = default["OPTIONS"]
    assert options["bucket_name"] == "qamqor-media"
    assert options["endpoint_url"] == "https://s3.example.kz"
    assert options["region_name"] == "kz-ala-1"
    assert (options["access_key"], options["secret_key"]) == ("AKEXAMPLE", "not-a-real-secret")
    assert options["default_acl"] is None and options["file_overwrite"] is False
    # django-storages takes every option as it is (nothing is sent anywhere until a file is).
    storage = S3Storage(**options)
    assert storage.url("materials/1/a.pdf").startswith("https://s3.example.kz/qamqor-media/materials/1/a.pdf?")


def test_the_secret_key_may_come_from_a_file(tmp_path) -> None:
    secret = tmp_path / "s3-secret"
    secret.write_text("from-a-file\n", encoding="utf-8")
    environ = {**BUCKET, "QAMQOR_MEDIA_S3_SECRET_ACCESS_KEY": "", "QAMQOR_MEDIA_S3_SECRET_ACCESS_KEY_FILE": str(secret)}
    assert storages_from_environment(environ)["default"]["OPTIONS"]["secret_key"] == "from-a-file"


def test_without_keys_boto3_finds_its_own() -> None:
    environ = {k: v for k, v in BUCKET.items() if "KEY" not in k}
    assert "access_key" not in storages_from_environment(environ)["default"]["OPTIONS"]


@pytest.mark.parametrize(
    ("change", "message"),
    [
        ({"QAMQOR_MEDIA_S3_ENDPOINT_URL": ""}, "QAMQOR_MEDIA_S3_ENDPOINT_URL"),  # never Amazon's default, outside Kazakhstan
        ({"QAMQOR_MEDIA_S3_ENDPOINT_URL": "s3.example.kz"}, "QAMQOR_MEDIA_S3_ENDPOINT_URL"),
        ({"QAMQOR_MEDIA_S3_SECRET_ACCESS_KEY": ""}, "go together"),
        ({"QAMQOR_MEDIA_S3_ADDRESSING_STYLE": "sideways"}, "QAMQOR_MEDIA_S3_ADDRESSING_STYLE"),
    ],
)
def test_a_half_configured_bucket_stops_the_start(change, message) -> None:
    with pytest.raises(ImproperlyConfigured, match=message):
        storages_from_environment({**BUCKET, **change})


def test_settings_switch_the_default_storage_from_the_environment() -> None:
    """The real settings module, imported afresh with and without the bucket variables."""
    script = (
        "import django; django.setup(); "
        "from django.core.files.storage import storages; "
        "print(type(storages['default']).__module__ + '.' + type(storages['default']).__name__)"
    )
    base = {k: v for k, v in os.environ.items() if not k.startswith("QAMQOR_MEDIA_S3_")}
    base.update(DJANGO_SETTINGS_MODULE="qamqor.settings", DJANGO_DEBUG="1")

    def backend(environ: dict) -> str:
        done = subprocess.run(  # noqa: S603 (this interpreter, a fixed script)
            [sys.executable, "-c", script], env=environ, cwd=BASE_DIR, capture_output=True, text=True, timeout=60
        )
        assert done.returncode == 0, done.stderr
        return done.stdout.strip()

    def full_name(dotted: str) -> str:
        cls = import_string(dotted)
        return f"{cls.__module__}.{cls.__name__}"

    assert backend(base) == full_name(LOCAL_BACKEND)
    assert backend({**base, **BUCKET}) == full_name(S3_BACKEND)
