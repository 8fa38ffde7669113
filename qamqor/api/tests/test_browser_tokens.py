"""A head issues a token in the back office, in a real browser, copies it from the page, calls
the API with it over HTTP, and revokes it (qamqor/api/token_views.py)."""

from __future__ import annotations

import re

import pytest

from qamqor.core.testing.browser import assert_heading_order, assert_labelled_fields, save_screenshot
from qamqor.core.testing.second_factor import browser_log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keep the migrations' regions and topics



def test_a_head_issues_a_token_uses_it_and_revokes_it(page, head):
    page.set_viewport_size({"width": 1280, "height": 900})
    browser_log_in(page, head.user, language="kk")

    # From the person's own menu.
    page.locator("nav .dropdown-menu-end").locator("..").locator(".dropdown-toggle").click()
    with page.expect_navigation():
        page.get_by_role("link", name="Басқа жүйелерге арналған токендер (API)").click()
    assert_heading_order(page)
    assert_labelled_fields(page)
    page.get_by_label("Атауы").fill("Аудан порталы")
    page.get_by_label("Әдіскер").check()
    with page.expect_navigation():
        page.get_by_role("button", name="Токенді беру").click()
    raw = page.locator("#raw-token").input_value()
    assert re.fullmatch(r"qmq_[A-Za-z0-9_-]{43}", raw)
    save_screenshot(page, "api-tokens-issued-kk")

    journal = "/api/v1/requests/"
    assert page.request.get(journal, headers={"Authorization": f"Bearer {raw}"}).status == 200

    with page.expect_navigation():
        page.get_by_role("link", name="Кері қайтару…").click()
    assert_heading_order(page)
    with page.expect_navigation():
        page.get_by_role("button", name="Токенді кері қайтару").click()
    assert "кері қайтарылды" in page.locator("main .alert").first.inner_text()
    assert page.locator("#raw-token").count() == 0
    assert page.request.get(journal, headers={"Authorization": f"Bearer {raw}"}).status == 401
    # The revoked token stays in the list, greyed and said to be revoked in words.
    row = page.locator("#tokens tbody tr", has_text="Аудан порталы")
    assert row.locator(".badge", has_text="кері қайтарылды").is_visible()
    save_screenshot(page, "api-tokens-revoked-kk")
