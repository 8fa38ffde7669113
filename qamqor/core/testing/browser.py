"""Real-browser tests: Playwright driving Debian's Chromium against the live server.

The fixtures are registered in qamqor/conftest.py (a conftest's fixtures override pytest-django's
own `live_server`; a `-p` plugin's would not):

- `browser` (session): one headless Chromium for the whole run, `/usr/bin/chromium`, never a
  browser build from `playwright install` (the machines reach no download host). When the binary is
  missing and we are root with apt-get, Debian's `chromium` package is installed first; otherwise
  the browser tests are skipped with the reason (and fail instead under CI, which must run them).
- `live_server` (session): pytest-django's server, but serving static files the way production
  does: through WhiteNoise from a `collectstatic` made with the project's storage (gzip and brotli
  copies), not through Django's uncompressed development handler.
- `page` (function): a new browser context sized like a phone (390×844), `base_url` set to the
  live server, so `page.goto("/accounts/login/")` works. Its language is the `browser_locale`
  fixture ("kk-KZ"), which a test overrides with `@pytest.mark.parametrize("browser_locale", [...])`.
  An uncaught JavaScript error or a Content-Security-Policy violation on the page fails the test.
- `new_page` (function): a factory of more such phones, `new_page("ru-RU")`, each its own context
  (cookies, cache): two parents at once, or one parent opening a link on another device.

Tests that use `page` or `live_server` need `@pytest.mark.django_db(transaction=True,
serialized_rollback=True)`: the server thread sees only committed rows, and serialized rollback
puts back the regions and topics that the migrations load and a transactional test flushes.
The test's own code may use the ORM between browser calls (see `browser`), but not inside a
`page.on(...)` handler, which runs in one of Playwright's greenlets. Every test that uses the
browser is marked `browser` and runs after all the others (qamqor/conftest.py).

Helpers: `page_weight()` (what a phone downloads for one page), `save_screenshot()`,
`assert_labelled_fields()`, `assert_heading_order()`.
"""

from __future__ import annotations

import hashlib
import os
import re
import shutil
import subprocess
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass, field
from pathlib import Path
from urllib.parse import urlsplit

import pytest

CHROMIUM = "/usr/bin/chromium"
# Chromium runs as root here, with no GPU and a network that reaches nothing but this machine:
# without these it refuses to start (sandbox) or waits on connections to Google's services.
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-quic",
    "--no-first-run",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
]
PHONE = {"width": 390, "height": 844}
# Not counted in a page's weight (still listed, and their hosts still checked).
UNCOUNTED_TYPES = frozenset({"image"})


def _in_ci() -> bool:
    return os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def _unavailable(reason: str):
    """Skip on a developer's machine; fail under CI, whose .ci/run installs Chromium."""
    if _in_ci():
        pytest.fail(f"browser tests cannot run in CI: {reason}", pytrace=False)
    pytest.skip(reason)


def ensure_chromium() -> str | None:
    """Install Debian's chromium when it is missing and we may; return why not, or None."""
    if os.access(CHROMIUM, os.X_OK):
        return None
    apt = shutil.which("apt-get")
    if apt is None or os.geteuid() != 0:
        return f"{CHROMIUM} is missing: install Debian's chromium (.ci/run does, and so do the tests as root with apt-get)"
    env = {**os.environ, "DEBIAN_FRONTEND": "noninteractive"}
    install = [apt, "install", "-y", "-qq", "chromium"]
    result = subprocess.run(install, env=env, capture_output=True, text=True, timeout=900)  # noqa: S603
    if result.returncode != 0:
        # A fresh machine's package lists may be empty or stale: refresh them once and retry.
        subprocess.run([apt, "update", "-qq"], env=env, capture_output=True, timeout=600)  # noqa: S603
        result = subprocess.run(install, env=env, capture_output=True, text=True, timeout=900)  # noqa: S603
    if not os.access(CHROMIUM, os.X_OK):
        return f"installing chromium failed: {(result.stderr or result.stdout).strip()[-500:]}"
    return None


