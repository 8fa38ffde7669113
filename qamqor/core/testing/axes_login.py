"""`client.login(username=…, password=…)` in tests, with django-axes checking every login.

Axes' backend (first in AUTHENTICATION_BACKENDS) refuses an `authenticate()` without a request,
and Django's test client calls it without one. The test client's login gets a request from the
client's own address (127.0.0.1 unless the client sets REMOTE_ADDR), so it counts towards a
lockout like a login through the page would. `client.force_login` needs nothing of this.
"""

from __future__ import annotations

from django.http import HttpRequest
from django.test.client import ClientMixin


def _request_for(client: ClientMixin) -> HttpRequest:
    request = HttpRequest()
    request.method = "POST"
    request.META["REMOTE_ADDR"] = client.defaults.get("REMOTE_ADDR", "127.0.0.1")
    return request


def let_test_client_login_through_axes() -> None:
    if getattr(ClientMixin.login, "_qamqor_axes", False):
        return
    login, alogin = ClientMixin.login, ClientMixin.alogin

    def login_with_request(self, **credentials):
        credentials.setdefault("request", _request_for(self))
        return login(self, **credentials)

    async def alogin_with_request(self, **credentials):
        credentials.setdefault("request", _request_for(self))
        return await alogin(self, **credentials)

    login_with_request._qamqor_axes = True
    ClientMixin.login, ClientMixin.alogin = login_with_request, alogin_with_request
