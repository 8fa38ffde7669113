"""No reader gets another language from a library's missing translation.

For a msgid the active language's catalogues lack, Django falls back to the default language's
catalogue (LANGUAGE_CODE = kk), and then to the msgid itself. So a message that a library
translates in kk but not in ru reaches a Russian reader in Kazakh (DRF's ru catalogue lacks
its newer field errors), and one translated in ru but not in kk reaches a Kazakh reader
in English (most of the admin, the password forms, django-axes). Here the kk and ru catalogues,
merged from Django's, every installed app's and ours as Django merges them, must translate the
same msgids, among those the installed code can still ask for. The missing ones live in
qamqor/locale/django-extra-{kk,ru}.po (qamqor/locale/README.md).
"""

from __future__ import annotations

import ast
import fnmatch
from functools import cache
from pathlib import Path

import django
import django.contrib.postgres.fields  # noqa: F401  (their descriptions: see field_descriptions)
import polib
from django.apps import apps
from django.conf import settings
from django.db.models import Field
from django.utils import translation
from django.utils.translation import trans_real

DJANGO_ROOT = Path(django.__file__).parent

# Where Django (its en template catalogues give each msgid's source files, relative to the
# django package) asks for a msgid that no reader of Qamqor can meet.
UNREACHABLE_DJANGO_SOURCES = (
    # Language names: our LANGUAGES names each language in itself, untranslated.
    "conf/global_settings.py",
    # The "install worked" page and django.views.static's directory index: DEBUG only
    # (WhiteNoise serves the static files).
    "views/templates/default_urlconf.html",
    "views/templates/directory_index.html",
    "views/static.py",
    # An app's verbose_name is shown only as its section of the admin, for apps with a model
    # there: those are renamed in qamqor/core/third_party_apps.py (django.contrib.auth's among
    # them); messages, staticfiles and contenttypes have none.
    "contrib/*/apps.py",
)

# Parts of the other libraries that Qamqor does not run: DRF's own schema generator
# (drf-spectacular writes the schema), its token app (not installed; qamqor.api has its tokens)
# and the browsable API's template tags (JSONRenderer only; the browsable API's templates drop
# out by themselves, as only these libraries' Python code is read).
UNREACHABLE_LIBRARY_PARTS = ("rest_framework/schemas/*", "rest_framework/authtoken/*", "rest_framework/templatetags/*")


def locale_dirs() -> list[Path]:
    """The catalogues Django merges for the "django" domain: its own, every installed app's
    and ours."""
    app_dirs = [Path(app.path) / "locale" for app in apps.get_app_configs()]
    return [DJANGO_ROOT / "conf" / "locale", *(d for d in app_dirs if d.is_dir()), *map(Path, settings.LOCALE_PATHS)]


def msgid_key(msgid: str, msgctxt: str | None = None) -> str:
    # gettext's key for a message with a context.
    return f"{msgctxt}\x04{msgid}" if msgctxt else msgid


@cache
def translated_without_fallback(language: str) -> frozenset[str]:
    """What Django's catalogue for `language` translates by itself, before the kk fallback.

    Besides the merged catalogue, gettext chains the catalogues of a library's locale variants
    (DRF has ru_RU and ru: Django merges ru_RU and reaches ru through the chain); the chain ends
    with the default language's catalogue, which is the fallback left out here."""
    catalogues = []
    current = trans_real.translation(language)
    while current is not None and not (catalogues and isinstance(current, trans_real.DjangoTranslation)):
        catalogues.append(current)
        current = getattr(current, "_fallback", None)
    keys = set()
    for catalogue in catalogues:
        for key, text in (catalogue._catalog or {}).items():
            if key and text:
                keys.add(key[0] if isinstance(key, tuple) else key)  # a plural's key: (msgid, form)
    return frozenset(keys)


def django_source_is_reachable(source: str) -> bool:
    if any(fnmatch.fnmatch(source, pattern) for pattern in UNREACHABLE_DJANGO_SOURCES):
        return False
    parts = source.split("/")
    # Uninstalled contrib apps (admindocs, sitemaps, humanize…) share Django's own catalogue.
    return parts[0] != "contrib" or apps.is_installed(f"django.contrib.{parts[1]}")


GETTEXT_FUNCTIONS = {"_", "gettext", "gettext_lazy", "ngettext", "ngettext_lazy"}
PGETTEXT_FUNCTIONS = {"pgettext", "pgettext_lazy", "npgettext", "npgettext_lazy"}  # the context comes first


