"""Every public page on a phone, in Kazakh and in Russian: light, self-hosted, labelled, outlined,
and with no English left.

For each page: what a first visit downloads (HTML, CSS and JS as sent, compressed where the
server compresses; images aside) stays within 150 KB; nothing comes from another host; every
form field has a label a screen reader reads; the headings form an outline (one h1, no level
skipped); no English word is left in the page as the browser holds it (the check of
test_no_english.py, on the live DOM). A screenshot of each is saved.
"""

from __future__ import annotations

import datetime as dt
import time
from unittest import mock
from urllib.parse import urlencode, urlsplit

import pytest
from django.core import signing

from qamqor.core.testing import factories as f
from qamqor.core.testing.browser import assert_heading_order, assert_labelled_fields, page_weight, save_screenshot
from qamqor.portal.links import manage_token
from qamqor.portal.services import portal_apply
from qamqor.portal.tests.browsing import language_of
from qamqor.portal.tests.test_no_english import english_words
from qamqor.scheduling.models import ClosedDay

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keep the migrations' regions and topics

BUDGET = 150 * 1024  # bytes transferred for one page: HTML + CSS + JS, images aside

# page → (its address from the site's data, the status it answers)
PAGES = {
    "finder": (lambda site: "/", 200),
    "point": (lambda site: f"/points/{site['point']}/", 200),
    "apply-1-topic": (lambda site: f"/points/{site['point']}/apply/", 200),
    "apply-2-time-and-you": (
        lambda site: f"/points/{site['point']}/apply/?" + urlencode({"topic": "school_readiness"}),
        200,
    ),
    "confirmation": (lambda site: f"/my/{site['token']}/done/", 200),
    "manage": (lambda site: f"/my/{site['token']}/", 200),
    "cancel": (lambda site: f"/my/{site['token']}/cancel/", 200),
    "my-data": (lambda site: f"/my/{site['token']}/data/", 200),
    "withdraw": (lambda site: f"/my/{site['token']}/withdraw/", 200),
    "materials": (lambda site: "/materials/", 200),
    "point-materials": (lambda site: f"/points/{site['point']}/materials/", 200),
    "questions": (lambda site: f"/points/{site['point']}/questions/", 200),
    "ask": (lambda site: f"/points/{site['point']}/ask/", 200),
    "link-invalid": (lambda site: f"/my/{site['token'][:-4]}AAAA/", 404),
    "link-expired": (lambda site: f"/my/{site['old_token']}/", 410),
}


@pytest.fixture
def site(point, methodist, psychologist, speech_therapist, day, browser_locale):
    """An open point whose page has all its parts (topics, people, schedule, a closed day), and a
    booking made in the page's language (a manage link speaks the parent's language)."""
    f.weekly_hours(f.staff(point.organization, "educator"), start="14:00", end="18:00")
    ClosedDay.objects.create(organization=point.organization, date=day + dt.timedelta(days=21))
    f.ConsultationPointFactory()  # another point in the finder's list
    request = portal_apply(
        point=point,
        topic=f.topic("school_readiness"),
        parent_full_name="Әбенова Мадина Серікқызы",
        phone="+77015551234",
        email="madina@example.com",
        language=language_of(browser_locale),
        child_full_name="Әбенов Нұрсұлтан",
        child_birth_date=dt.date(2022, 5, 17),
        child_sex="m",
        question="Бала түнде жиі оянады",
        consent_given=True,
        client_address="10.0.0.1",
        specialist=psychologist,
        starts_at=f.at(day, "10:00"),
    ).request
    issued_long_ago = signing.b62_encode(int(time.time() - 40 * 24 * 3600))
    with mock.patch.object(signing.TimestampSigner, "timestamp", return_value=issued_long_ago):
        old_token = manage_token(request)
    return {"point": point.pk, "token": manage_token(request), "old_token": old_token}


@pytest.mark.parametrize("browser_locale", ["kk-KZ", "ru-RU"])
@pytest.mark.parametrize("name", list(PAGES))
def test_a_public_page_on_a_phone(page, live_server, site, name, browser_locale):
    language = language_of(browser_locale)
    address, status = PAGES[name]
    url = address(site)

    weight = page_weight(page, url, status=status)
    print(f"\nWEIGHT {name} {language} {weight.transferred} {weight.by_type()}")  # the report's table, with -s
    assert weight.transferred <= BUDGET, f"{name} ({language}) is over {BUDGET // 1024} KB:\n{weight}"
    assert weight.hosts == {urlsplit(live_server.url).netloc}, f"{name} ({language}) loaded from another host:\n{weight}"
    assert not weight.failed, f"requests failed on {name} ({language}):\n{weight}"
    static = [t for t in weight.counted if t.resource_type in {"stylesheet", "script"}]
    assert all(t.encoding in {"br", "gzip"} for t in static), f"static files sent uncompressed:\n{weight}"

    assert page.locator("html").get_attribute("lang") == language
    # The referrer policy in force (the last meta wins) keeps a private link's address on this site
    # and still lets forms send their Origin: "no-referrer" makes it "null" and fails every POST's CSRF check.
    policy = page.locator('meta[name="referrer"]').evaluate_all("metas => metas.map(m => m.content).pop()")
    assert policy == "same-origin", f"referrer policy {policy!r} on {name}"
    assert_labelled_fields(page)
    assert_heading_order(page)
    left = english_words(page.content())
    assert not left, f"English left on {name} ({language}): {', '.join(sorted(left))}"
    save_screenshot(page, f"page-{name}-{language}")
