"""Throttles: per token for calls with one, per client address for the others.

Counted in the database, like the public site's limits (portal.services.attempt_admit on
portal.ApplicationAttempt, keyed hashes only): Django's cache is per process here, so each of N
web processes would otherwise allow the whole rate. The rates are DRF's
(REST_FRAMEWORK["DEFAULT_THROTTLE_RATES"], "120/min"), and so are the 429 and its Retry-After;
the body is the project's error (errors.py). A call costs two queries (one when refused)."""

from __future__ import annotations

import datetime as dt

from django.utils import timezone
from rest_framework.throttling import SimpleRateThrottle

from qamqor.portal.models import ApplicationAttempt
from qamqor.portal.services import attempt_admit, attempt_hash


class DatabaseRateThrottle(SimpleRateThrottle):
    """SimpleRateThrottle's rate and scope, counted in the database instead of its cache."""

    kind: str
    refused_for: dt.timedelta | None = None

    def counted_as(self, request) -> str | None:
        """Whose calls this one counts among; None when another throttle counts it."""
        raise NotImplementedError

    def allow_request(self, request, view) -> bool:
        caller = self.counted_as(request)
        if self.rate is None or caller is None:
            return True
        self.refused_for = attempt_admit(
            kind=self.kind,
            key_hash=attempt_hash(f"api-{self.scope}", caller),
            limit=self.num_requests,
            window=dt.timedelta(seconds=self.duration),
            now=timezone.now(),
        )
        return self.refused_for is None

    def wait(self) -> float | None:
        return self.refused_for.total_seconds() if self.refused_for is not None else None


class AnonymousThrottle(DatabaseRateThrottle):
    scope = "anonymous"
    kind = ApplicationAttempt.Kind.ADDRESS

    def counted_as(self, request) -> str | None:
        if request.auth is not None:
            return None  # the token's own throttle counts it
        return self.get_ident(request)


class TokenThrottle(DatabaseRateThrottle):
    scope = "token"
    kind = ApplicationAttempt.Kind.TOKEN

    def counted_as(self, request) -> str | None:
        if request.auth is None:
            return None
        return str(request.auth.pk)
