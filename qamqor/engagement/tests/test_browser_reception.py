"""In a phone-sized Chromium (qamqor/core/testing/browser.py): a parent books the Director's hour
on the public reception page, lands on the private link of the visit, and the time is taken."""

from __future__ import annotations

import pytest
from django.urls import reverse
from django.utils import timezone, translation
from django.utils.translation import gettext

from qamqor.core.testing import factories as f
from qamqor.core.testing.browser import assert_heading_order, assert_labelled_fields, save_screenshot
from qamqor.engagement.models import ReceptionVisit

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keep the migrations' regions and topics


@pytest.mark.parametrize("browser_locale", ["ru-RU"])
def test_a_parent_books_the_directors_hour_on_a_phone(page, kindergarten, head, browser_locale):
    f.weekly_hours(head, start="15:00", end="17:00", kind="reception")
    with translation.override("ru"):
        consent = gettext("I agree that the organisation uses my name, phone number and topic for this visit.")
        book = gettext("Book the visit")
        booked_text = gettext("Cancel my visit")
    page.goto(reverse("engagement:reception", args=[kindergarten.pk]))
    assert page.locator("html").get_attribute("lang") == "ru"
    assert_heading_order(page)
    first_time = page.locator("input[name=slot]").first
    value = first_time.get_attribute("value")
    page.locator(f'label[for="slot-{value}"]').click()  # the time is a button-like label
    assert first_time.is_checked()
    page.locator("#id_full_name").fill("Сейтқали Динара")
    page.locator("#id_phone").fill("8 701 123 45 67")
    page.locator("#id_topic").fill("Балаларды тамақтандыру туралы")
    page.get_by_label(consent).check()
    assert_labelled_fields(page)
    assert page.evaluate("document.documentElement.scrollWidth") <= 390  # nothing wider than the phone
    save_screenshot(page, "engagement-reception-ru")
    page.get_by_role("button", name=book, exact=True).click()
    page.wait_for_url("**/my/reception/**")
    page.get_by_role("button", name=booked_text).wait_for()
    visit = ReceptionVisit.objects.get()
    assert visit.status == ReceptionVisit.Status.BOOKED and visit.phone == "+77011234567"
    assert int(visit.appointment.starts_at.timestamp()) == int(value.split("-")[1])
    assert timezone.localtime(visit.appointment.starts_at).hour in (15, 16)
    # The time taken is no longer offered to the next parent.
    page.goto(reverse("engagement:reception", args=[kindergarten.pk]))
    assert page.locator(f'input[name=slot][value="{value}"]').count() == 0