# ---------------------------------------------------------------------------------------------
# Fixtures (imported into qamqor/conftest.py)


@pytest.fixture(scope="session")
def browser() -> Iterator:
    """One Chromium for the whole session: starting one costs about a second."""
    reason = ensure_chromium()
    if reason:
        _unavailable(reason)
    try:
        from playwright.sync_api import sync_playwright
    except ImportError:
        _unavailable("the playwright package is missing: .venv/bin/pip install -r requirements-dev.txt")
    from django.db import connections

    # Playwright's sync API marks its event loop as running in this thread between its calls (its
    # `expect_*` helpers need that). Django then takes the test's plain code for async code: it
    # refuses the ORM, and asgiref's thread-critical Local hands out *new* connection objects,
    # which lack the test database's serialized contents (serialized_rollback restores nothing).
    # So, while the browser runs: the ORM is allowed, and the same connection objects stay in
    # place. Browser tests run last (qamqor/conftest.py): every other test keeps Django's check.
    before = {alias: connections[alias] for alias in connections}
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("DJANGO_ALLOW_ASYNC_UNSAFE", "true")
        playwright = sync_playwright().start()
        for alias, connection in before.items():
            setattr(connections._connections, alias, connection)
        try:
            chromium = playwright.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
            yield chromium
            chromium.close()
        finally:
            playwright.stop()


@pytest.fixture
def browser_locale() -> str:
    """The page's language (Accept-Language, navigator.language); parametrize to change it."""
    return "kk-KZ"


class _Phones:
    """Phone-sized browser contexts on the live server, each closed at the end of the test."""

    def __init__(self, browser, base_url: str) -> None:
        self.browser, self.base_url = browser, base_url
        self.contexts: list = []
        self.js_errors: list[str] = []

    def open(self, locale: str):
        context = self.browser.new_context(
            viewport=PHONE,
            screen=PHONE,
            device_scale_factor=2,
            is_mobile=True,
            has_touch=True,
            locale=locale,
            timezone_id="Asia/Almaty",
            base_url=self.base_url,
            # Bootstrap scrolls smoothly unless the user asks for less motion; every action below
            # the fold would wait for the scroll to settle (~1.5 s on a long form).
            reduced_motion="reduce",
        )
        self.contexts.append(context)
        context.set_default_timeout(15_000)
        tab = context.new_page()
        tab.on("pageerror", lambda error: self.js_errors.append(f"{tab.url}: {error}"))
        tab.on("console", lambda message: self._csp_violation(tab, message))
        return tab

    def _csp_violation(self, tab, message) -> None:
        """A Content-Security-Policy violation fails the test like an uncaught error: something
        inline (a script, an on* handler, a style) crept back or a file came from another host."""
        if message.type == "error" and "Content Security Policy" in message.text:
            self.js_errors.append(f"{tab.url}: {message.text}")

    def close(self) -> None:
        for context in self.contexts:
            context.close()
        if self.js_errors:
            pytest.fail("uncaught JavaScript errors on the page:\n" + "\n".join(self.js_errors), pytrace=False)


@pytest.fixture
def new_page(browser, live_server) -> Iterator:
    """Open another phone: `new_page("ru-RU")` is a fresh context (its own cookies and cache) in
    that language, as `page` is; for a second parent, or the same parent on another device."""
    phones = _Phones(browser, live_server.url)
    yield phones.open
    phones.close()


@pytest.fixture
def page(new_page, browser_locale):
    """A fresh phone-sized context (no cookies, empty cache) on the live server."""
    return new_page(browser_locale)


