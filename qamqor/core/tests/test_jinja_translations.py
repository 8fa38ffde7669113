"""Jinja2 pages use the same catalogues as the Django templates: every string they translate
has its kk and ru text, so no English is left on the journal page."""

from __future__ import annotations

from pathlib import Path

import polib
import pytest
from django.conf import settings
from django.template import engines

TEMPLATES = sorted(Path(settings.BASE_DIR, "qamqor").glob("**/jinja2/**/*.html"))


def catalogue(language: str) -> dict[str, str]:
    path = Path(settings.BASE_DIR, "qamqor", "locale", language, "LC_MESSAGES", "django.po")
    return {entry.msgid: entry.msgstr for entry in polib.pofile(str(path)) if not entry.obsolete and "fuzzy" not in entry.flags}


def test_the_jinja_templates_are_found():
    assert {p.name for p in TEMPLATES} >= {"base.html", "_nav.html", "journal.html", "_journal_content.html"}


@pytest.mark.parametrize("language", ["kk", "ru"])
def test_every_jinja_string_is_translated(language):
    env = engines["jinja2"].env
    translated = catalogue(language)
    messages = [
        (path.name, message[0] if isinstance(message, tuple) else message)  # a tuple when the call has arguments
        for path in TEMPLATES
        for _line, _function, message in env.extract_translations(path.read_text())
    ]
    assert len(messages) > 20
    missing = [(name, message) for name, message in messages if not translated.get(message)]
    assert not missing
