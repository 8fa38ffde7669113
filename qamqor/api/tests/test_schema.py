"""The OpenAPI schema, the documentation page generated from it, and a schemathesis run that
asks the API what the schema allows and checks every answer against the schema."""

from __future__ import annotations

import json

import pytest
import schemathesis
import yaml
from django.core.signals import request_finished, request_started
from django.core.wsgi import get_wsgi_application
from django.db import close_old_connections
from django.urls import reverse
from hypothesis import HealthCheck, given, settings
from rest_framework.throttling import SimpleRateThrottle

from qamqor.api.tests.conftest import issue

pytestmark = pytest.mark.django_db


def test_the_schema_lists_every_endpoint(client):
    response = client.get(reverse("api:schema"))
    assert response.status_code == 200
    schema = yaml.safe_load(response.content)
    assert schema["openapi"].startswith("3.")
    paths = set(schema["paths"])
    for path in ("/api/v1/points/{id}/free-slots/", "/api/v1/bookings/", "/api/v1/requests/{id}/", "/api/v1/materials/"):
        assert path in paths
    assert schema["components"]["securitySchemes"]["token"] == {
        "type": "http",
        "scheme": "bearer",
        "description": "Authorization: Bearer qmq_…",
    }
    booking = schema["paths"]["/api/v1/bookings/"]["post"]
    assert {"201", "400", "409", "422", "429"} <= set(booking["responses"])
    assert any(p["name"] == "Idempotency-Key" and p["required"] for p in booking["parameters"])
    as_json = client.get(reverse("api:schema"), {"format": "json"})
    assert json.loads(as_json.content)["paths"].keys() == schema["paths"].keys()


def test_the_schema_speaks_the_readers_language(client):
    ru = yaml.safe_load(client.get(reverse("api:schema"), HTTP_ACCEPT_LANGUAGE="ru").content)
    en = yaml.safe_load(client.get(reverse("api:schema"), HTTP_ACCEPT_LANGUAGE="en").content)
    path = "/api/v1/points/{id}/free-slots/"
    assert en["paths"][path]["get"]["summary"] == "Free times of a point"
    assert ru["paths"][path]["get"]["summary"] != en["paths"][path]["get"]["summary"]


def test_the_documentation_page_needs_no_other_host(client):
    response = client.get(reverse("api:docs"))
    assert response.status_code == 200
    html = response.content.decode()
    assert "/api/v1/bookings/" in html and "Idempotency-Key" in html
    # Nothing loaded from elsewhere (no CDN): every script and stylesheet is our own.
    for marker in ('src="http', "src='http", 'href="http', "//cdn", "unpkg", "jsdelivr"):
        assert marker not in html, marker
    policy = response["Content-Security-Policy"]
    assert "script-src 'self'" in policy and "style-src 'self'" in policy


def test_the_documentation_page_reads_in_the_readers_language_and_fits_a_phone(client):
    html = client.get(reverse("api:docs"), HTTP_ACCEPT_LANGUAGE="ru").content.decode()
    # Every table scrolls on its own on a narrow screen instead of widening the page.
    assert html.count("<table") == html.count('<div class="table-responsive"><table')
    # Where a parameter goes, in words; choice fields by their values, not drf-spectacular's
    # type names, and their values listed as text, not Markdown.
    assert "<td>в строке запроса</td>" in html and "<td>в адресе</td>" in html and "<td>в заголовке</td>" in html
    assert "Enum" not in html and "* `" not in html
    assert "kk — Қазақша; ru — Русский." in html
    assert "Номер страницы, с 1 (по умолчанию: 1)." in html  # the pages' parameters are described
    assert "<code>201</code> Записано:" in html and "<code>200</code> Успешно." in html
    # Who issues a token, as it is now: the organisation's managers, on their page.
    assert f'href="{reverse("api_tokens:list")}"' in html
    assert "администратор" not in html


@pytest.fixture
def wsgi_keeps_the_test_transaction():
    """Django's WSGI handler closes the database connection after each request when it is inside
    a transaction; the test client turns that off, so must a run straight against the WSGI app,
    or the first call would end the test's transaction (on PostgreSQL)."""
    request_started.disconnect(close_old_connections)
    request_finished.disconnect(close_old_connections)
    yield
    request_started.connect(close_old_connections)
    request_finished.connect(close_old_connections)


@pytest.fixture
def unthrottled():
    """The run makes hundreds of calls from one address within a minute."""
    old = SimpleRateThrottle.THROTTLE_RATES
    SimpleRateThrottle.THROTTLE_RATES = {"anonymous": "100000/min", "token": "100000/min"}
    yield
    SimpleRateThrottle.THROTTLE_RATES = old


# A few endpoints, the booking among them; a bounded number of examples each, no deadline
# (timing never decides a test), no example database (nothing written outside the run).
OPERATIONS = [
    ("/api/v1/points/", "GET"),
    ("/api/v1/points/{id}/free-slots/", "GET"),
    ("/api/v1/bookings/", "POST"),
    ("/api/v1/materials/", "GET"),
    ("/api/v1/requests/", "GET"),
    ("/api/v1/requests/{id}/", "GET"),
]
EXAMPLES = 30


def test_schemathesis_finds_no_server_error_and_no_answer_outside_the_schema(
    point, psychologist, kindergarten, unthrottled, wsgi_keeps_the_test_transaction
):
    _token, raw = issue(kindergarten, "methodist")
    schema = schemathesis.openapi.from_wsgi("/api/v1/schema/?format=json", get_wsgi_application())
    checks = [
        schemathesis.checks.not_a_server_error,
        schemathesis.checks.response_schema_conformance,
        schemathesis.checks.status_code_conformance,
        schemathesis.checks.content_type_conformance,
    ]
    for path, method in OPERATIONS:
        # The journal with the manager's token (its answers without one are tested elsewhere).
        headers = {"Authorization": f"Bearer {raw}"} if path.startswith("/api/v1/requests/") else {}
        fuzz(schema[path][method], headers=headers, checks=checks)


def fuzz(operation, *, headers: dict, checks: list) -> None:
    @settings(max_examples=EXAMPLES, deadline=None, database=None, derandomize=True, suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def run(case):
        response = case.call(headers=headers)
        case.validate_response(response, checks=checks, headers=headers)

    run()