def _static_fingerprint() -> str:
    """Changes whenever a collected file would: the sources, the storage, the compressors."""
    from importlib.metadata import version

    from django.conf import settings
    from django.contrib.staticfiles import finders

    digest = hashlib.sha256()
    digest.update(repr((settings.STORAGES["staticfiles"], version("whitenoise"))).encode())
    try:
        import brotli  # noqa: F401  (WhiteNoise writes .br files only when it can import brotli)

        digest.update(b"brotli")
    except ImportError:
        pass
    entries = []
    for finder in finders.get_finders():
        for path, storage in finder.list(["CVS", ".*", "*~"]):
            stat = os.stat(storage.path(path))
            entries.append(f"{getattr(storage, 'prefix', '') or ''}/{path}\0{stat.st_size}\0{stat.st_mtime_ns}")
    digest.update("\n".join(sorted(entries)).encode())
    return digest.hexdigest()[:16]


def collected_static() -> Path:
    """`collectstatic` into data/test-static/<fingerprint>/, once per change of the sources.

    Compressing Bootstrap's dist in gzip and brotli takes ~7 s, so the result is kept between
    runs (data/ is git-ignored) under a name that changes with the sources; a new one is built
    beside the old and renamed into place, so two test runs at once never see half a directory.
    """
    from django.conf import settings
    from django.core.management import call_command
    from django.test import override_settings

    parent = Path(settings.DATA_DIR) / "test-static"
    root = parent / _static_fingerprint()
    if root.is_dir():
        return root
    parent.mkdir(parents=True, exist_ok=True)
    building = Path(tempfile.mkdtemp(dir=parent, prefix=".building-"))
    try:
        with override_settings(STATIC_ROOT=building):
            call_command("collectstatic", interactive=False, verbosity=0)
        building.rename(root)
    except OSError:
        if not root.is_dir():  # another run renamed its copy in first: use that
            raise
    finally:
        shutil.rmtree(building, ignore_errors=True)
    for old in parent.iterdir():
        if old != root and not old.name.startswith(".building-"):
            shutil.rmtree(old, ignore_errors=True)
    return root


@pytest.fixture(scope="session")
def live_server(request, django_db_setup) -> Iterator:
    """pytest-django's live server, serving /static/ through WhiteNoise as production does.

    pytest-django wraps the server in Django's StaticFilesHandler, which serves the finders' files
    uncompressed: the weights measured through it would be ~4x what a phone downloads. Here the
    request goes through the project's middleware, WhiteNoise included, which serves the collected
    files and their .br/.gz copies. WHITENOISE_USE_FINDERS is off for the server, as it must be in
    production: with it on, WhiteNoise replaces every collected file by the finders' uncompressed
    original (qamqor/settings.py sets it on for runs without collectstatic).
    Depends on django_db_setup so that an in-memory SQLite test database exists and is shared.
    """
    from django.test import override_settings
    from pytest_django.live_server_helper import LiveServer

    address = request.config.getvalue("liveserver") or os.getenv("DJANGO_LIVE_TEST_SERVER_ADDRESS") or "localhost"
    server = LiveServer(address, start=False)
    server.thread.static_handler = _no_static_handler
    # WhiteNoise reads these when the server thread builds the middleware, during start().
    with override_settings(STATIC_ROOT=collected_static(), WHITENOISE_USE_FINDERS=False, WHITENOISE_AUTOREFRESH=False):
        server.start()
    yield server
    server.stop()


def _no_static_handler(application):
    return application


# ---------------------------------------------------------------------------------------------
# Page weight


@dataclass(frozen=True)
class Transfer:
    """One response as the browser received it."""

    url: str
    host: str
    resource_type: str
    status: int
    encoding: str  # Content-Encoding: "br", "gzip" or "" (sent as is)
    body: int  # body bytes as received, i.e. compressed when encoding is set
    headers: int  # response header bytes
    decoded: int  # body bytes after decompression

    @property
    def transferred(self) -> int:
        return self.body + self.headers


