"""Extension points of the journal for the apps above it.

Apps depend downward (core ← orgs ← families ← journal ← portal): the journal imports none of
the apps that build on it. When one of them needs a say in a journal step, it registers here
from its AppConfig.ready(), and the journal calls whatever is registered. Today, when a request
is closed, the public site lets the specialist pick materials for the parent (kept on the
portal's side, qamqor/portal/recommendations.py) and mails the parent the feedback link
(qamqor/portal/emails.py).
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import TYPE_CHECKING, Any, Protocol

if TYPE_CHECKING:
    from django import forms

    from qamqor.journal.models import Request


class CompletionExtension(Protocol):
    """Extra fields of the "after the consultation" form, and what to do with them."""

    def form_fields(self, request: Request) -> dict[str, forms.Field]:
        """Fields added to the completion form of this request (none to add nothing)."""

    def completed(self, *, request: Request, data: Mapping[str, Any], by) -> None:
        """Called inside the completion's transaction with the cleaned values of this
        extension's fields; a ValidationError undoes the completion."""


_completion_extensions: list[CompletionExtension] = []


def register_completion_extension(extension: CompletionExtension) -> None:
    """Register once per kind of extension (ready() may run again, e.g. in tests)."""
    if not any(type(known) is type(extension) for known in _completion_extensions):
        _completion_extensions.append(extension)


def completion_extensions() -> tuple[CompletionExtension, ...]:
    return tuple(_completion_extensions)
