"""Open a generated document in LibreOffice (headless) and read back its text: the issue's bar
for every generated DOCX (issue 5, "Bars"). When `soffice` is missing, the test setup installs
LibreOffice Writer with apt-get (root only, one install at a time); where that is impossible the
test is skipped with the reason, never passed silently."""

from __future__ import annotations

import os
import shutil
import subprocess
import tempfile
from pathlib import Path

import pytest

INSTALL_LOCK = str(Path(tempfile.gettempdir()) / "qamqor-libreoffice.lock")


def soffice() -> str:
    found = shutil.which("soffice") or shutil.which("libreoffice")
    if found:
        return found
    apt_get, flock = shutil.which("apt-get"), shutil.which("flock")
    if os.geteuid() != 0 or not apt_get or not flock:
        pytest.skip("LibreOffice is not installed and cannot be installed here (needs root and apt-get)")
    subprocess.run(  # noqa: S603 - fixed arguments, no user input
        [flock, INSTALL_LOCK, apt_get, "install", "-y", "-q", "--no-install-recommends", "libreoffice-writer-nogui"],
        check=False,
        capture_output=True,
        timeout=900,
    )
    found = shutil.which("soffice")
    if not found:
        pytest.skip("LibreOffice could not be installed with apt-get")
    return found


def document_text(data: bytes, suffix: str = ".docx") -> str:
    """The document's text as LibreOffice reads it (converted to plain text, UTF-8)."""
    program = soffice()
    with tempfile.TemporaryDirectory() as folder:
        source = Path(folder) / f"document{suffix}"
        source.write_bytes(data)
        # A profile of its own: two conversions at once must not share (and lock) one.
        profile = Path(folder, "profile").as_uri()
        subprocess.run(  # noqa: S603 - our own file in our own folder
            [program, f"-env:UserInstallation={profile}", "--headless", "--convert-to", "txt:Text (encoded):UTF8",
             "--outdir", folder, str(source)],
            check=True,
            capture_output=True,
            timeout=180,
        )  # fmt: skip
        return (Path(folder) / "document.txt").read_text(encoding="utf-8-sig")
