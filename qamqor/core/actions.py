"""A button's service call, reported in a message: the one shape of every action view.

A back-office or public button (cancel, mark held, revoke, erase…) runs one service and goes
back to a page; the service's refusal is shown as an error message in the user's language and
changes nothing (the service is atomic), its success as `success`.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import TypeVar

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest
from django.utils.functional import Promise

T = TypeVar("T")


def run_and_report(request: HttpRequest, action: Callable[[], T], success: str | Promise | Callable[[T], str]) -> T | None:
    """Run `action`; add its refusal or `success` (a text, or made from the result) to the
    messages. Returns the result, or None when the service refused."""
    try:
        result = action()
    except ValidationError as exc:
        messages.error(request, " ".join(exc.messages))
        return None
    messages.success(request, success(result) if callable(success) else success)
    return result
