"""The parent's private link to their registration: a signed token, the only thing in its address.

Signed like the portal's manage link (portal/links.py), under a salt of its own, so a token of
one kind never opens a page of the other. It needs no expiry stamp: what it allows ends with
the event itself (a registration cannot be cancelled once the event has started).
"""

from __future__ import annotations

from django.core import signing

from qamqor.engagement.models import ReceptionVisit, Registration
from qamqor.portal.links import LinkInvalid

SALT = "qamqor.engagement.registration-link"

__all__ = ["LinkInvalid", "reception_token", "reception_visit_for_token", "registration_for_token", "registration_token"]


def _signer() -> signing.Signer:
    return signing.Signer(salt=SALT)


def registration_token(registration: Registration) -> str:
    return _signer().sign_object({"g": registration.pk})


def registration_for_token(token: str) -> Registration:
    """The registration a link stands for, or LinkInvalid (forged, altered, pointing at nothing)."""
    try:
        payload = _signer().unsign_object(token)  # the signature first: nothing is read for a forged token
        return Registration.objects.select_related("event__organization").get(pk=int(payload["g"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError, Registration.DoesNotExist) as exc:
        raise LinkInvalid from exc


# The parent's private link to a visit booked with the administration (engagement/reception.py).
RECEPTION_SALT = "qamqor.engagement.reception-link"


def reception_token(visit: ReceptionVisit) -> str:
    return signing.Signer(salt=RECEPTION_SALT).sign_object({"v": visit.pk})


def reception_visit_for_token(token: str) -> ReceptionVisit:
    """The visit a link stands for, or LinkInvalid (forged, altered, pointing at nothing)."""
    try:
        payload = signing.Signer(salt=RECEPTION_SALT).unsign_object(token)
        return ReceptionVisit.objects.select_related("organization", "appointment", "host__user").get(pk=int(payload["v"]))
    except (signing.BadSignature, KeyError, TypeError, ValueError, ReceptionVisit.DoesNotExist) as exc:
        raise LinkInvalid from exc
