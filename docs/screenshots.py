"""Take the screenshots of the user guides (docs/img/kk/*.png, docs/img/ru/*.png).

It drives a real browser (Debian's chromium, through Playwright) over a running demo, logs in
through the login form, switches the language with the KK/RU buttons and saves each page.
It writes to the demo's database (it records and books one request per language, issues one API
token per language, and sets up the second factor of admin, head, head2 and social), so run it
against a throwaway copy of the data, never a real one, and load a fresh demo for each run.

How to re-run it (from the project root):

    # 1. a throwaway demo (its own data directory)
    make install            # or: .venv/bin/python manage.py compile_translations
    export QAMQOR_DATA_DIR=/tmp/qamqor-docs DJANGO_DEBUG=1
    .venv/bin/python manage.py migrate && .venv/bin/python manage.py demo
    # deliver the messages that are due (the delivery log's "sent" tab), then stop
    .venv/bin/python manage.py db_worker --batch --no-reload --no-startup-delay > /dev/null
    .venv/bin/python manage.py runserver 127.0.0.1:8765 &

    # 2. the browser and Playwright, outside the project's virtualenv
    apt-get install -y chromium                  # never `playwright install`
    python3 -m venv /tmp/shots-venv && /tmp/shots-venv/bin/pip install playwright pillow

    # 3. the screenshots
    /tmp/shots-venv/bin/python docs/screenshots.py                       # both languages
    /tmp/shots-venv/bin/python docs/screenshots.py --lang ru --url http://127.0.0.1:8765

    # 4. stop the server (kill %1) and delete /tmp/qamqor-docs

Besides the PNGs it prints, for each page, the Latin-script words it finds on a kk or ru page
(English left untranslated shows up there) and any page that did not answer 200.

This file lives in docs/, which is not a test path: the test suite never imports it.
"""

from __future__ import annotations

import argparse
import datetime as dt
import re
import sys
import time
from pathlib import Path

from playwright.sync_api import Browser, Page, sync_playwright

PASSWORD = "qamqor-demo-2026"  # noqa: S105 (the published demo password)
CHROMIUM = "/usr/bin/chromium"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--no-first-run",
]
DESKTOP = {"width": 1280, "height": 800}
PHONE = {"width": 390, "height": 844}
IMG = Path(__file__).resolve().parent / "img"
MAX_BYTES = 250_000

# Latin words that are right on a kk/ru page (names of things, formats, the brand).
LATIN_OK = {
    "qamqor",
    "kk",
    "ru",
    "en",
    "pdf",
    "xlsx",
    "telegram",
    "whatsapp",
    "asia",
    "almaty",
    "email",
    "e-mail",
    "kp",
    "example",
    "com",
    "duman",
    "balapan",
    "ok",
    "tedx",  # the «Dialog» club's format (seed 003)
    "qr",  # QR-код
    # authenticator apps the second factor's set-up page names (brands, not translated)
    "google",
    "microsoft",
    "authenticator",
    "freeotp",
    "aegis",
    # file formats, channels and the national services the later pages name
    "docx",
    "jpeg",
    "png",
    "word",
    "sms",
    "egov",
    "kz",
}

# What the script types, per language: a new family and their question.
SAMPLE = {
    "kk": {
        "parent": "Сапарова Айгерім Нұрланқызы",
        "phone": "8 701 555 12 34",
        "child": "Сапаров Ернұр Асқарұлы",
        "question": "Бала балабақшаға барғысы келмейді, таңертең жылайды. Не істеу керек?",
        "topic": "бейімделу",
        "recommendations": "Таңертеңгі қоштасуды қысқа әрі тұрақты етіңіз; үйде балабақша туралы ойын ойнаңыз.",
        "outcome": "Ата-ана кеңес алды; 2 аптадан кейін қайта кеңес беру ұсынылды.",
        "short_question": "Кеңес беру пункті сенбі күні жұмыс істей ме?",
        "short_answer": "Жоқ, консультациялық пункт дүйсенбі–жұма күндері жұмыс істейді.",
    },
    "ru": {
        "parent": "Соколова Марина Андреевна",
        "phone": "+7 705 444 23 45",
        "child": "Соколов Тимофей Игоревич",
        "question": "Ребёнок не хочет идти в детский сад, по утрам плачет. Что делать?",
        "topic": "Адаптация",
        "recommendations": "Сделайте утреннее прощание коротким и одинаковым; играйте дома в детский сад.",
        "outcome": "Родитель получил консультацию; повторная консультация через 2 недели.",
        "short_question": "Работает ли консультационный пункт в субботу?",
        "short_answer": "Нет, консультационный пункт работает с понедельника по пятницу.",
    },
}
CHILD_BIRTH = dt.date(2021, 3, 15)
WRONG_PHONE = "12345"
# A valid IIN with its last digit changed: the check digit catches the typo.
WRONG_IIN = "900101300018"

