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
from django.utils import timezone

from qamqor.journal.models import Request, Status
from qamqor.portal.selectors import latest_appointment_start

SALT = "qamqor.portal.manage-link"
VALID_AFTER_APPOINTMENT = dt.timedelta(days=7)
VALID_WITHOUT_APPOINTMENT = dt.timedelta(days=30)
FEEDBACK_SALT = "qamqor.portal.feedback-link"
FEEDBACK_VALID_FOR = dt.timedelta(days=30)


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


# The feedback link: the parent rates a consultation that took place, once. It carries the
# request's id only, signed under a salt of its own (a manage token is no feedback token, nor
# the other way round). It is not time-stamped: it is shown on the manage page and sent by
# email at different moments, and should end at the same moment whichever copy is used, so
# its life follows the request: until 30 days after the consultation was recorded as held.


def _feedback_signer() -> signing.Signer:
    return signing.Signer(salt=FEEDBACK_SALT)


def feedback_token(request: Request) -> str:
    return _feedback_signer().sign_object({"r": request.pk})


def feedback_valid_until(request: Request) -> dt.datetime | None:
    """The end of the feedback link's life; None while the consultation has not taken place."""
    if request.status != Status.DONE or request.closed_at is None:
        return None
    return request.closed_at + FEEDBACK_VALID_FOR


def request_for_feedback_token(token: str) -> Request:
    """The request a feedback link stands for, or LinkInvalid (forged, altered, of a request
    whose consultation did not take place) / LinkExpired."""
    try:
        payload = _feedback_signer().unsign_object(token)
        request = Request.objects.select_related("organization__consultation_point", "parent", "child", "topic").get(
            pk=int(payload["r"])
        )
    except (signing.BadSignature, KeyError, TypeError, ValueError, Request.DoesNotExist) as exc:
        raise LinkInvalid from exc
    valid_until = feedback_valid_until(request)
    if valid_until is None:
        raise LinkInvalid
    if timezone.now() > valid_until:
        raise LinkExpired(request)
    return request
