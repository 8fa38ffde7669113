"""The public reads: what the public site shows, without a token, paginated, throttled."""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from qamqor.core.testing import factories as f
from qamqor.engagement.models import Event
from qamqor.engagement.services import event_cancel
from qamqor.engagement.tests.factories import event
from qamqor.portal.models import ApplicationAttempt
from qamqor.portal.tests.materials import material

pytestmark = pytest.mark.django_db


def count_queries(api, url: str, params: dict | None = None) -> int:
    """The endpoint's own queries: the throttle's two (its count and its record) are left out."""
    with CaptureQueriesContext(connection) as queries:
        response = api.get(url, params or {})
    assert response.status_code == 200, response.json()
    throttle = [q for q in queries if ApplicationAttempt._meta.db_table in q["sql"]]
    assert len(throttle) == 2, throttle
    return len(queries) - len(throttle)


def test_points_are_the_open_ones_paginated(api, point, other_kindergarten):
    closed = other_kindergarten.consultation_point
    closed.is_open = False
    closed.save()
    body = api.get(reverse("api:points")).json()
    assert body["count"] == 1 and body["next"] is None and body["previous"] is None
    item = body["results"][0]
    assert item["id"] == point.pk
    assert item["organization"] == {"id": point.organization_id, "name": "№8 «Думан» балабақшасы"}
    assert item["url"] == reverse("portal:point", args=[point.pk])
    assert api.get(reverse("api:point", args=[closed.pk])).status_code == 404


def test_names_come_in_the_callers_language(api, point):
    body = api.get(reverse("api:points"), HTTP_ACCEPT_LANGUAGE="ru").json()
    assert body["results"][0]["organization"]["name"] == "Детский сад №8 «Думан»"


def test_points_in_constant_queries(api, point):
    # 1 count, 2 the page with organisation, district and region
    assert count_queries(api, reverse("api:points")) == 2
    for _ in range(5):
        f.ConsultationPointFactory()
    assert count_queries(api, reverse("api:points")) == 2


def test_organisations_in_constant_queries(api, point):
    # 1 count, 2 the page with district, region and point
    assert count_queries(api, reverse("api:organizations")) == 2
    for _ in range(5):
        f.ConsultationPointFactory()
    assert count_queries(api, reverse("api:organizations")) == 2
    body = api.get(reverse("api:organization", args=[point.organization_id])).json()
    assert body["consultation_point"] == point.pk


@pytest.mark.parametrize("query", [{"page": 0}, {"page": -1}, {"page_size": 0}, {"page": "два"}])
def test_a_page_below_one_is_400_not_404(api, point, query):
    response = api.get(reverse("api:points"), query, HTTP_ACCEPT_LANGUAGE="ru")
    assert response.status_code == 400
    assert response.json()["error"]["code"] == "invalid"
    assert set(response.json()["error"]["fields"]) == set(query)


def test_pages(api, point):
    for _ in range(3):
        f.ConsultationPointFactory()
    body = api.get(reverse("api:points"), {"page_size": 2}).json()
    assert body["count"] == 4 and len(body["results"]) == 2 and body["next"]
    assert api.get(reverse("api:points"), {"page_size": 2, "page": 2}).json()["previous"]
    response = api.get(reverse("api:points"), {"page": 9})
    assert response.status_code == 404 and response.json()["error"]["code"] == "not_found"


def test_unknown_or_wrong_query_parameters_are_refused(api, point):
    response = api.get(reverse("api:points"), {"regoin": "1"})
    assert response.status_code == 400
    assert response.json()["error"]["fields"] == {"regoin": [response.json()["error"]["fields"]["regoin"][0]]}
    assert "region" in api.get(reverse("api:points"), {"region": "Астана"}).json()["error"]["fields"]


def test_specialists_and_topics_of_a_point(api, point, psychologist, speech_therapist):
    body = api.get(reverse("api:specialists", args=[point.pk])).json()
    assert [s["id"] for s in body["results"]] == [speech_therapist.pk, psychologist.pk]  # by name
    assert body["results"][1]["role"] == "psychologist"
    topics = api.get(reverse("api:topics"), {"point": point.pk}).json()
    assert "behaviour" in {t["code"] for t in topics}
    assert api.get(reverse("api:topics"), {"point": 2_000_000_000}).status_code == 404


