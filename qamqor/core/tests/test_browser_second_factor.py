"""A head's second factor in a phone-sized Chromium (qamqor/core/testing/browser.py): set up with
the key typed from the page, recovery codes, then a later login with a code. The page fixture
fails a test on any Content-Security-Policy violation, so the inline SVG QR code is checked too."""

from __future__ import annotations

from base64 import b32decode
from urllib.parse import urlsplit

import pytest
from django.utils import translation
from django.utils.translation import gettext
from django_otp.plugins.otp_totp.models import TOTPDevice

from qamqor.core.services import RECOVERY_CODE_COUNT
from qamqor.core.testing.browser import assert_heading_order, assert_labelled_fields, save_screenshot
from qamqor.core.testing.second_factor import authenticator_for, browser_pass_second_factor, current_code

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keep the migrations' regions and topics

PASSWORD = "Qamqor-browser-2026"


@pytest.fixture
def head_with_password(head):
    user = head.user
    user.set_password(PASSWORD)
    user.preferred_language = "kk"
    user.save()
    return user


def _log_in(page) -> None:
    page.goto("/accounts/login/")
    page.locator("input[name=username]").fill("head")
    page.locator("input[name=password]").fill(PASSWORD)
    with page.expect_navigation():
        page.locator("main form button").click()


def test_a_head_sets_up_the_second_factor_and_gets_recovery_codes(page, head_with_password):
    _log_in(page)
    page.wait_for_url("**/accounts/second-factor/setup/**")
    with translation.override("kk"):
        heading = gettext("Set up the second factor")
    assert heading != "Set up the second factor", "not translated into kk"
    assert page.get_by_role("heading", level=1).inner_text() == heading
    assert page.locator("main svg").is_visible()
    assert_labelled_fields(page)
    assert_heading_order(page)
    save_screenshot(page, "second-factor-setup-kk")

    # The person types the key into their app; the test is the app.
    key = b32decode(page.locator("#secret-key").inner_text().replace(" ", "")).hex()
    page.locator("input[name=code]").fill(current_code(TOTPDevice(key=key)))
    with page.expect_navigation():
        page.locator("main form button").click()

    assert urlsplit(page.url).path == "/accounts/second-factor/recovery-codes/"
    assert page.locator("ol.recovery-codes li").count() == RECOVERY_CODE_COUNT
    assert page.locator("[data-print]").is_visible()  # qamqor.js shows it
    save_screenshot(page, "second-factor-codes-kk")
    with page.expect_navigation():
        page.locator("main a.btn-primary").click()
    assert urlsplit(page.url).path == "/journal/"


def test_a_head_logs_in_with_a_code_from_the_app(page, head_with_password):
    authenticator_for(head_with_password)
    _log_in(page)
    browser_pass_second_factor(page, head_with_password)
    assert urlsplit(page.url).path == "/journal/"