@dataclass
class Weight:
    """What one page load downloaded. `transferred` counts headers plus bodies as received
    (compressed when the server compressed them), images aside: what DevTools calls transferred."""

    url: str
    transfers: list[Transfer]
    failed: list[str] = field(default_factory=list)

    @property
    def counted(self) -> list[Transfer]:
        return [t for t in self.transfers if t.resource_type not in UNCOUNTED_TYPES]

    @property
    def transferred(self) -> int:
        return sum(t.transferred for t in self.counted)

    @property
    def decoded(self) -> int:
        return sum(t.decoded for t in self.counted)

    @property
    def hosts(self) -> set[str]:
        """Every host anything was loaded from, images included."""
        return {t.host for t in self.transfers} | {urlsplit(url).netloc for url in self.failed}

    def by_type(self) -> dict[str, int]:
        totals: dict[str, int] = {}
        for t in self.counted:
            totals[t.resource_type] = totals.get(t.resource_type, 0) + t.transferred
        return totals

    def __str__(self) -> str:
        lines = [f"{self.url}: {self.transferred / 1024:.1f} KB transferred ({self.decoded / 1024:.1f} KB decoded), images aside"]
        for t in self.transfers:
            mark = " " if t.resource_type not in UNCOUNTED_TYPES else "-"
            encoding = t.encoding or "identity"
            lines.append(f" {mark} {t.transferred:>8} B {encoding:<8} {t.decoded:>8} B {t.resource_type:<10} {t.status} {t.url}")
        lines.extend(f"   failed: {url}" for url in self.failed)
        return "\n".join(lines)


def page_weight(page, url: str, *, status: int | None = None) -> Weight:
    """Load `url` in `page` as a first visit and return every response's size and host.

    The page must answer 2xx, or exactly `status` when given (a 404 page a parent may land on).

    The browser cache is switched off for the load (Chrome DevTools Protocol), so the figure is a
    first visit's even when the page had loaded the same files before. Sizes come from Chromium's
    own network accounting (`request.sizes()`): the body as it came off the wire, compressed when
    the server sent it compressed (it equals Content-Length), plus the response headers. Chromium
    asks for br even on http://localhost, so WhiteNoise sends its .br copies, as it does to a
    phone over HTTPS. The HTML comes uncompressed, as Django sends it (no GZipMiddleware): a
    proxy in front that compresses it would make the real figure a little smaller.
    """
    finished: list = []
    failed: list = []

    def on_finished(request):  # Playwright keeps its wrapper on the handler: a def, not list.append
        finished.append(request)

    def on_failed(request):
        failed.append(request)

    page.on("requestfinished", on_finished)
    page.on("requestfailed", on_failed)
    cdp = page.context.new_cdp_session(page)
    cdp.send("Network.enable")
    cdp.send("Network.setCacheDisabled", {"cacheDisabled": True})
    try:
        response = page.goto(url, wait_until="load")
        # Scripts may fetch more after `load` (htmx's hx-trigger="load"): wait until quiet.
        page.wait_for_load_state("networkidle")
    finally:
        page.remove_listener("requestfinished", on_finished)
        page.remove_listener("requestfailed", on_failed)
        cdp.send("Network.setCacheDisabled", {"cacheDisabled": False})
        cdp.detach()
    answered = response.status if response is not None else None
    if answered is None or (answered != status if status is not None else not response.ok):
        expected = status if status is not None else "2xx"
        raise AssertionError(f"{url} answered {answered or 'nothing'}, not {expected}: no weight for an unexpected page")

    transfers = []
    for request in finished:
        scheme = urlsplit(request.url).scheme
        if scheme in {"data", "blob"}:  # made by the page itself, not downloaded
            continue
        answer = request.response()
        sizes = request.sizes()
        try:
            decoded = len(answer.body()) if answer is not None else 0
        except Exception:  # noqa: BLE001 (a redirect has no body to read back)
            decoded = 0
        headers = answer.headers if answer is not None else {}
        transfers.append(
            Transfer(
                url=request.url,
                host=urlsplit(request.url).netloc,
                resource_type=request.resource_type,
                status=answer.status if answer is not None else 0,
                encoding=headers.get("content-encoding", ""),
                body=sizes["responseBodySize"],
                headers=sizes["responseHeadersSize"],
                decoded=decoded,
            )
        )
    return Weight(url=url, transfers=transfers, failed=[request.url for request in failed])


# ---------------------------------------------------------------------------------------------
# Screenshots and accessibility checks


