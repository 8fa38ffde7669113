"""Every write of the API: issuing and revoking tokens, and a booking made once per key.

The booking itself is the public site's service (qamqor/portal/services.py `portal_apply`): the
API adds only the idempotency key around it, so the site and the API obey the same rules."""

from __future__ import annotations

import datetime as dt
import hashlib
import json
import secrets
from collections.abc import Callable
from dataclasses import dataclass

from django.core.exceptions import ValidationError
from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from qamqor.api.models import TOKEN_PREFIX, ApiToken, IdempotencyKey, token_digest
from qamqor.orgs.models import Membership, Organization
from qamqor.orgs.roles import Role

# How long a booking's key and its answer are kept: a client retries within minutes; a day
# covers a batch that is re-run the next morning. Older keys are swept at the next booking.
IDEMPOTENCY_KEYS_KEPT = dt.timedelta(days=1)
# A minute apart, so that a busy API does not update the row on every call.
LAST_USED_PRECISION = dt.timedelta(minutes=1)


@dataclass(frozen=True)
class IssuedToken:
    token: ApiToken
    raw: str  # shown once to whoever issued it; never stored


@transaction.atomic
def api_token_issue(*, organization: Organization, name: str, roles: list[str], by) -> IssuedToken:
    """A new token for `organization` with `roles` (an organisation's staff roles, checked by
    ApiToken.clean); the raw token is returned only here. Issued in the admin or by a manager in
    the back office (qamqor/api/token_views.py); both go to the audit log."""
    name = " ".join((name or "").split())
    if not name:
        raise ValidationError({"name": _("Name the token after the system that will use it, e.g. «District portal».")})
    beyond = _roles_beyond_issuer(organization, roles, by)
    if beyond:
        message = _("You may give a token only the roles you hold here yourself, not: %(roles)s.")
        raise ValidationError({"roles": message % {"roles": ", ".join(beyond)}})
    raw = TOKEN_PREFIX + secrets.token_urlsafe(32)
    token = ApiToken(
        organization=organization,
        name=name,
        roles=sorted(set(roles)),
        digest=token_digest(raw),
        prefix=raw[: len(TOKEN_PREFIX) + 4],
        created_by=by,
    )
    token.full_clean()
    token.save()
    return IssuedToken(token=token, raw=raw)


def api_token_roles_givable(*, by, held: set[str]) -> set[str] | None:
    """The roles `by`, who holds the roles `held` in the organisation, may give its token; None:
    any staff role. Nobody hands out more than they hold: the head and the director may give any
    staff role (they run the organisation's staff), another manager only their own; an
    administrator (the admin, the commands: `by` a superuser or nobody) any."""
    if by is None or by.is_superuser or held & {Role.HEAD, Role.DIRECTOR}:
        return None
    return set(held)


def _roles_beyond_issuer(organization: Organization, roles: list[str], by) -> list[str]:
    """The roles a token would get that its issuer could not give it, by name."""
    held = (
        set()
        if by is None
        else set(Membership.objects.filter(user=by, organization=organization, is_active=True).values_list("role", flat=True))
    )
    givable = api_token_roles_givable(by=by, held=held)
    if givable is None:
        return []
    labels = dict(Role.choices)
    return [str(labels.get(role, role)) for role in sorted(set(roles) - givable)]


@transaction.atomic
def api_token_revoke(*, token: ApiToken, by) -> ApiToken:
    """The token stops working at once; the row stays, to show who had it, and who revoked it
    when. Revoking a revoked token changes nothing."""
    token = ApiToken.objects.select_for_update().get(pk=token.pk)
    if token.revoked_at is None:
        token.revoked_at = timezone.now()
        token.revoked_by = by
        token.save(update_fields=["revoked_at", "revoked_by"])
    return token


def api_token_touch(*, token: ApiToken, now: dt.datetime | None = None) -> None:
    """Remember when the token was last used (to the minute: one write a minute at most)."""
    now = now or timezone.now()
    if token.last_used_at is None or now - token.last_used_at >= LAST_USED_PRECISION:
        ApiToken.objects.filter(pk=token.pk).update(last_used_at=now)
        token.last_used_at = now


def request_digest(body: dict) -> str:
    """The same JSON body gives the same digest whatever the order or spacing of its keys."""
    canonical = json.dumps(body, sort_keys=True, separators=(",", ":"), ensure_ascii=False, default=str)
    return hashlib.sha256(canonical.encode()).hexdigest()


class KeyReused(Exception):
    """The key was used before with another body: nothing is done."""


@dataclass(frozen=True)
class Answer:
    status_code: int
    body: dict
    replayed: bool  # the stored answer of an earlier call with this key


def idempotent_call(*, owner: str, key: str, body: dict, perform: Callable[[], tuple[int, dict]]) -> Answer:
    """Run `perform` once per (owner, key) and keep its answer; a later call with the same key
    and body gets that answer again, with another body KeyReused.

    Everything is one transaction: the key's row is written first, so a concurrent call with the
    same key waits on the unique constraint until this one ends. When `perform` fails (bad
    input, a time just taken) the exception undoes the key with everything else, and a retry
    runs afresh."""
    digest = request_digest(body)
    with transaction.atomic():
        IdempotencyKey.objects.filter(created_at__lt=timezone.now() - IDEMPOTENCY_KEYS_KEPT).delete()
        try:
            with transaction.atomic():
                record = IdempotencyKey.objects.create(owner=owner, key=key, request_hash=digest, status_code=0)
        except IntegrityError:
            record = IdempotencyKey.objects.get(owner=owner, key=key)
            if record.request_hash != digest:
                raise KeyReused from None
            return Answer(status_code=record.status_code, body=record.response_body, replayed=True)
        status_code, response_body = perform()
        record.status_code, record.response_body = status_code, response_body
        record.save(update_fields=["status_code", "response_body"])
    return Answer(status_code=status_code, body=response_body, replayed=False)
