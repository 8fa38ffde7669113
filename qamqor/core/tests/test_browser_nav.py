"""The menu bar of the back office fits a 1280-pixel screen in one row, in Kazakh and Russian
(the longest labels), for a head, who sees the most entries. Each new capability adds a menu
entry; this test says when the bar needs regrouping again (qamqor/jinja2/core/_nav.html)."""

from __future__ import annotations

import pytest

from qamqor.core.testing.browser import save_screenshot
from qamqor.core.testing.second_factor import browser_log_in

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keep the migrations' regions and topics

DESKTOP = {"width": 1280, "height": 800}


@pytest.mark.parametrize("browser_locale", ["kk-KZ", "ru-RU"])
def test_a_heads_menu_fits_1280_pixels_in_one_row(page, head, browser_locale):
    page.set_viewport_size(DESKTOP)
    browser_log_in(page, head.user, language=browser_locale[:2])
    nav = page.locator("nav.navbar")
    assert page.locator(".navbar-toggler").is_hidden(), "the menu collapsed into the button at 1280 px"
    width = page.evaluate("document.documentElement.scrollWidth")
    height = nav.bounding_box()["height"]
    save_screenshot(page, f"nav-1280-{browser_locale}", full_page=False)
    assert width <= DESKTOP["width"], f"the page is {width} px wide: the menu overflows"
    assert height < 70, f"the menu is {height} px tall: it wraps onto a second row"
    # The person's own menu opens and offers logging out.
    page.locator("nav .dropdown-menu-end").locator("..").locator(".dropdown-toggle").click()
    assert page.locator("nav .dropdown-menu-end button.dropdown-item").is_visible()
