"""The client's address behind nginx (qamqor/core/proxy.py)."""

from __future__ import annotations

import pytest
from django.core.exceptions import MiddlewareNotUsed
from django.http import HttpResponse
from django.test import RequestFactory

from qamqor.core.proxy import ClientAddressFromProxyMiddleware


def seen_address(**meta) -> str:
    middleware = ClientAddressFromProxyMiddleware(lambda request: HttpResponse(request.META["REMOTE_ADDR"]))
    return middleware(RequestFactory().get("/", **meta)).content.decode()


def test_without_a_proxy_header_the_middleware_steps_aside(settings) -> None:
    settings.QAMQOR_CLIENT_ADDRESS_HEADER = ""
    with pytest.raises(MiddlewareNotUsed):
        ClientAddressFromProxyMiddleware(lambda request: HttpResponse())


def test_the_address_nginx_saw_becomes_remote_addr(settings) -> None:
    settings.QAMQOR_CLIENT_ADDRESS_HEADER = "X-Real-IP"
    assert seen_address(REMOTE_ADDR="", HTTP_X_REAL_IP="203.0.113.7") == "203.0.113.7"
    assert seen_address(REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP="2001:db8::1") == "2001:db8::1"


@pytest.mark.parametrize("value", ["", "not an address", "203.0.113.7, 198.51.100.1"])
def test_a_missing_or_strange_header_leaves_the_connections_address(settings, value) -> None:
    settings.QAMQOR_CLIENT_ADDRESS_HEADER = "X-Real-IP"
    assert seen_address(REMOTE_ADDR="127.0.0.1", HTTP_X_REAL_IP=value) == "127.0.0.1"


def test_other_headers_are_never_trusted(settings) -> None:
    settings.QAMQOR_CLIENT_ADDRESS_HEADER = "X-Real-IP"
    assert seen_address(REMOTE_ADDR="127.0.0.1", HTTP_X_FORWARDED_FOR="203.0.113.9") == "127.0.0.1"


@pytest.mark.django_db
def test_lockout_counts_the_address_nginx_saw(client, settings) -> None:
    """django-axes records the failed login under the client's address, not nginx's."""
    from axes.models import AccessAttempt
    from django.urls import reverse

    settings.QAMQOR_CLIENT_ADDRESS_HEADER = "X-Real-IP"
    # Middleware are built when the first request comes; the test client builds them anew.
    form = {"username": "nobody", "password": "wrong-password-1"}
    client.post(reverse("login"), form, REMOTE_ADDR="", HTTP_X_REAL_IP="203.0.113.7")
    assert list(AccessAttempt.objects.values_list("ip_address", flat=True)) == ["203.0.113.7"]