def test_specialists_in_constant_queries(api, point, psychologist):
    url = reverse("api:specialists", args=[point.pk])
    # 1 the point, 2 count, 3 the page with names
    assert count_queries(api, url) == 3
    for _ in range(4):
        f.staff(point.organization, "speech_therapist")
    assert count_queries(api, url) == 3


def test_events_are_the_upcoming_planned_ones(api, kindergarten):
    coming = event(kindergarten, capacity=10)
    cancelled = event(kindergarten)
    event_cancel(event=cancelled)
    body = api.get(reverse("api:events")).json()
    assert [e["id"] for e in body["results"]] == [coming.pk]
    assert body["results"][0]["free_places"] == 10
    assert body["results"][0]["title"] == "Ата-аналар жиналысы"
    assert api.get(reverse("api:event", args=[cancelled.pk])).status_code == 404
    assert Event.objects.count() == 2


def test_events_in_constant_queries(api, kindergarten):
    event(kindergarten)
    # 1 count, 2 the page with places taken
    assert count_queries(api, reverse("api:events")) == 2
    for days in range(2, 6):
        event(kindergarten, days=days, capacity=5)
    assert count_queries(api, reverse("api:events")) == 2


def test_materials_are_the_published_ones(api, kindergarten, methodist, settings, tmp_path):
    settings.MEDIA_ROOT = tmp_path
    published = material(kindergarten, by=methodist.user)
    draft = material(kindergarten, by=methodist.user, published=False)
    body = api.get(reverse("api:materials")).json()
    assert [m["id"] for m in body["results"]] == [published.pk]
    assert body["results"][0]["topics"] == ["speech"]
    assert api.get(reverse("api:material", args=[draft.pk])).status_code == 404
    assert api.get(reverse("api:material", args=[published.pk])).json()["id"] == published.pk
    assert api.get(reverse("api:materials"), {"topic": "nothing"}).json()["count"] == 0
    assert api.get(reverse("api:materials"), {"age": 40}).status_code == 400


def test_materials_in_constant_queries(api, kindergarten, methodist):
    material(kindergarten, by=methodist.user)
    # 1 count, 2 the page with organisation and point, 3 the topics
    assert count_queries(api, reverse("api:materials")) == 3
    for _ in range(4):
        material(kindergarten, by=methodist.user)
    assert count_queries(api, reverse("api:materials")) == 3


def test_public_reads_need_no_token_and_stay_cacheable(api, point):
    response = api.get(reverse("api:points"))
    assert response.status_code == 200
    assert "no-store" not in response.get("Cache-Control", "")


def test_callers_without_a_token_are_throttled(api, point, settings):
    from rest_framework.settings import api_settings
    from rest_framework.throttling import SimpleRateThrottle

    rates = {**api_settings.DEFAULT_THROTTLE_RATES, "anonymous": "3/min"}
    SimpleRateThrottle.THROTTLE_RATES, old = rates, SimpleRateThrottle.THROTTLE_RATES
    try:
        answers = [api.get(reverse("api:points")).status_code for _ in range(4)]
        refused = api.get(reverse("api:points"))
    finally:
        SimpleRateThrottle.THROTTLE_RATES = old
    assert answers == [200, 200, 200, 429]
    assert refused.json()["error"]["code"] == "throttled" and int(refused["Retry-After"]) > 0


def test_an_address_the_api_does_not_have_answers_in_its_format(api):
    for method in ("get", "post", "delete"):
        response = getattr(api, method)("/api/v1/points/-5/")
        assert response.status_code == 404
        assert response.json()["error"]["code"] == "not_found"


def test_an_id_too_big_for_any_row_is_not_a_server_error(api, point):
    """Found by the schemathesis run: SQLite refuses to compare such a number at all."""
    huge = 2**64
    assert api.get(reverse("api:point", args=[huge])).status_code == 404
    assert api.get(reverse("api:free_slots", args=[huge])).status_code == 404
    response = api.get(reverse("api:points"), {"region": huge})
    assert response.status_code == 400 and "region" in response.json()["error"]["fields"]
