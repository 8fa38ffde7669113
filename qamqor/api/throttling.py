"""Throttles: per token for calls with one, per client address for the others.

Counts live in Django's cache; with the default per-process memory cache each web process
counts on its own (docs/kk/api.md says so), which still stops a runaway client."""

from __future__ import annotations

from rest_framework.throttling import SimpleRateThrottle


class AnonymousThrottle(SimpleRateThrottle):
    scope = "anonymous"

    def get_cache_key(self, request, view):
        if request.auth is not None:
            return None  # the token's own throttle counts it
        return self.cache_format % {"scope": self.scope, "ident": self.get_ident(request)}


class TokenThrottle(SimpleRateThrottle):
    scope = "token"

    def get_cache_key(self, request, view):
        if request.auth is None:
            return None
        return self.cache_format % {"scope": self.scope, "ident": request.auth.pk}
