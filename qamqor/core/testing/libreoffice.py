"""Open generated documents in LibreOffice (headless) and read back their text: the issue's bar
for every generated PDF and DOCX (issue 5, "Bars").

DOCX files open in Writer and are saved as plain text. Writer cannot read a PDF's text back, so
PDFs open with Draw's PDF import (package libreoffice-draw-nogui), are saved as flat ODF XML
(.fodg) and the text of its text boxes is read from that XML.

When `soffice` (or Draw, for PDFs) is missing, the test setup installs it with apt-get (root
only, one install at a time); where that is impossible the test is skipped with the reason,
never passed silently."""

from __future__ import annotations

import atexit
import functools
import os
import shutil
import subprocess
import tempfile
import xml.etree.ElementTree as ET  # noqa: S405 - parses the XML LibreOffice just wrote for us
from collections.abc import Mapping
from pathlib import Path

import pytest

INSTALL_LOCK = str(Path(tempfile.gettempdir()) / "qamqor-libreoffice.lock")
# Writer opens DOCX; Draw brings the PDF import. Keep in step with the check in .ci/run.
PACKAGES = ("libreoffice-writer-nogui", "libreoffice-draw-nogui")
TEXT_NS = "urn:oasis:names:tc:opendocument:xmlns:text:1.0"


def _has_draw(program: str) -> bool:
    # Draw's own library sits beside the real soffice binary (/usr/bin/soffice is a link).
    return (Path(os.path.realpath(program)).parent / "libsdlo.so").exists()


def _found(draw: bool) -> str | None:
    program = shutil.which("soffice") or shutil.which("libreoffice")
    if program and (not draw or _has_draw(program)):
        return program
    return None


def soffice(*, draw: bool = False) -> str:
    """The soffice program; with `draw`, one that can import PDFs. Installs them when missing."""
    found = _found(draw)
    if found:
        return found
    apt_get, flock = shutil.which("apt-get"), shutil.which("flock")
    if os.geteuid() != 0 or not apt_get or not flock:
        pytest.skip(f"LibreOffice ({', '.join(PACKAGES)}) is not installed and cannot be installed here (needs root and apt-get)")
    install = [flock, INSTALL_LOCK, apt_get, "install", "-y", "-q", "--no-install-recommends", *PACKAGES]
    environment = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    # Fixed arguments, no user input. A fresh machine may have no package lists yet: then update
    # them once and try again.
    for command in (install, [flock, INSTALL_LOCK, apt_get, "update", "-q"], install):
        if _found(draw):
            break
        subprocess.run(command, check=False, capture_output=True, timeout=900, env=environment)  # noqa: S603
    found = _found(draw)
    if not found:
        pytest.skip(f"LibreOffice ({', '.join(PACKAGES)}) could not be installed with apt-get")
    return found


@functools.cache
def _profile() -> str:
    # A profile of this test process's own: two processes converting at once must not share (and
    # lock) one, while one process's conversions run one after the other and reuse it, which
    # spares LibreOffice building a new profile on every start.
    folder = tempfile.mkdtemp(prefix="qamqor-libreoffice-profile-")
    atexit.register(shutil.rmtree, folder, ignore_errors=True)
    return Path(folder).as_uri()


def _convert(program: str, folder: Path, sources: list[Path], target: str) -> None:
    profile = _profile()
    done = subprocess.run(  # noqa: S603 - our own files in our own folder
        [program, f"-env:UserInstallation={profile}", "--headless", "--convert-to", target,
         "--outdir", str(folder / "out"), *map(str, sources)],
        check=True,
        capture_output=True,
        text=True,
        timeout=300,
    )  # fmt: skip
    # soffice exits with 0 even when it could not open a file: say which one, with its words.
    extension = target.split(":", 1)[0]
    missing = [source.name for source in sources if not (folder / "out" / source.with_suffix(f".{extension}").name).exists()]
    if missing:
        raise AssertionError(f"LibreOffice could not convert {', '.join(missing)}: {done.stdout} {done.stderr}".strip())


def _paragraph_text(paragraph: ET.Element) -> str:
    parts = [paragraph.text or ""]
    for child in paragraph:
        tag = child.tag.rsplit("}", 1)[-1]
        if tag == "s":
            parts.append(" " * int(child.get(f"{{{TEXT_NS}}}c", "1")))
        elif tag in ("tab", "line-break"):
            parts.append(" ")
        else:
            parts.append(_paragraph_text(child))
        parts.append(child.tail or "")
    return "".join(parts)


def drawing_text(fodg: Path) -> str:
    """The text of every text box of a flat ODF drawing, one paragraph a line, in page order."""
    root = ET.parse(fodg).getroot()  # noqa: S314 - LibreOffice's own output of our own document
    lines = (_paragraph_text(p) for p in root.iter(f"{{{TEXT_NS}}}p"))
    return "\n".join(line for line in lines if line.strip())  # table lines and rules are empty text boxes


def documents_text(documents: Mapping[str, bytes]) -> dict[str, str]:
    """The text of several documents at once, by file name ("plan.pdf", "minutes.docx"): one
    soffice run for all the PDFs and one for all the others, since each start costs a second or two."""
    pdfs = sorted(name for name in documents if name.lower().endswith(".pdf"))
    others = sorted(name for name in documents if name not in pdfs)
    texts: dict[str, str] = {}
    with tempfile.TemporaryDirectory() as temporary:
        folder = Path(temporary)
        for name, data in documents.items():
            (folder / name).write_bytes(data)
        if others:
            _convert(soffice(draw=False), folder, [folder / name for name in others], "txt:Text (encoded):UTF8")
            for name in others:
                texts[name] = (folder / "out" / Path(name).with_suffix(".txt")).read_text(encoding="utf-8-sig")
        if pdfs:
            _convert(soffice(draw=True), folder, [folder / name for name in pdfs], "fodg")
            for name in pdfs:
                texts[name] = drawing_text(folder / "out" / Path(name).with_suffix(".fodg"))
    return texts


def document_text(data: bytes, suffix: str = ".docx") -> str:
    """The document's text as LibreOffice reads it (a DOCX as plain text, a PDF's text boxes)."""
    return documents_text({f"document{suffix}": data})[f"document{suffix}"]


def flat(text: str) -> str:
    """The text with every run of white space made one space: lines break anywhere in a PDF."""
    return " ".join(text.split())
