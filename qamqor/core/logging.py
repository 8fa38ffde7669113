"""Keep personal data out of the application's logs.

Kazakhstan's law on personal data and seed 001 §5 promise that an IIN or a parent's phone
number is not copied into places the organisation does not control, and log files travel
(to a log server, to a support ticket). The code logs ids, never names or contacts; this filter
is the safety net for what it cannot foresee: a database error whose detail quotes a row, a
library that logs its arguments. It masks every 12-digit number that passes the IIN check and
everything that looks like a Kazakh phone number, in the message and in the traceback.
"""

from __future__ import annotations

import logging
import re
import traceback

from qamqor.core.iin import has_valid_check_digit

# Twelve digits standing alone (not part of a longer number such as a timestamp in ns).
_TWELVE_DIGITS = re.compile(r"(?<!\d)\d{12}(?!\d)")
# +7 or 8, then ten digits in the usual groups: +7 701 123 45 67, 8 (701) 123-45-67,
# +77011234567, 87011234567. A bare 7 counts only when a 7 follows (77011234567: Kazakh numbers
# all start with 7 after the country code), so an ordinary 11-digit number is not taken for one.
_SEP = r"[\s\-.]?"
_PHONE = re.compile(
    r"(?<![\d+])(?:\+\s?7|8|7(?=7))" + _SEP + r"\(?\d{3}\)?" + _SEP + r"\d{3}" + _SEP + r"\d{2}" + _SEP + r"\d{2}(?!\d)"
)
IIN_MASK = "[IIN]"
PHONE_MASK = "[PHONE]"


def find_personal_data(text: str) -> list[str]:
    """The IINs and phone numbers found in `text`, as written there."""
    found = [m.group() for m in _TWELVE_DIGITS.finditer(text) if has_valid_check_digit(m.group())]
    found += [m.group() for m in _PHONE.finditer(text)]
    return found


def mask_personal_data(text: str) -> str:
    text = _TWELVE_DIGITS.sub(lambda m: IIN_MASK if has_valid_check_digit(m.group()) else m.group(), text)
    return _PHONE.sub(PHONE_MASK, text)


class PersonalDataFilter(logging.Filter):
    """Masks IINs and phone numbers in a record before any handler writes it (settings.LOGGING)."""

    def filter(self, record: logging.LogRecord) -> bool:
        try:
            message = record.getMessage()
        except Exception:  # a broken format string must still be logged, as it is
            message = str(record.msg)
        masked = mask_personal_data(message)
        if masked != message:
            record.msg, record.args = masked, None
        if record.exc_info and not record.exc_text:
            # Formatted here, once, so the traceback's own text (e.g. a database error quoting a
            # row) is masked too; logging.Formatter uses exc_text when it is set.
            record.exc_text = "".join(traceback.format_exception(*record.exc_info)).rstrip("\n")
        if record.exc_text:
            record.exc_text = mask_personal_data(record.exc_text)
        if record.stack_info:
            record.stack_info = mask_personal_data(record.stack_info)
        return True
