"""What the public site's browser tests share: the texts a parent sees, from the catalogues.

Every text is taken from the translation catalogue in the page's language and checked to differ
from the English source, so a missing translation fails the test instead of matching English.
"""

from __future__ import annotations

import datetime as dt
import re

from django.utils import formats, timezone, translation
from django.utils.translation import gettext

from qamqor.families.models import Child, Consent, Parent
from qamqor.journal.models import Request, StatusChange
from qamqor.portal.models import ApplicationAttempt
from qamqor.scheduling.models import Appointment

# What one application writes: counted before and after a refused one, which must write nothing.
WRITTEN = (Parent, Child, Consent, Request, StatusChange, Appointment, ApplicationAttempt)

# The msgids a parent meets on the way (the keys are ours, for the tests).
MSGIDS = {
    "finder": "Find a consultation point",
    "name or number": "Name or number of the kindergarten",
    "region": "Region",
    "find": "Find",
    "book": "Book a consultation",
    "topic": "Topic of your question",
    "next": "Next",
    "specialist": "Specialist",
    "anyone": "Anyone suitable",
    "show times": "Show free times",
    "full name": "Your full name",
    "phone": "Phone",
    "email": "Email (optional)",
    "child": "Child's full name (optional)",
    "birth date": "Child's birth date",
    "boy or girl": "Boy or girl",
    "boy": "boy",
    "question": "Your question in a few words",
    "consent": "I agree to the processing of my and my child's personal data as written above.",
    "book this time": "Book this time",
    "booked": "You are booked",
    "private link": "Your private link",
    "your request": "Your request № %(number)s",
    "move to this time": "Move to this time",
    "moved": "Your consultation is moved to the new time.",
    "cancel my request": "Cancel my request",
    "cancel?": "Cancel the request?",
    "yes, cancel": "Yes, cancel",
    "cancelled": "Your request is cancelled. The time is free for other parents.",
    "status cancelled": "cancelled",
    "just taken": "This time was just taken. Please choose another.",
    "nearest": "The nearest free times:",
}


def language_of(locale: str) -> str:
    """The language of a browser locale: kk-KZ → kk."""
    return locale.split("-")[0]


def texts(language: str) -> dict[str, str]:
    """The parent's texts in `language`, each checked to be translated."""
    with translation.override(language):
        said = {key: gettext(msgid) for key, msgid in MSGIDS.items()}
    untranslated = sorted(key for key, text in said.items() if text == MSGIDS[key])
    assert not untranslated, f"not translated into {language}: {untranslated}"
    return said


def in_language(language: str, value):
    """A model's translated field (an organisation's name, a topic) as `language` shows it."""
    with translation.override(language):
        return str(value())


def day_legend(language: str, day: dt.date) -> str:
    """How the apply form names a day of free times: «Сейсенбі, 2026 ж. 3 наурыз»."""
    with translation.override(language):
        return f"{formats.date_format(day, 'l')}, {formats.date_format(day, 'DATE_FORMAT')}"


def shown_time(language: str, starts_at: dt.datetime, ends_at: dt.datetime) -> str:
    """How the confirmation and manage pages show a booked time (portal/_summary.html)."""
    starts, ends = timezone.localtime(starts_at), timezone.localtime(ends_at)
    with translation.override(language):
        return f"{formats.date_format(starts, 'l')}, {formats.date_format(starts, 'DATETIME_FORMAT')}–{ends:%H:%M}"


def field(page, label: str):
    """The form field labelled exactly `label`, a required field's star (aria-hidden) aside."""
    return page.get_by_label(re.compile(rf"^{re.escape(label)}(\s*\*)?$"))


def counts() -> dict[str, int]:
    return {model.__name__: model.objects.count() for model in WRITTEN}