def save_screenshot(page, name: str, *, full_page: bool = True) -> Path:
    """Save what the page shows as data/test-artifacts/screenshots/<name>.png (a CI artifact)."""
    from django.conf import settings

    folder = Path(settings.DATA_DIR) / "test-artifacts" / "screenshots"
    folder.mkdir(parents=True, exist_ok=True)
    path = folder / f"{re.sub(r'[^A-Za-z0-9._-]+', '-', name).strip('-')}.png"
    page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    return path


_UNLABELLED_FIELDS_JS = """() => {
  // The text a screen reader reads from a node: its text without aria-hidden parts.
  const spoken = (node) => {
    if (!node) return '';
    if (node.nodeType === Node.TEXT_NODE) return node.textContent;
    if (node.nodeType !== Node.ELEMENT_NODE || node.getAttribute('aria-hidden') === 'true') return '';
    return Array.from(node.childNodes).map(spoken).join('');
  };
  const clean = (text) => text.replace(/\\s+/g, ' ').trim();
  const skipped = new Set(['hidden', 'submit', 'button', 'reset', 'image']);
  const missing = [];
  for (const el of document.querySelectorAll('input, select, textarea')) {
    if (el.tagName === 'INPUT' && skipped.has(el.type)) continue;
    if (!el.checkVisibility({visibilityProperty: true})) continue;
    const labels = Array.from(el.labels || []).map((l) => clean(spoken(l))).filter(Boolean);
    const labelledBy = (el.getAttribute('aria-labelledby') || '').split(/\\s+/).filter(Boolean)
      .map((id) => clean(spoken(document.getElementById(id)))).filter(Boolean);
    const ariaLabel = clean(el.getAttribute('aria-label') || '');
    if (!labels.length && !labelledBy.length && !ariaLabel) {
      const attrs = ['type', 'name', 'id'].filter((a) => el.getAttribute(a)).map((a) => `${a}="${el.getAttribute(a)}"`);
      missing.push(`<${el.tagName.toLowerCase()} ${attrs.join(' ')}>`);
    }
  }
  return missing;
}"""


def assert_labelled_fields(page) -> None:
    """Every visible form field has a name a screen reader reads: a <label> (for= or wrapping),
    aria-labelledby or aria-label. A placeholder or title is not a label."""
    missing = page.evaluate(_UNLABELLED_FIELDS_JS)
    assert not missing, f"fields without a label on {page.url}: {', '.join(missing)}"


_HEADINGS_JS = """() => Array.from(document.querySelectorAll('h1, h2, h3, h4, h5, h6, [role="heading"]'))
  // A visually hidden heading (Bootstrap's .visually-hidden) is still read, so it counts.
  .filter((el) => el.checkVisibility({visibilityProperty: true}) && !el.closest('[aria-hidden="true"]'))
  .map((el) => [
    el.getAttribute('role') === 'heading' ? Number(el.getAttribute('aria-level') || 2) : Number(el.tagName[1]),
    el.textContent.replace(/\\s+/g, ' ').trim().slice(0, 60),
  ])"""


def assert_heading_order(page, *, one_h1: bool = True) -> None:
    """The headings form an outline: the first is an h1 (the only one unless one_h1=False), none
    is empty, and none goes more than one level deeper than the one before (h2 → h4 skips)."""
    headings = page.evaluate(_HEADINGS_JS)
    outline = "\n".join(f"  {'  ' * (level - 1)}h{level} {text!r}" for level, text in headings)
    where = f"on {page.url}:\n{outline or '  (no headings)'}"
    assert headings, f"no heading {where}"
    assert headings[0][0] == 1, f"the first heading is not an h1 {where}"
    assert all(text for _, text in headings), f"an empty heading {where}"
    if one_h1:
        assert sum(level == 1 for level, _ in headings) == 1, f"more than one h1 {where}"
    for (before, _), (level, text) in zip(headings, headings[1:]):
        assert level <= before + 1, f"h{before} is followed by h{level} {text!r}, skipping a level, {where}"
