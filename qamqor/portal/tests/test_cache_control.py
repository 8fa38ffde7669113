"""Cache-Control: no-store on every page with personal data, over the whole URL list
(qamqor/core/middleware.py, `has_personal_data`)."""

from __future__ import annotations

import re

import pytest
from django.urls import URLPattern, URLResolver, get_resolver, reverse

from qamqor.core.testing import factories as f
from qamqor.portal.links import feedback_token, manage_token
from qamqor.portal.services import portal_apply
from qamqor.portal.tests.materials import material

# Pages that are the same for every visitor: a shared cache may keep them.
PUBLIC = {
    "home",
    "portal:finder",
    "portal:point",
    "portal:materials",
    "portal:material",
    "portal:point_materials",
    "portal:questions",
    "portal:ask",
    "portal:asked",
}
SKIPPED_NAMESPACES = {"admin"}  # Django's admin marks all its own views never_cache
# The REST API ignores a staff login (token only): a signed-in person reads its public data
# there like anyone; its calls with a token are no-store (qamqor/api/tests/test_requests.py).
SIGNED_IN_SKIPPED_NAMESPACES = {"api"}


def _routes(patterns=None, prefix="", namespace=None):
    """(full route, url name with namespace) of every pattern of the project."""
    for entry in get_resolver().url_patterns if patterns is None else patterns:
        if isinstance(entry, URLResolver):
            if entry.namespace in SKIPPED_NAMESPACES:
                continue
            ns = entry.namespace or namespace
            yield from _routes(entry.url_patterns, prefix + str(entry.pattern), ns)
        elif isinstance(entry, URLPattern):
            name = f"{namespace}:{entry.name}" if namespace and entry.name else entry.name
            yield prefix + str(entry.pattern), name


def _url(route: str, values: dict[str, str]) -> str:
    return "/" + re.sub(r"<(?:\w+:)?(\w+)>", lambda m: values[m.group(1)], route).lstrip("^").rstrip("$")


@pytest.fixture
def booked(kindergarten, psychologist):
    from qamqor.portal.tests.conftest import working_day

    application = portal_apply(
        point=kindergarten.consultation_point,
        topic=f.topic("behaviour"),
        parent_full_name="Әбенова Мадина Серікқызы",
        phone="8 701 555 12 34",
        email="madina@example.com",
        language="kk",
        question="Бала түнде жиі оянады",
        consent_given=True,
        client_address="10.0.0.1",
        specialist=psychologist,
        starts_at=f.at(working_day(), "10:00"),
    )
    return application.request


def test_every_page_a_signed_in_person_gets_is_no_store(client, methodist, booked):
    client.force_login(methodist.user)
    routes = [(route, name) for route, name in _routes() if name.split(":")[0] not in SIGNED_IN_SKIPPED_NAMESPACES]
    assert len(routes) > 40
    seen = 0
    for route, name in routes:
        token = manage_token(booked)
        values = {"pk": str(booked.pk), "session_pk": str(booked.pk), "token": token, "path": "x", "language": "kk", "code": "x"}
        url = _url(route, values)
        response = client.get(url)
        assert "no-store" in response.get("Cache-Control", ""), (name, url, response.status_code)
        seen += response.status_code == 200
    assert seen > 10  # the walk reached real pages, not only refusals


def test_private_link_pages_are_no_store_for_anyone(client, booked):
    private = [(route, name) for route, name in _routes() if route.startswith(("my/", "feedback/"))]
    assert len(private) >= 8
    for route, name in private:
        token = feedback_token(booked) if route.startswith("feedback/") else manage_token(booked)
        response = client.get(_url(route, {"token": token}))
        # (the feedback link answers 404 until the consultation is recorded: no-store all the same)
        assert response.status_code in {200, 302, 404, 405}, (name, response.status_code)
        assert "no-store" in response["Cache-Control"], name
    assert client.get(reverse("portal:manage", args=[manage_token(booked)])).status_code == 200
    # A wrong token's 404 too: the address was still someone's private link.
    assert "no-store" in client.get(reverse("portal:manage", args=["forged"]))["Cache-Control"]


def test_public_pages_stay_cacheable(client, kindergarten, methodist):
    point = kindergarten.consultation_point
    published = material(kindergarten, by=methodist.user)
    names = {name for _, name in _routes()}
    assert PUBLIC <= names
    for name in sorted(PUBLIC):
        route = dict((n, r) for r, n in _routes())[name]
        args = [published.pk] if name == "portal:material" else [point.pk] if "<" in route else []
        response = client.get(reverse(name, args=args))
        assert response.status_code == 200, name
        assert "no-store" not in response.get("Cache-Control", ""), name


def test_the_rule_covers_every_private_route():
    """A new page under the public site's private links must start with one of these routes."""
    from qamqor.core.middleware import PRIVATE_ROUTE_PREFIXES

    for route, name in _routes():
        if "<str:token>" in route:
            assert route.startswith(PRIVATE_ROUTE_PREFIXES), name
