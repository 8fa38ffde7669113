"""A pytest plugin (`-p` in pyproject.toml): no IIN or phone number in any log of the suite.

It keeps a handler first on the root logger for the whole session, so it sees every record
that reaches a handler (Django's request and server loggers propagate to the root, see
settings.LOGGING) before the masking filter rewrites it, and fails the run listing the records
that carried a string passing the IIN check or looking like a Kazakh phone number. The masking
filter is a safety net; this makes sure the code does not lean on it.
"""

from __future__ import annotations

import logging
import traceback

import pytest

from qamqor.core.logging import find_personal_data


class PersonalDataCatcher(logging.Handler):
    def __init__(self) -> None:
        super().__init__(level=logging.NOTSET)
        self.offences: list[str] = []
        self.current_test = "(outside a test)"

    def emit(self, record: logging.LogRecord) -> None:
        try:
            text = record.getMessage()
        except Exception:
            text = str(record.msg)
        if record.exc_info:
            text += "\n" + "".join(traceback.format_exception(*record.exc_info))
        elif record.exc_text:
            text += "\n" + record.exc_text
        found = find_personal_data(text)
        if found:
            self.offences.append(f"{self.current_test}: {record.name} {record.levelname} {found!r} in {text[:300]!r}")


catcher = PersonalDataCatcher()


def _attach() -> None:
    # Django's dictConfig replaces the root's handlers, and pytest adds its own per test: keep
    # ours first, so it sees each record before a filter masks it.
    root = logging.getLogger()
    if not root.handlers or root.handlers[0] is not catcher:
        if catcher in root.handlers:
            root.removeHandler(catcher)
        root.handlers.insert(0, catcher)


def pytest_sessionstart(session: pytest.Session) -> None:
    _attach()


@pytest.hookimpl(wrapper=True)
def pytest_runtest_protocol(item: pytest.Item, nextitem):
    catcher.current_test = item.nodeid
    _attach()
    try:
        return (yield)
    finally:
        catcher.current_test = "(outside a test)"


@pytest.hookimpl(wrapper=True)
def pytest_runtest_call(item: pytest.Item):
    _attach()  # after pytest's own log capture has set up its handlers for the test
    return (yield)


def pytest_sessionfinish(session: pytest.Session, exitstatus: int) -> None:
    if not catcher.offences:
        return
    reporter = session.config.pluginmanager.get_plugin("terminalreporter")
    lines = ["Personal data (an IIN or a phone number) reached the logs:", *catcher.offences]
    if reporter is not None:
        reporter.ensure_newline()
        reporter.write_sep("=", "personal data in logs", red=True)
        for line in lines:
            reporter.write_line(line)
    session.exitstatus = pytest.ExitCode.TESTS_FAILED
