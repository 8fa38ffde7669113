"""The Jinja2 environment of the hot pages (the journal): DESIGN.md lets them leave Django
templates, whose per-variable cost is most of a 50-row page. Forms and the admin stay on
Django templates.

Translations are Django's own gettext, so one catalogue serves both engines; templates write
`{{ _("text") }}`, which Django's makemessages also extracts.
"""

from __future__ import annotations

import functools

from django.conf import settings
from django.templatetags.static import static
from django.urls import get_script_prefix, reverse
from django.utils import translation
from jinja2 import Environment


def url(name: str, *args, **kwargs) -> str:
    if args or kwargs:
        return reverse(name, args=args or None, kwargs=kwargs or None)
    return _plain_url(name, get_script_prefix())


@functools.lru_cache(maxsize=256)
def _plain_url(name: str, prefix: str) -> str:
    """A URL without arguments never changes while the process runs: reversed once."""
    return reverse(name)


def environment(**options) -> Environment:
    options["autoescape"] = True  # Django's backend sets it too; this keeps it on whatever the settings say
    env = Environment(extensions=["jinja2.ext.i18n"], **options)  # noqa: S701 (autoescape is on, set above)
    env.install_gettext_callables(gettext=translation.gettext, ngettext=translation.ngettext, newstyle=True)
    env.globals.update({"url": url, "static": static, "get_language": translation.get_language, "languages": settings.LANGUAGES})
    return env
