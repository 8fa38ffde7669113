"""GET /api/v1/requests/: the organisation's journal, for a token whose roles read it."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from qamqor.api.models import ApiToken, token_digest
from qamqor.api.services import api_token_revoke
from qamqor.api.tests.conftest import bearer, book, issue
from qamqor.core.testing import factories as f
from qamqor.journal.models import Request
from qamqor.journal.services import request_intake

pytestmark = pytest.mark.django_db


def intake(organization, n: int = 0) -> Request:
    parent = f.ParentFactory(organization=organization)
    return request_intake(
        organization=organization,
        channel="phone",
        parent=parent,
        child=f.ChildFactory(parent=parent),
        topic=f.topic("speech"),
        question=f"Сұрақ {n}",
        received_by=None,
    )


def test_the_journal_needs_a_token(api, kindergarten):
    intake(kindergarten)
    response = api.get(reverse("api:requests"))
    assert response.status_code == 401
    assert response["WWW-Authenticate"] == "Bearer"
    assert response.json()["error"]["code"] == "not_authenticated"


@pytest.mark.parametrize("header", ["Bearer nonsense", "Bearer", "Bearer a b"])
def test_a_token_that_is_not_valid_is_401(api, kindergarten, header):
    response = api.get(reverse("api:requests"), HTTP_AUTHORIZATION=header)
    assert response.status_code == 401
    assert response.json()["error"]["code"] == "invalid_token"


def test_a_revoked_token_no_longer_works(api, kindergarten):
    token, raw = issue(kindergarten, "methodist")
    assert api.get(reverse("api:requests"), **bearer(raw)).status_code == 200
    api_token_revoke(token=token, by=None)
    assert api.get(reverse("api:requests"), **bearer(raw)).status_code == 401


def test_only_the_digest_is_kept(kindergarten):
    token, raw = issue(kindergarten, "methodist")
    stored = ApiToken.objects.get()
    assert stored.digest == token_digest(raw) and raw not in {stored.digest, stored.prefix, stored.name}
    assert raw.startswith(stored.prefix)


def test_a_token_without_a_managers_role_may_not_read_the_journal(api, kindergarten):
    _token, raw = issue(kindergarten, "psychologist")
    response = api.get(reverse("api:requests"), **bearer(raw))
    assert response.status_code == 403
    assert response.json()["error"]["code"] == "forbidden"


def test_a_managers_token_reads_its_organisations_requests_only(api, kindergarten, other_kindergarten):
    own = intake(kindergarten)
    theirs = intake(other_kindergarten)
    _token, raw = issue(kindergarten, "methodist")
    body = api.get(reverse("api:requests"), **bearer(raw)).json()
    assert [r["id"] for r in body["results"]] == [own.pk]
    assert body["results"][0]["number"] == own.display_number
    assert body["results"][0]["parent_full_name"] == own.parent.full_name
    # Another organisation's request answers as one that does not exist.
    for pk in (theirs.pk, 2_000_000_000):
        response = api.get(reverse("api:request", args=[pk]), **bearer(raw))
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"
    assert api.get(reverse("api:request", args=[own.pk]), **bearer(raw)).json()["id"] == own.pk


def test_token_answers_are_never_cached_and_the_use_is_remembered(api, kindergarten):
    token, raw = issue(kindergarten, "head")
    response = api.get(reverse("api:requests"), **bearer(raw))
    assert "no-store" in response["Cache-Control"]
    token.refresh_from_db()
    assert token.last_used_at is not None and token.last_used_at <= timezone.now()


def test_filters_and_bad_filters(api, kindergarten):
    intake(kindergarten)
    _token, raw = issue(kindergarten, "methodist")
    url = reverse("api:requests")
    assert api.get(url, {"status": "new"}, **bearer(raw)).json()["count"] == 1
    assert api.get(url, {"status": "done"}, **bearer(raw)).json()["count"] == 0
    for query, field in [
        ({"status": "lost"}, "status"),
        ({"received_from": "31.12.2025"}, "received_from"),
        ({"received_from": "2026-02-01", "received_to": "2026-01-01"}, "received_to"),
        ({"colour": "red"}, "colour"),
    ]:
        response = api.get(url, query, **bearer(raw))
        assert response.status_code == 400, query
        assert field in response.json()["error"]["fields"], query


def _queries(api, raw) -> int:
    with CaptureQueriesContext(connection) as queries:
        assert api.get(reverse("api:requests"), **bearer(raw)).status_code == 200
    return len(queries)


def test_the_list_costs_the_same_queries_for_1_or_6_requests(api, kindergarten, psychologist, booking):
    _token, raw = issue(kindergarten, "methodist")
    intake(kindergarten)
    _queries(api, raw)  # the token's first use is written down (once a minute at most)
    # 1 the token, 2-3 its throttle (count, record), 4 count, 5 the page with topic, parent and
    # child, 6 specialists, 7 booked times
    assert _queries(api, raw) == 7
    for n in range(4):
        intake(kindergarten, n)
    book(api, booking)  # one with a specialist and a booked time
    assert _queries(api, raw) == 7
