"""The parent's private manage link: a signed token, the only thing in its address.

The token carries the request's id, signed with the secret key under a salt of its own and
stamped with the time it was issued. How long it is valid follows the request as it is now, so
moving the appointment moves the end of the link's life too: until 7 days after the (latest)
appointment, or 30 days after the application when no time was ever booked. The link is issued
with the request, so its age is measured from the request's arrival.
"""

from __future__ import annotations

import datetime as dt

from django.core import signing

from qamqor.journal.models import Request
from qamqor.portal.selectors import latest_appointment_start

SALT = "qamqor.portal.manage-link"
VALID_AFTER_APPOINTMENT = dt.timedelta(days=7)
VALID_WITHOUT_APPOINTMENT = dt.timedelta(days=30)


class LinkInvalid(Exception):
    """Forged, altered or pointing at nothing: answered 404."""


class LinkExpired(Exception):
    """Genuine but too old: answered 410. Carries the request, to show whom to call."""

    def __init__(self, request: Request) -> None:
        super().__init__("manage link expired")
        self.request = request


def _signer() -> signing.TimestampSigner:
    return signing.TimestampSigner(salt=SALT)


def manage_token(request: Request) -> str:
    return _signer().sign_object({"r": request.pk})


def link_valid_until(request: Request) -> dt.datetime:
    appointment_start = latest_appointment_start(request)
    if appointment_start is not None:
        return appointment_start + VALID_AFTER_APPOINTMENT
    return request.received_at + VALID_WITHOUT_APPOINTMENT


def request_for_token(token: str) -> Request:
    """The request a manage link stands for, or LinkInvalid / LinkExpired."""
    signer = _signer()
    try:
        payload = signer.unsign_object(token)  # the signature first: nothing is read for a forged token
        request = Request.objects.select_related("organization__consultation_point", "parent", "child", "topic").get(
            pk=int(payload["r"])
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError, Request.DoesNotExist) as exc:
        raise LinkInvalid from exc
    try:
        signer.unsign_object(token, max_age=link_valid_until(request) - request.received_at)
    except signing.SignatureExpired as exc:
        raise LinkExpired(request) from exc
    return request
