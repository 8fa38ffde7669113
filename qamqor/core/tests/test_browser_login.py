"""The login page in a phone-sized Chromium, in Kazakh and Russian (qamqor/core/testing/browser.py).

The expected texts come from the translation catalogues, and each is checked to differ from the
English source, so a missing translation fails here instead of showing English to a parent.
"""

from __future__ import annotations

from urllib.parse import urlsplit

import pytest
from django.contrib.auth.forms import AuthenticationForm
from django.utils import translation
from django.utils.translation import gettext

from qamqor.core.testing.browser import (
    assert_heading_order,
    assert_labelled_fields,
    page_weight,
    save_screenshot,
)

pytestmark = pytest.mark.django_db(transaction=True, serialized_rollback=True)  # keep the migrations' regions and topics

PHONE_LOCALES = pytest.mark.parametrize("browser_locale", ["kk-KZ", "ru-RU"])
PASSWORD = "Qamqor-browser-2026"
LOGIN_BUDGET = 150 * 1024  # bytes transferred, HTML + CSS + JS


def texts(language: str) -> dict[str, str]:
    """What the login and journal pages say in `language`."""
    with translation.override(language):
        form = AuthenticationForm()
        username = form.username_field.verbose_name
        return {
            "login heading": gettext("Log in to Qamqor"),
            "log in": gettext("Log in"),
            "username": str(form.fields["username"].label),
            "password": str(form.fields["password"].label),
            "refused": form.error_messages["invalid_login"] % {"username": username},
            "journal heading": gettext("Journal of parents' requests"),
        }


@pytest.fixture
def language(browser_locale) -> str:
    return browser_locale.split("-")[0]


@pytest.fixture
def said(language) -> dict[str, str]:
    ours, english = texts(language), texts("en")
    untranslated = [key for key in ours if ours[key] == english[key]]
    assert not untranslated, f"not translated into {language}: {untranslated}"
    return ours


@pytest.fixture
def methodist_with_password(methodist, language):
    user = methodist.user
    user.set_password(PASSWORD)
    # Logging in switches the interface to the person's language (core.views.LoginView).
    user.preferred_language = language
    user.save()
    return user


@PHONE_LOCALES
def test_login_page_speaks_the_phones_language(page, language, said):
    page.goto("/accounts/login/")

    assert page.locator("html").get_attribute("lang") == language
    assert page.get_by_role("heading", level=1).inner_text() == said["login heading"]
    assert page.get_by_label(said["username"]).is_visible()
    assert page.get_by_label(said["password"]).get_attribute("type") == "password"
    assert_labelled_fields(page)
    assert_heading_order(page)
    save_screenshot(page, f"login-{language}")


@PHONE_LOCALES
def test_wrong_password_is_refused_in_the_chosen_language(page, methodist_with_password, language, said):
    page.goto("/accounts/login/")
    page.get_by_label(said["username"]).fill("methodist")
    page.get_by_label(said["password"]).fill("not-the-password")
    page.get_by_role("button", name=said["log in"], exact=True).click()

    alert = page.get_by_role("alert")
    alert.wait_for()
    assert alert.inner_text().strip() == said["refused"]
    assert urlsplit(page.url).path == "/accounts/login/"
    assert page.get_by_label(said["username"]).input_value() == "methodist"
    assert_labelled_fields(page)
    save_screenshot(page, f"login-refused-{language}")


@PHONE_LOCALES
def test_methodist_logs_in_and_lands_on_the_journal(page, methodist_with_password, language, said):
    page.goto("/accounts/login/")
    page.get_by_label(said["username"]).fill("methodist")
    page.get_by_label(said["password"]).fill(PASSWORD)
    page.get_by_role("button", name=said["log in"], exact=True).click()

    page.wait_for_url("**/journal/")
    assert page.get_by_role("heading", level=1).inner_text() == said["journal heading"]
    assert page.locator("html").get_attribute("lang") == language
    assert_labelled_fields(page)
    assert_heading_order(page)
    save_screenshot(page, f"journal-{language}")


def test_language_buttons_switch_the_login_page(page):
    page.goto("/accounts/login/")
    assert page.get_by_role("heading", level=1).inner_text() == texts("kk")["login heading"]

    page.get_by_role("button", name="RU", exact=True).click()

    page.wait_for_function("document.documentElement.lang === 'ru'")
    assert page.get_by_role("heading", level=1).inner_text() == texts("ru")["login heading"]
    assert urlsplit(page.url).path == "/accounts/login/"


def test_login_page_is_light_and_loads_only_from_its_own_host(page, live_server):
    weight = page_weight(page, "/accounts/login/")

    print(weight)  # shown with -s, and in the failure report below
    assert weight.transferred <= LOGIN_BUDGET, f"over {LOGIN_BUDGET // 1024} KB:\n{weight}"
    assert weight.hosts == {urlsplit(live_server.url).netloc}, f"loaded from another host:\n{weight}"
    assert not weight.failed, f"requests failed:\n{weight}"
    # Served as production serves them (WhiteNoise's compressed copies), or the figure means nothing.
    static = [t for t in weight.counted if t.resource_type in {"stylesheet", "script"}]
    assert static and all(t.encoding in {"br", "gzip"} for t in static), f"static files sent uncompressed:\n{weight}"
    assert all(t.body < t.decoded for t in static if t.decoded > 1024), f"compression saved nothing:\n{weight}"
