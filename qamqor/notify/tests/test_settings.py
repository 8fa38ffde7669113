"""The notify app's environment variables: nonsense stops the start with a clear message."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import pytest

BASE_DIR = Path(__file__).resolve().parents[3]


@pytest.mark.parametrize(
    ("environ", "message"),
    [
        ({"QAMQOR_SMS_BACKEND": "pigeon"}, "QAMQOR_SMS_BACKEND must be console or mobizon"),
        ({"QAMQOR_SMS_BACKEND": "mobizon"}, "needs QAMQOR_MOBIZON_API_KEY"),
        ({"QAMQOR_NOTIFY_ATTEMPTS": "0"}, "QAMQOR_NOTIFY_ATTEMPTS must be between 1 and 10"),
        ({"DJANGO_EMAIL_PORT": "smtp"}, "DJANGO_EMAIL_PORT must be a whole number"),
        ({"DJANGO_EMAIL_USE_TLS": "1", "DJANGO_EMAIL_USE_SSL": "1"}, "exclude each other"),
        ({"QAMQOR_TELEGRAM_BOT_TOKEN": "1:x"}, "needs QAMQOR_TELEGRAM_BOT_USERNAME"),
    ],
)
def test_bad_settings_stop_the_start(environ, message):
    done = subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
        [sys.executable, "-c", "import qamqor.settings"],
        env={**os.environ, "DJANGO_DEBUG": "1", **environ},
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        check=False,
    )
    assert done.returncode != 0
    assert message in done.stderr