def gettext_calls(package: Path) -> set[str]:
    """The msgids a library's Python code passes to gettext, as xgettext would find them."""
    found = set()
    for path in package.rglob("*.py"):
        if any(fnmatch.fnmatch(path.relative_to(package.parent).as_posix(), part) for part in UNREACHABLE_LIBRARY_PARTS):
            continue
        for node in ast.walk(ast.parse(path.read_bytes())):
            if not isinstance(node, ast.Call):
                continue
            name = getattr(node.func, "id", None) or getattr(node.func, "attr", None)
            if name not in GETTEXT_FUNCTIONS | PGETTEXT_FUNCTIONS:
                continue
            texts = [arg.value for arg in node.args if isinstance(arg, ast.Constant) and isinstance(arg.value, str)]
            if name in PGETTEXT_FUNCTIONS and texts:
                found |= {msgid_key(text, texts[0]) for text in texts[1:]}
            else:
                found |= set(texts)
    return found


def field_descriptions() -> set[str]:
    """Model fields' descriptions, read only by django.contrib.admindocs (not installed)."""
    found = set()
    classes = [Field]
    while classes:
        cls = classes.pop()
        classes.extend(cls.__subclasses__())
        description = cls.__dict__.get("description")
        if description is not None and not isinstance(description, property):
            with translation.override(None):  # the msgid itself
                found.add(str(description))
    # CharField's description is a property choosing between these two.
    found |= {"String (up to %(max_length)s)", "String (unlimited)"}
    return found


@cache
def askable_msgids() -> frozenset[str]:
    """The msgids that the installed code can still ask for, and a reader meet."""
    askable = set()
    for locale_dir in locale_dirs():
        template = locale_dir / "en" / "LC_MESSAGES" / "django.po"
        if DJANGO_ROOT in locale_dir.parents:
            # Django regenerates its en catalogues every release, with each msgid's sources; its
            # kk and ru catalogues still carry msgids it no longer asks for.
            askable |= {
                msgid_key(entry.msgid, entry.msgctxt)
                for entry in polib.pofile(str(template))
                if any(django_source_is_reachable(source) for source, _line in entry.occurrences)
            }
        elif locale_dir in map(Path, settings.LOCALE_PATHS):
            # Ours: makemessages keeps exactly what our code asks for; en is complete.
            askable |= {msgid_key(entry.msgid, entry.msgctxt) for entry in polib.pofile(str(template))}
        elif any(locale_dir.glob(f"{language}*/LC_MESSAGES/django.mo") for language in ("kk", "ru")):
            # DRF and django-axes ship no template catalogue (DRF's en one dates from 2020): a
            # msgid is current when the library's code still passes it to gettext.
            askable |= gettext_calls(locale_dir.parent)
    return frozenset(askable - field_descriptions())


def test_the_scope_covers_the_libraries_users_meet():
    askable = askable_msgids()
    assert {
        "Authentication credentials were not provided.",  # DRF
        "Not a valid string.",  # DRF, current, absent from its ru catalogue
        "access attempts",  # django-axes
        "The two password fields didn’t match.",  # django.contrib.auth
        "Recent actions",  # django.contrib.admin
        "Enter a valid email address.",  # Django's forms and validators
        "alt. month\x04May",
    } <= askable
    assert not {
        "Extra Actions",  # the browsable API's templates
        "Password (again)",  # gone from Django, still in its kk catalogue
        "Afrikaans",
        "Positive integer",  # a field description
    } & askable


def test_every_kk_translation_has_a_ru_one():
    """Else a Russian reader gets Kazakh."""
    ru = translated_without_fallback("ru")
    missing = sorted(m for m in askable_msgids() & translated_without_fallback("kk") if m not in ru)
    assert not missing, "add to qamqor/locale/django-extra-ru.po (and kk): " + repr(missing)


def test_every_ru_translation_has_a_kk_one():
    """Else a Kazakh reader gets English."""
    kk = translated_without_fallback("kk")
    missing = sorted(m for m in askable_msgids() & translated_without_fallback("ru") if m not in kk)
    assert not missing, "add to qamqor/locale/django-extra-kk.po (and ru): " + repr(missing)


def test_only_the_default_language_fallback_is_left_out():
    chain = []
    current = trans_real.translation("ru")
    while current is not None:
        chain.append(current)
        current = getattr(current, "_fallback", None)
    assert [t.language() for t in chain if isinstance(t, trans_real.DjangoTranslation)] == ["ru", settings.LANGUAGE_CODE]
    # DRF's ru catalogue is reached through gettext's chain, not Django's merged catalogue.
    assert "Authentication credentials were not provided." in translated_without_fallback("ru")
