"""No IIN or phone number in the logs: the masking filter and the suite's own check."""

from __future__ import annotations

import logging

from django.conf import settings

from qamqor.core.iin import check_digit
from qamqor.core.logging import IIN_MASK, PHONE_MASK, PersonalDataFilter, find_personal_data, mask_personal_data
from qamqor.core.testing.log_capture import PersonalDataCatcher

IIN = "1503145" + "0012"
IIN += str(check_digit(IIN))  # a child born on 14 March 2015 (valid check digit)


def record(msg: str, *args) -> logging.LogRecord:
    return logging.LogRecord("qamqor.test", logging.WARNING, __file__, 1, msg, args, None)


def test_filter_masks_an_iin_and_phones_in_message_and_arguments() -> None:
    r = record("child %s of parent %s, also 8 (701) 123-45-67 and 77011234567", IIN, "+7 701 123 45 67")
    assert PersonalDataFilter().filter(r) is True
    message = r.getMessage()
    assert message == f"child {IIN_MASK} of parent {PHONE_MASK}, also {PHONE_MASK} and {PHONE_MASK}"


def test_filter_leaves_ordinary_numbers() -> None:
    wrong_check = IIN[:11] + str((int(IIN[11]) + 1) % 10)
    text = f"request 1234 of 2026, id 987654321, ns 1712345678901234567, {wrong_check}, 2026-03-14 10:30, 87011234"
    assert mask_personal_data(text) == text
    assert find_personal_data(text) == []


def test_filter_masks_a_traceback() -> None:
    try:
        raise ValueError(f"duplicate key (organization_id, iin)=(1, {IIN})")
    except ValueError:
        import sys

        r = logging.LogRecord("django.request", logging.ERROR, __file__, 1, "Internal Server Error", (), sys.exc_info())
    PersonalDataFilter().filter(r)
    formatted = logging.Formatter().format(r)
    assert IIN not in formatted and IIN_MASK in formatted


def test_settings_put_the_filter_on_every_handler_of_the_root() -> None:
    root = logging.getLogger()
    handlers = [h for h in root.handlers if type(h).__module__.startswith("logging")]
    assert handlers and all(any(isinstance(f, PersonalDataFilter) for f in h.filters) for h in handlers)
    assert settings.LOGGING["loggers"]["django.server"]["propagate"] is True
    assert logging.getLogger("django").handlers == [] and logging.getLogger("django.server").handlers == []


def test_the_suite_catcher_finds_what_the_filter_would_mask() -> None:
    catcher = PersonalDataCatcher()
    catcher.emit(record("user 42 logged in"))
    assert catcher.offences == []
    catcher.emit(record("parent %s", "+77011234567"))
    catcher.emit(record("child %s", IIN))
    assert len(catcher.offences) == 2
