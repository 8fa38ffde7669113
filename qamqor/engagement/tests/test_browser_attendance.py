"""In a phone-sized Chromium (qamqor/core/testing/browser.py): staff mark who came with one tap
(htmx swaps the row, no inline script: a CSP violation fails the test), and a parent signs up
on the public site and sees their place on the waiting list."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse
from django.utils import translation
from django.utils.translation import gettext

from qamqor.core.testing.browser import assert_labelled_fields, save_screenshot
from qamqor.engagement import services
from qamqor.engagement.models import Registration
from qamqor.engagement.tests.factories import event

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keep the migrations' regions and topics


def logged_in(page, user, live_server) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def test_a_tap_marks_who_came_without_reloading_the_page(page, live_server, psychologist, kindergarten):
    e = event(kindergarten, capacity=5)
    r = services.registration_create(event=e, full_name="Сейтқали Динара", phone="+77011234567", by=psychologist.user)
    logged_in(page, psychologist.user, live_server)
    page.goto(reverse("engagement:attendance", args=[e.pk]))
    page.evaluate("window.notReloaded = true")
    button = page.locator(f"#attendance-{r.pk} button")
    assert button.get_attribute("aria-pressed") == "false"
    box = button.bounding_box()
    assert box["height"] >= 44 and box["width"] >= 300  # a big target on a 390 px screen
    button.click()
    page.locator(f'#attendance-{r.pk} button[aria-pressed="true"]').wait_for()
    assert page.evaluate("window.notReloaded") is True  # swapped by htmx, not a new page
    r.refresh_from_db()
    assert r.attended
    assert_labelled_fields(page)
    save_screenshot(page, "engagement-attendance-kk")


@pytest.mark.parametrize("browser_locale", ["ru-RU"])
def test_a_parent_joins_the_waiting_list_on_the_site(page, kindergarten, browser_locale):
    e = event(kindergarten, capacity=1, title_ru="Семейный квест", kind="quest")
    services.registration_create(event=e, full_name="Первая семья", phone="+77015550001", client_address="10.0.0.1")
    with translation.override("ru"):
        consent = gettext("I agree that the organisation uses my name and phone number for this event.")
        sign_up = gettext("Sign up")
    page.goto(reverse("engagement:public_event", args=[e.pk]))
    assert page.locator("html").get_attribute("lang") == "ru"
    page.locator("#id_full_name").fill("Сейтқали Динара")
    page.locator("#id_phone").fill("8 701 123 45 67")
    page.get_by_label(consent).check()
    assert_labelled_fields(page)
    page.get_by_role("button", name=sign_up, exact=True).click()
    page.wait_for_url("**/my/events/**")
    assert "1" in page.get_by_role("status").inner_text()
    assert Registration.objects.get(phone="+77011234567").status == "waiting"
    save_screenshot(page, "engagement-waiting-ru")
