"""The client's own address behind a reverse proxy (nginx; docs/deploy.md).

Sign-in lockouts (django-axes), the public site's per-address limits and the audit log all read
REMOTE_ADDR. Behind nginx that is nginx's own address (or empty on a unix socket), so every
visitor would share one lockout and one limit. When QAMQOR_CLIENT_ADDRESS_HEADER names the
header the proxy always overwrites with the address it saw (X-Real-IP in deploy/nginx), this
middleware puts that address into REMOTE_ADDR before anything reads it.

Only set it when the application is reachable through the proxy alone (gunicorn on 127.0.0.1
or a unix socket): a client talking to the application directly could name any address.
"""

from __future__ import annotations

import ipaddress

from django.conf import settings
from django.core.exceptions import MiddlewareNotUsed


def meta_key(header: str) -> str:
    return "HTTP_" + header.strip().upper().replace("-", "_")


class ClientAddressFromProxyMiddleware:
    def __init__(self, get_response):
        header = getattr(settings, "QAMQOR_CLIENT_ADDRESS_HEADER", "")
        if not header:
            raise MiddlewareNotUsed  # no proxy named: REMOTE_ADDR is the client already
        self.key = meta_key(header)
        self.get_response = get_response

    def __call__(self, request):
        value = request.META.get(self.key, "").strip()
        try:
            # One address only: a list ("a, b") means something else appended to the header.
            request.META["REMOTE_ADDR"] = str(ipaddress.ip_address(value))
        except ValueError:
            pass  # absent or not an address: keep what the connection said
        return self.get_response(request)
