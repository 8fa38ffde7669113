"""The browser checks catch what they promise to (qamqor/core/testing/browser.py), and the live
server serves static files as production should.

The page checks run in the session's Chromium on HTML set in place: no live server, no database.
"""

from __future__ import annotations

import ast
import os
import subprocess
import sys

import pytest
from django.conf import settings as django_settings

from qamqor.core.testing.browser import Transfer, Weight, assert_heading_order, assert_labelled_fields


@pytest.fixture
def blank(browser):
    context = browser.new_context()
    yield context.new_page()
    context.close()


def test_fields_labelled_in_every_accepted_way_pass(blank):
    blank.set_content(
        """
        <label for="a">Аты</label><input id="a" name="a">
        <label>Телефон <input name="b" type="tel"></label>
        <select name="c" aria-label="Тіл"><option>kk</option></select>
        <span id="d-name">Хабарлама</span><textarea name="d" aria-labelledby="d-name"></textarea>
        <input type="hidden" name="csrf"><button>Жіберу</button><input type="submit" value="OK">
        <div style="display:none"><input name="hidden-away"></div>
        """
    )
    assert_labelled_fields(blank)


@pytest.mark.parametrize(
    "html",
    [
        '<input name="phone" placeholder="Телефон">',
        '<input name="email" title="Email">',
        '<label for="x"><span aria-hidden="true">*</span></label><input id="x" name="x">',
        '<select name="region"><option>Астана</option></select>',
        '<span id="nothing"></span><textarea name="t" aria-labelledby="nothing"></textarea>',
    ],
)
def test_a_field_without_a_label_is_reported(blank, html):
    blank.set_content(f"<h1>Өтініш</h1>{html}")
    with pytest.raises(AssertionError, match="fields without a label"):
        assert_labelled_fields(blank)


def test_a_logical_outline_passes(blank):
    blank.set_content(
        """
        <h1>Кеңес беру пункті</h1><h2>Мамандар</h2><h3>Психолог</h3><h3>Логопед</h3>
        <h2 style="position:absolute;clip:rect(0 0 0 0);width:1px;height:1px;overflow:hidden">Байланыс</h2>
        <div role="heading" aria-level="3">Мекенжай</div>
        <h5 style="display:none">not shown, not read</h5>
        """
    )
    assert_heading_order(blank)


@pytest.mark.parametrize(
    ("html", "complaint"),
    [
        ("<h1>Бас</h1><h3>Секіру</h3>", "skipping a level"),
        ("<h2>Бас емес</h2><h3>Ішкі</h3>", "first heading is not an h1"),
        ("<h1>Бір</h1><h1>Екі</h1>", "more than one h1"),
        ("<p>Тақырыпсыз бет</p>", "no heading"),
        ("<h1>Бас</h1><h2> </h2>", "an empty heading"),
        ('<h1>Бас</h1><div role="heading" aria-level="4">Терең</div>', "skipping a level"),
    ],
)
def test_a_broken_outline_is_reported(blank, html, complaint):
    blank.set_content(html)
    with pytest.raises(AssertionError, match=complaint):
        assert_heading_order(blank)


def test_two_h1_pass_when_allowed(blank):
    blank.set_content("<h1>Бір</h1><h2>a</h2><h1>Екі</h1>")
    assert_heading_order(blank, one_h1=False)


def test_weight_counts_everything_but_images_and_lists_every_host():
    def transfer(url, kind, body, headers=300, decoded=None):
        host = url.split("/")[2]
        return Transfer(url, host, kind, 200, "br", body, headers, decoded or body * 4)

    weight = Weight(
        "/",
        [
            transfer("http://localhost:1/", "document", 2000),
            transfer("http://localhost:1/static/a.css", "stylesheet", 20000),
            transfer("http://localhost:1/static/logo.png", "image", 90000),
            transfer("http://cdn.example/x.js", "script", 10000),
        ],
        failed=["http://fonts.example/f.woff2"],
    )

    assert weight.transferred == 2000 + 20000 + 10000 + 3 * 300
    assert weight.decoded == 4 * (2000 + 20000 + 10000)
    assert weight.hosts == {"localhost:1", "cdn.example", "fonts.example"}
    assert weight.by_type() == {"document": 2300, "stylesheet": 20300, "script": 10300}
    assert "logo.png" in str(weight)


def production_setting(name: str):
    """A setting as qamqor/settings.py computes it with DJANGO_DEBUG=0 (read in a fresh process:
    the suite's own settings were computed in debug mode)."""
    env = {**os.environ, "DJANGO_DEBUG": "0", "DJANGO_SECRET_KEY": "production-like-" + "k" * 40}
    code = f"import qamqor.settings as s; print(repr(s.{name}))"
    out = subprocess.run(  # noqa: S603 (our own interpreter and code)
        [sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True, cwd=django_settings.BASE_DIR
    )
    return ast.literal_eval(out.stdout.strip())


def test_production_settings_serve_the_compressed_copies(settings):
    from whitenoise.middleware import WhiteNoiseMiddleware

    from qamqor.core.testing.browser import collected_static

    # What a deployment has: DEBUG off and collectstatic run; the rest as qamqor/settings.py says.
    settings.DEBUG = False
    settings.WHITENOISE_USE_FINDERS = production_setting("WHITENOISE_USE_FINDERS")
    settings.STATIC_ROOT = collected_static()
    served = WhiteNoiseMiddleware(lambda request: None).files["/static/vendor/bootstrap/css/bootstrap.min.css"]

    assert {path.rsplit(".", 1)[-1] for _, path, _ in served.alternatives} >= {"br", "gz"}


@pytest.mark.django_db(transaction=True, serialized_rollback=True)
@pytest.mark.parametrize("turn", [1, 2])
def test_reference_data_is_back_for_every_browser_test(page, turn):
    """The second turn runs after the first one's flush: serialized rollback must bring the
    migrations' rows back although Playwright's loop makes Django think it is in async code."""
    from qamqor.journal.models import Topic
    from qamqor.orgs.models import Region

    page.goto("/accounts/login/")
    assert Region.objects.count() == 20
    assert Topic.objects.exists()


def test_every_transactional_test_keeps_the_reference_data():
    """A `transaction=True` test ends with a flush; without `serialized_rollback=True` it takes the
    migrations' regions and topics with it, and every later test that needs them fails at setup
    far from the cause. So each one must ask for them back."""
    import re
    from pathlib import Path

    import qamqor

    offenders = [
        f"{path.relative_to(Path(qamqor.__file__).parent)}:{number}"
        for path in Path(qamqor.__file__).parent.rglob("test_*.py")
        for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), 1)
        if re.search(r"django_db\([^)]*transaction=True", line) and "serialized_rollback=True" not in line
    ]
    assert not offenders, offenders
