"""In a phone-sized Chromium (qamqor/core/testing/browser.py): a methodist marks a plan item done
from the plan page (the status list sends itself, no inline script or style: a CSP violation fails
the test), and the centre's meeting page and forms have a label on every field."""

from __future__ import annotations

import pytest
from django.conf import settings
from django.test import Client
from django.urls import reverse

from qamqor.core.testing.browser import assert_labelled_fields, save_screenshot
from qamqor.council.tests.world import centre, with_decision
from qamqor.plans.tests.world import import_seed_004

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keep the migrations' regions and topics


def logged_in(page, user, live_server) -> None:
    client = Client()
    client.force_login(user)
    cookie = client.cookies[settings.SESSION_COOKIE_NAME].value
    page.context.add_cookies([{"name": settings.SESSION_COOKIE_NAME, "value": cookie, "url": live_server.url}])


def test_a_methodist_marks_a_plan_item_done_on_a_phone(page, live_server, methodist, kindergarten):
    plan = import_seed_004(kindergarten)[1]
    item = plan.items.order_by("position").first()
    logged_in(page, methodist.user, live_server)
    page.goto(reverse("plans:plan", args=[plan.pk]))
    save_screenshot(page, "plans-plan-detail-kk")
    page.locator(f'form[action="{reverse("plans:item_status", args=[item.pk])}"] select').select_option("done")
    page.wait_for_url(f"**{plan.get_absolute_url()}")
    page.locator(".alert-success").wait_for()
    item.refresh_from_db()
    assert item.status == "done"
    page.goto(reverse("plans:item_edit", args=[item.pk]))
    assert_labelled_fields(page)


def test_the_meeting_page_and_forms_are_labelled(page, live_server, methodist, kindergarten):
    centre(kindergarten)
    meeting, item, _decision = with_decision(kindergarten)
    logged_in(page, methodist.user, live_server)
    page.goto(reverse("council:home"))
    save_screenshot(page, "council-home-kk")
    page.goto(reverse("council:meeting", args=[meeting.pk]))
    assert_labelled_fields(page)
    save_screenshot(page, "council-meeting-kk")
    page.goto(reverse("council:decision_new", args=[item.pk]))
    assert_labelled_fields(page)
    page.goto(reverse("council:meeting_new"))
    assert_labelled_fields(page)
