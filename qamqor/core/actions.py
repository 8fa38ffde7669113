"""A button's or a form's service call, reported to the user: the one shape of every action view.

A back-office or public button (cancel, mark held, revoke, erase…) runs one service and goes
back to a page; the service's refusal is shown as an error message in the user's language and
changes nothing (the service is atomic), its success as `success`. A form page does the same
with its form: the refusal goes onto the form, which is shown again (`run_form_and_report`).
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from typing import Any, TypeVar

from django import forms
from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpRequest, HttpResponse
from django.shortcuts import redirect, render
from django.utils.functional import Promise

from qamqor.core.forms import add_refusal

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


def run_form_and_report(
    request: HttpRequest,
    form: forms.Form,
    action: Callable[[], T],
    success: str | Promise | Callable[[T], str],
    *,
    then: Callable[[T], Any] | Any,
    template: str,
    context: Mapping[str, Any] | None = None,
) -> HttpResponse:
    """A form page: on a valid POST run `action`, then go to `then` (anything `redirect` takes,
    or made from the result) with `success` in the messages. Otherwise show `template` with
    `form` (and `context`): 200 for a first look, 400 for a form that is not valid, and for
    the service's refusal, put onto the form, the status `add_refusal` gives it."""
    page = {"form": form, **(context or {})}
    if request.method == "POST" and form.is_valid():
        try:
            result = action()
        except ValidationError as exc:
            return render(request, template, page, status=add_refusal(form, exc))
        messages.success(request, success(result) if callable(success) else success)
        return redirect(then(result) if callable(then) else then)
    return render(request, template, page, status=400 if form.is_bound and form.errors else 200)