problems: list[str] = []


def iin_for(birth: dt.date, male: bool, serial: int = 1234) -> str:
    """A valid IIN (GLOSSARY.md: birth date, century-and-sex digit, serial, check digit)."""
    century = {18: 1, 19: 3, 20: 5}[birth.year // 100] + (0 if male else 1)
    for s in range(serial, serial + 100):
        digits = [int(c) for c in f"{birth:%y%m%d}{century}{s:04d}"]
        c = sum(d * w for d, w in zip(digits, range(1, 12), strict=True)) % 11
        if c == 10:
            c = sum(d * w for d, w in zip(digits, [3, 4, 5, 6, 7, 8, 9, 10, 11, 1, 2], strict=True)) % 11
        if c != 10:
            return "".join(map(str, digits)) + str(c)
    raise ValueError("no valid IIN")


def latin_words(page: Page) -> list[str]:
    text = page.evaluate(
        """() => [document.title,
                 [...document.body.querySelectorAll('#secret-key, .recovery-codes')].reduce(
                     (t, e) => t.replace(e.innerText, ' '), document.body.innerText),
                 ...[...document.querySelectorAll('option')].map(o => o.textContent),
                 ...[...document.querySelectorAll('[placeholder]')].map(e => e.placeholder),
                 ...[...document.querySelectorAll('[aria-label]')].map(e => e.getAttribute('aria-label'))].join('\\n')"""
    )
    # e-mails, addresses (a page may show its own path, /o/events/3/) and Telegram names
    text = re.sub(r"\S+@\S+|https?://\S+|(?<!\S)/\S+|@\w+", " ", text)
    words = {w.rstrip("'-") for w in re.findall(r"[A-Za-z][A-Za-z'-]+", text)}  # QR-код: QR
    words = {w for w in words if w.lower() not in LATIN_OK}
    return sorted(words)


def shot(page: Page, lang: str, name: str, *, full_page: bool = False, check: bool = True) -> None:
    page.wait_for_load_state("networkidle")
    path = IMG / lang / f"{name}.png"
    path.parent.mkdir(parents=True, exist_ok=True)
    page.screenshot(path=str(path), full_page=full_page, animations="disabled")
    shrink(path)
    size = path.stat().st_size
    print(f"{path.relative_to(IMG.parent)}  {size // 1024} KB  {page.url}")
    if size > MAX_BYTES:
        problems.append(f"{path.name} ({lang}) is {size // 1024} KB")
    if check and lang != "en":
        words = latin_words(page)
        if words:
            problems.append(f"[{lang}] {name} ({page.url}): Latin words on the page: {', '.join(words)}")


def shrink(path: Path) -> None:
    """Re-save the PNG with a 128-colour palette (about half the bytes, text stays sharp), when
    Pillow is installed next to Playwright; otherwise keep Chromium's PNG as it is."""
    try:
        from PIL import Image
    except ImportError:
        return
    with Image.open(path) as im:
        small = im.convert("RGB").quantize(colors=128, method=Image.Quantize.MEDIANCUT, dither=Image.Dither.NONE)
    small.save(path, optimize=True)


def expect_ok(response, what: str) -> None:
    if response is None or response.status != 200:
        problems.append(f"{what}: HTTP {response.status if response else 'no response'}")


def set_language(page: Page, lang: str) -> None:
    """Press the KK/RU/EN button of the language switcher (Django's set_language form)."""
    with page.expect_navigation():
        page.click(f"form[action$='/i18n/setlang/'] button[value='{lang}']")
    actual = page.get_attribute("html", "lang")
    if actual != lang:
        problems.append(f"the {lang.upper()} button left the page in {actual!r} ({page.url})")


def login(
    browser: Browser,
    base: str,
    username: str,
    lang: str,
    *,
    viewport=DESKTOP,
    shoot_login: bool = False,
    shoot_second_factor: bool = False,
) -> Page:
    locale = {"kk": "kk-KZ", "ru": "ru-RU"}[lang]
    context = browser.new_context(viewport=viewport, locale=locale, timezone_id="Asia/Almaty")
    page = context.new_page()
    expect_ok(page.goto(f"{base}/accounts/login/"), "login page")
    set_language(page, lang)
    if shoot_login:
        shot(page, lang, "login")
    page.fill("#id_username", username)
    page.fill("#id_password", PASSWORD)
    with page.expect_navigation():
        page.click("main form button")
    if "/accounts/login/" in page.url:
        raise SystemExit(f"cannot log in as {username}: is the demo loaded?")
    if page.get_attribute("html", "lang") != lang:
        # The login switches to the person's own language (User.preferred_language); the
        # screenshots of the other language keep the one chosen on the login page.
        page.context.add_cookies([{"name": "django_language", "value": lang, "url": base}])
        expect_ok(page.reload(), "page after login")
    if "/accounts/second-factor/" in page.url:
        second_factor(page, username, shoot=lang if shoot_second_factor else "")
    if page.get_attribute("html", "lang") != lang:
        problems.append(f"[{lang}] {username}'s pages are in {page.get_attribute('html', 'lang')!r} ({page.url})")
    return page


# The second factor (the administrator needs one): the key each person's authenticator was set up
# with in this run, and the last time step used (a code is accepted once).
AUTHENTICATORS: dict[str, list] = {}


def totp(key: bytes, step: int) -> str:
    """RFC 6238 with the authenticator apps' defaults (SHA-1, 6 digits, 30 seconds)."""
    import hashlib
    import hmac
    import struct

    digest = hmac.new(key, struct.pack(">Q", step), hashlib.sha1).digest()
    offset = digest[-1] & 0x0F
    return f"{(struct.unpack('>I', digest[offset : offset + 4])[0] & 0x7FFFFFFF) % 1_000_000:06d}"


def second_factor(page: Page, username: str, shoot: str = "") -> None:
    """Be the person's phone: set the authenticator up with the key the page shows, or type its
    code on the verify page. With `shoot` (a language), the set-up, recovery codes and verify
    pages are saved on the way."""
    import base64

    if "/setup/" in page.url:
        if shoot:
            shot(page, shoot, "second-factor-setup", full_page=True)
        key = base64.b32decode(page.inner_text("#secret-key").replace(" ", ""))
        AUTHENTICATORS[username] = [key, int(time.time()) // 30]
        page.fill("input[name=code]", totp(key, AUTHENTICATORS[username][1]))
        with page.expect_navigation():
            page.click("main form button")
        if shoot:
            shot(page, shoot, "second-factor-codes", full_page=True)
        with page.expect_navigation():
            page.click("main a.btn-primary")
        return
    if shoot:
        shot(page, shoot, "second-factor-verify")
    if username not in AUTHENTICATORS:
        raise SystemExit(
            f"{username} has an authenticator from an earlier run: delete it in the admin "
            "(TOTP devices) or start from a fresh demo"
        )
    key, used = AUTHENTICATORS[username]
    step = max(int(time.time()) // 30, used + 1)  # the next step is accepted too (tolerance 1)
    AUTHENTICATORS[username][1] = step
    page.fill("input[name=code]", totp(key, step))
    with page.expect_navigation():
        page.click("main form button")
    if "/accounts/second-factor/" in page.url:
        raise SystemExit(f"the second factor refused the code for {username}")


def click_nav(page: Page, selector: str, what: str) -> None:
    with page.expect_navigation() as nav:
        page.click(selector)
    expect_ok(nav.value, what)


def methodist_pages(browser: Browser, base: str, lang: str) -> None:
    """What the methodist reads: nothing is written, so both languages show the same demo."""
    page = login(browser, base, "methodist", lang, shoot_login=True)
    shot(page, lang, "journal")

    # The journal filtered by status, and the print, PDF and XLSX links.
    page.select_option("#id_status", "scheduled")
    click_nav(page, "main form[method=get] button", "journal filter")
    shot(page, lang, "journal-filtered")
    for link, kind in (
        ("a[href*='export.pdf'][href*='lang=kk']", "application/pdf"),
        ("a[href*='export.pdf'][href*='lang=ru']", "application/pdf"),
        ("a[href*='export.xlsx'][href*='lang=kk']", "spreadsheetml"),
        ("a[href*='export.xlsx'][href*='lang=ru']", "spreadsheetml"),
    ):
        href = page.get_attribute(link, "href")
        response = page.request.get(base + href)
        if response.status != 200 or kind not in response.headers.get("content-type", ""):
            problems.append(f"export {href}: HTTP {response.status} {response.headers.get('content-type')}")
    expect_ok(page.goto(f"{base}/journal/print/?status=scheduled"), "journal print")
    shot(page, lang, "journal-print")

    # The work schedule and its printable version; the parents' list and one parent.
    expect_ok(page.goto(f"{base}/schedule/"), "work schedule")
    shot(page, lang, "work-schedule", full_page=True)
    expect_ok(page.goto(f"{base}/schedule/print/"), "work schedule print")
    shot(page, lang, "work-schedule-print")
    expect_ok(page.goto(f"{base}/parents/"), "parents")
    shot(page, lang, "parents")
    click_nav(page, "main table a", "parent")
    shot(page, lang, "parent")

    expect_ok(page.goto(f"{base}/journal/new/"), "new request")
    shot(page, lang, "request-new", full_page=True)
    page.context.close()


def methodist_intake(browser: Browser, base: str, lang: str) -> None:
    """What the methodist writes: a request with a wrong phone and IIN, corrected, routed to
    two specialists and booked; a short phone question answered at once."""
    s = SAMPLE[lang]
    page = login(browser, base, "methodist", lang)
    expect_ok(page.goto(f"{base}/journal/new/"), "new request")
    topic = page.eval_on_selector("#id_topic", "(el, part) => [...el.options].find(o => o.text.includes(part)).value", s["topic"])
    page.select_option("#id_channel", "phone")
    page.select_option("#id_topic", topic)
    page.fill("#id_question", s["question"])
    page.fill("#id_parent_full_name", s["parent"])
    page.fill("#id_parent_phone", WRONG_PHONE)
    page.select_option("#id_parent_language", lang)
    page.select_option("#id_consent_method", "paper")
    page.fill("#id_child_full_name", s["child"])
    page.fill("#id_child_birth_date", CHILD_BIRTH.isoformat())
    page.select_option("#id_child_sex", "m")
    page.fill("#id_child_iin", WRONG_IIN)
    page.check("#id_child_consent")
    click_nav(page, "main form button.btn-primary", "new request (errors)")
    shot(page, lang, "request-new-errors", full_page=True)

    # Corrected: the request goes into the journal and its page opens.
    page.fill("#id_parent_phone", s["phone"])
    # a serial of its own each run: an IIN is unique in an organisation
    page.fill("#id_child_iin", iin_for(CHILD_BIRTH, male=True, serial=int(time.time()) % 9000 + 100))
    if not page.is_checked("#id_child_consent"):
        page.check("#id_child_consent")
    click_nav(page, "main form button.btn-primary", "new request")
    if "/journal/new/" in page.url:
        problems.append(f"[{lang}] the corrected intake form was refused")
        shot(page, lang, "request-new-refused", full_page=True, check=False)
        return
    shot(page, lang, "request")

    # Route and book: the suggested specialist's free times, then two specialists together.
    click_nav(page, "main a[href$='/schedule/']", "route and book")
    shot(page, lang, "schedule")
    # add a second specialist whose role fits the topic (marked by the badge) and who has
    # free times in common with the first one this week
    fitting = page.locator("fieldset .form-check:has(.badge) input[name=specialists]")
    ids = [fitting.nth(i).get_attribute("id") for i in range(fitting.count()) if not fitting.nth(i).is_checked()]
    for box_id in ids:
        with page.expect_response(lambda r: "/slots/" in r.url):
            page.check(f"#{box_id}")
        page.wait_for_load_state("networkidle")
        if page.locator("input[name=starts_at]").count():
            shot(page, lang, "schedule-several")
            break
        with page.expect_response(lambda r: "/slots/" in r.url):
            page.uncheck(f"#{box_id}")
    else:
        problems.append(f"[{lang}] no two fitting specialists have free times in common this week")
    page.locator("label.btn-outline-primary").first.click()
    click_nav(page, "main form > button.btn-primary", "book")
    shot(page, lang, "request-scheduled")

    # A short phone question answered at once.
    expect_ok(page.goto(f"{base}/journal/new/"), "new request")
    page.select_option("#id_channel", "phone")
    page.select_option("#id_topic", index=len(page.locator("#id_topic option").all()) - 1)
    page.fill("#id_question", s["short_question"])
    page.select_option("#id_parent", index=1)
    page.check("#id_answered_now")
    page.fill("#id_answer", s["short_answer"])
    page.fill("#id_call_minutes", "20")
    click_nav(page, "main form button.btn-primary", "answered at once (too long)")
    shot(page, lang, "request-new-phone-too-long", full_page=True)
    page.fill("#id_call_minutes", "5")
    click_nav(page, "main form button.btn-primary", "answered at once")
    shot(page, lang, "request-answered")
    page.context.close()


def _day_with_appointments(page: Page) -> bool:
    """Step forward with the › button until a day has appointments (at most 40 days)."""
    for _ in range(40):
        if page.locator("main .list-group a[href^='/journal/']").count():
            return True
        click_nav(page, "main a[href^='?day='] >> nth=1", "next day")
    return False


def _open_request_to_complete(page: Page, base: str) -> bool:
    """Open the first request of "my day" (or of a later day) whose consultation is not recorded
    yet: late in the day the demo's consultations of today are already done."""
    for _ in range(40):
        day_url = page.url
        links = page.locator("main .list-group a[href^='/journal/']")
        for href in [links.nth(i).get_attribute("href") for i in range(links.count())]:
            expect_ok(page.goto(base + href), "request from my day")
            if page.locator("#id_recommendations").count():
                return True
        page.goto(day_url)
        click_nav(page, "main a[href^='?day='] >> nth=1", "next day")
    return False


def specialist(browser: Browser, base: str, lang: str) -> None:
    page = login(browser, base, "psychologist", lang)
    shot(page, lang, "my-day-today")
    if not _day_with_appointments(page):
        problems.append(f"[{lang}] the psychologist has no appointments in the next 40 days")
        page.context.close()
        return
    shot(page, lang, "my-day")
    day_url = page.url
    if not _open_request_to_complete(page, base):
        problems.append(f"[{lang}] the psychologist has no consultation left to record in the next 40 days")
        page.context.close()
        return
    page.fill("#id_recommendations", SAMPLE[lang]["recommendations"])
    page.fill("#id_outcome", SAMPLE[lang]["outcome"])
    shot(page, lang, "specialist-request", full_page=True)
    page.context.close()

    page = login(browser, base, "psychologist", lang, viewport=PHONE)
    expect_ok(page.goto(day_url), "my day (phone)")
    shot(page, lang, "my-day-phone")
    page.context.close()


def _event_rows(page: Page) -> list[dict]:
    """The rows of the events month list: the event's address and the cells' texts (when,
    event, group, places, waiting, came, status)."""
    return page.eval_on_selector_all(
        "main tbody tr",
        """rows => rows.filter(r => r.querySelector('a')).map(r => ({
            href: r.querySelector('a').getAttribute('href'),
            cells: [...r.cells].map(c => c.innerText.trim())}))""",
    )


def events_pages(browser: Browser, base: str, lang: str) -> None:
    """Events for families (methodist.md, section 13): the month list, an event with its
    registrations and waiting list, attendance on a phone, the parents' ideas, the participation
    figures, and what a parent sees on the public site. Nothing is written."""
    page = login(browser, base, "methodist", lang)
    expect_ok(page.goto(f"{base}/events/"), "events")
    shot(page, lang, "events")
    upcoming = _event_rows(page)
    with_waiting = [r for r in upcoming if r["cells"][4] not in ("", "0")]
    if not with_waiting:
        problems.append(f"[{lang}] no event of this month has a waiting list (is the demo loaded?)")
        page.context.close()
        return
    event_url = base + with_waiting[0]["href"]
    expect_ok(page.goto(event_url), "event")
    shot(page, lang, "event", full_page=True)
    public_event = page.get_attribute("main dl a[href^='/o/events/']", "href")

    # A held event with attendance marked: this month or the month before.
    held = [r for r in upcoming if r["cells"][5] not in ("", "0")]
    if not held:
        expect_ok(page.goto(f"{base}/events/"), "events")
        click_nav(page, "main a[href^='?month='] >> nth=0", "events, previous month")
        held = [r for r in _event_rows(page) if r["cells"][5] not in ("", "0")]

    expect_ok(page.goto(f"{base}/events/ideas/"), "parents' ideas")
    shot(page, lang, "ideas")
    expect_ok(page.goto(f"{base}/events/participation/"), "participation figures")
    shot(page, lang, "participation")
    page.context.close()

    if held:
        most = max(held, key=lambda r: int(r["cells"][5]))
        page = login(browser, base, "methodist", lang, viewport=PHONE)
        expect_ok(page.goto(base + most["href"] + "attendance/"), "attendance (phone)")
        shot(page, lang, "event-attendance-phone", full_page=True)
        page.context.close()
    else:
        problems.append(f"[{lang}] no held event with attendance in this month or the one before")

    # The public site, as a parent: the organisation's events and the ideas it took up, then
    # the full event's page with its sign-up form (filled in, not sent).
    locale = {"kk": "kk-KZ", "ru": "ru-RU"}[lang]
    context = browser.new_context(viewport=DESKTOP, locale=locale, timezone_id="Asia/Almaty")
    page = context.new_page()
    expect_ok(page.goto(base + public_event), "public event")
    if page.get_attribute("html", "lang") != lang:
        set_language(page, lang)
    click_nav(page, "main nav a", "public events")
    shot(page, lang, "portal-events")
    page.eval_on_selector("#ideas", "e => e.scrollIntoView({behavior: 'instant'})")
    shot(page, lang, "portal-ideas")
    expect_ok(page.goto(base + public_event), "public event")
    page.fill("#id_full_name", SAMPLE[lang]["parent"])
    page.fill("#id_phone", SAMPLE[lang]["phone"])
    shot(page, lang, "portal-event", full_page=True)
    context.close()


# The heads who set up their second factor in the screenshots, one per language (each sets it up
# once in a fresh demo).
HEADS = {"kk": "head", "ru": "head2"}


def head_pages(browser: Browser, base: str, lang: str) -> None:
    """The head (head.md, sections 5 and 6): the second factor's set-up at the first login, the
    recovery codes, the page of parents' data requests and retention runs, the account page,
    then the verify page of the next login."""
    username = HEADS[lang]
    page = login(browser, base, username, lang, shoot_second_factor=True)
    if username not in AUTHENTICATORS:
        problems.append(f"[{lang}] {username} was not asked to set up the second factor")
        page.context.close()
        return
    expect_ok(page.goto(f"{base}/audit/privacy/"), "privacy records")
    shot(page, lang, "privacy", full_page=True)
    expect_ok(page.goto(f"{base}/accounts/second-factor/"), "second factor account")
    shot(page, lang, "second-factor-account", full_page=True)
    page.context.close()

    page = login(browser, base, username, lang, shoot_second_factor=True)
    page.context.close()


def others(browser: Browser, base: str, lang: str) -> None:
    page = login(browser, base, "district", lang)
    shot(page, lang, "officer")
    page.context.close()

    page = login(browser, base, "admin", lang)
    shot(page, lang, "admin", full_page=True)
    expect_ok(page.goto(f"{base}/admin/journal/topic/"), "admin topics")
    page.click("#result_list tbody a")
    page.wait_for_load_state()
    shot(page, lang, "admin-topic", full_page=True)
    expect_ok(page.goto(f"{base}/admin/scheduling/closedday/add/"), "admin closed day")
    shot(page, lang, "admin-closed-day")
    expect_ok(page.goto(f"{base}/admin/orgs/membership/add/"), "admin membership")
    shot(page, lang, "admin-membership")
    page.context.close()


# ---- the later capabilities (plans.md, council.md, contracts.md, social.md, reports.md,
# notify.md, api.md): pages that only read, so both languages show the same demo.


def link_to(page: Page, pattern: str) -> str | None:
    """The first link on the page's main part whose address matches `pattern` (a regex)."""
    hrefs = page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))")
    return next((h for h in hrefs if re.fullmatch(pattern, h.split("?")[0])), None)


def open_link(page: Page, base: str, pattern: str, what: str) -> bool:
    href = link_to(page, pattern)
    if href is None:
        problems.append(f"{what}: no link matching {pattern} on {page.url}")
        return False
    expect_ok(page.goto(base + href), what)
    return True


def check_menu(page: Page, lang: str, who: str) -> None:
    """The menu bar at 1280 px: one row, nothing cut off (a wrap or overflow is reported)."""
    size = page.evaluate(
        """() => { const n = document.querySelector('nav.navbar');
                   if (!n) return null;
                   const r = n.getBoundingClientRect();
                   return {height: r.height, scroll: n.scrollWidth, width: n.clientWidth}; }"""
    )
    if size is None:
        problems.append(f"[{lang}] no menu bar on {page.url}")
        return
    print(f"[{lang}] {who}'s menu bar at {DESKTOP['width']} px: {size}")
    if size["height"] > 80 or size["scroll"] > size["width"] + 1:
        problems.append(f"[{lang}] {who}'s menu bar wraps or overflows at {DESKTOP['width']} px: {size}")


def manager_pages(browser: Browser, base: str, lang: str) -> None:
    """The methodist: plans, the documentation set, the centre's meetings and minutes, the
    contracts, the messages log and the dashboard."""
    page = login(browser, base, "methodist", lang)
    expect_ok(page.goto(f"{base}/journal/"), "journal")
    check_menu(page, lang, "methodist")
    expect_ok(page.goto(f"{base}/plans/"), "plans")
    shot(page, lang, "plans")
    # the perspective plan (kk «перспективалық», ru «перспективный»): approved, one item overdue
    href = page.eval_on_selector_all(
        "main tr, main li, main .card",
        """rows => (rows.find(r => r.innerText.includes('ерспектив') && r.querySelector('a[href^="/plans/"]')) || {})
                  .querySelector?.('a[href^="/plans/"]')?.getAttribute('href')""",
    )
    if href or open_link(page, base, r"/plans/\d+/", "a plan"):
        if href:
            expect_ok(page.goto(base + href), "the perspective plan")
        shot(page, lang, "plan", full_page=True)
    expect_ok(page.goto(f"{base}/plans/documentation/"), "documentation set")
    shot(page, lang, "documentation", full_page=True)
    expect_ok(page.goto(f"{base}/council/"), "the centre")
    shot(page, lang, "council", full_page=True)
    if open_link(page, base, r"/council/meetings/\d+/", "a meeting"):
        shot(page, lang, "council-meeting", full_page=True)
        expect_ok(page.goto(page.url.rstrip("/") + "/minutes/"), "minutes")
        shot(page, lang, "council-minutes", full_page=True)
    expect_ok(page.goto(f"{base}/parents/contracts/"), "contracts")
    shot(page, lang, "contracts")
    expect_ok(page.goto(f"{base}/notify/messages/"), "messages")
    shot(page, lang, "messages")
    delivery_log(page, base, lang)
    expect_ok(page.goto(f"{base}/reports/dashboard/"), "dashboard")
    shot(page, lang, "dashboard")  # the top: the whole page is wider than the screen (the period links)
    page.context.close()


def delivery_log(page: Page, base: str, lang: str) -> None:
    """The delivery log's "sent" tab (notify.md): when each message went, to which address, by
    which channel, after how many attempts."""
    expect_ok(page.goto(f"{base}/notify/messages/?status=sent"), "messages sent")
    if page.locator("main tbody td[colspan]").count():
        problems.append(f"[{lang}] no message was sent yet: run the worker once (db_worker --batch, step 1)")
    shot(page, lang, "messages-sent")


def social_pages(browser: Browser, base: str, lang: str) -> None:
    """The social pedagogue (second factor at the first login): the home page and the passport."""
    page = login(browser, base, "social", lang)
    expect_ok(page.goto(f"{base}/social/"), "social")
    shot(page, lang, "social")
    expect_ok(page.goto(f"{base}/social/passport/"), "social passport")
    shot(page, lang, "social-passport", full_page=True)
    expect_ok(page.goto(f"{base}/social/inspections/"), "inspections due")
    shot(page, lang, "social-inspections")
    page.context.close()


def officer_reports(browser: Browser, base: str, lang: str) -> None:
    page = login(browser, base, "region", lang)
    expect_ok(page.goto(f"{base}/reports/"), "reports (region officer)")
    if open_link(page, base, r"/reports/region/\d+/", "region view"):
        shot(page, lang, "reports-region")
    page.context.close()


def public_new_pages(browser: Browser, base: str, lang: str) -> None:
    """A parent on the public site: a group session open to sign-up (form filled, not sent), and
    the API's documentation page."""
    locale = {"kk": "kk-KZ", "ru": "ru-RU"}[lang]
    context = browser.new_context(viewport=DESKTOP, locale=locale, timezone_id="Asia/Almaty")
    page = context.new_page()
    expect_ok(page.goto(f"{base}/points/"), "point finder")
    if page.get_attribute("html", "lang") != lang:
        set_language(page, lang)
    for href in page.eval_on_selector_all("main a[href]", "els => els.map(e => e.getAttribute('href'))"):
        point = re.fullmatch(r"/points/(\d+)/", href.split("?")[0])
        if not point:
            continue
        expect_ok(page.goto(f"{base}/points/{point[1]}/sessions/"), "public sessions")
        session = link_to(page, r"/points/\d+/sessions/\d+/")
        if session:
            shot(page, lang, "portal-sessions")
            expect_ok(page.goto(base + session), "public session")
            for selector, value in (("#id_parent_full_name", SAMPLE[lang]["parent"]), ("#id_phone", SAMPLE[lang]["phone"])):
                if page.locator(selector).count():
                    page.fill(selector, value)
            shot(page, lang, "portal-session", full_page=True)
            break
    else:
        problems.append(f"[{lang}] no consultation point has a session open to sign-up")
    expect_ok(page.goto(f"{base}/api/v1/docs/"), "API docs")
    shot(page, lang, "api-docs", check=False)  # the API's own names (fields, headers) are English on purpose
    context.close()


TOKEN_NAMES = {"kk": "Аудандық білім бөлімінің порталы", "ru": "Портал районного отдела образования"}


def api_tokens_page(browser: Browser, base: str, lang: str) -> None:
    """The head issues an API token (api.md): the page that answers the form, with the token
    shown once (a demo's token: showing it is harmless) and the organisation's list under it.
    After head_pages, which shoots the second factor's first set-up of the same heads."""
    page = login(browser, base, HEADS[lang], lang)
    expect_ok(page.goto(f"{base}/api/tokens/"), "API tokens")
    page.fill("#id_name", TOKEN_NAMES[lang])
    page.check("input[name=roles][value=methodist]")
    click_nav(page, "main form button[type=submit]", "issue an API token")
    if not page.locator("#issued-token").count():
        problems.append(f"[{lang}] the API token was not issued ({page.url})")
    shot(page, lang, "api-tokens", full_page=True, check=False)  # the token and the header are Latin on purpose
    page.context.close()


def new_capabilities(browser: Browser, base: str, lang: str) -> None:
    manager_pages(browser, base, lang)
    social_pages(browser, base, lang)
    officer_reports(browser, base, lang)
    public_new_pages(browser, base, lang)


def main() -> int:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--url", default="http://127.0.0.1:8765", help="the running demo")
    parser.add_argument("--lang", choices=["kk", "ru"], action="append", help="kk, ru or both (default)")
    parser.add_argument(
        "--new-only", action="store_true", help="only the pages of plans, centre, contracts, social, reports, messages, API"
    )
    args = parser.parse_args()
    base = args.url.rstrip("/")
    with sync_playwright() as p:
        browser = p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        languages = args.lang or ["kk", "ru"]
        # Pages that only read first, so every language shows the same untouched demo...
        for lang in languages:
            new_capabilities(browser, base, lang)
        if args.new_only:
            languages = []
        for lang in languages:
            methodist_pages(browser, base, lang)
            specialist(browser, base, lang)
            events_pages(browser, base, lang)
            head_pages(browser, base, lang)
            others(browser, base, lang)
        for lang in args.lang or ["kk", "ru"]:
            api_tokens_page(browser, base, lang)
        # ...then the intake and booking, which add requests to the journal.
        for lang in languages:
            methodist_intake(browser, base, lang)
        browser.close()
    if problems:
        print("\nProblems noticed:")
        for line in problems:
            print(" -", line)
    return 0


if __name__ == "__main__":
    sys.exit(main())
