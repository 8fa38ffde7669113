"""Issue 9: the deployment check, the Content-Security-Policy, staff sessions, error pages."""

from __future__ import annotations

import os
import re
import secrets
import subprocess
import sys
import time
from pathlib import Path

import pytest
from django.conf import settings
from django.contrib.auth import SESSION_KEY
from django.contrib.sessions.backends.db import SessionStore
from django.core.exceptions import PermissionDenied, SuspiciousOperation
from django.test import Client
from django.urls import include, path, reverse

from qamqor.core import middleware
from qamqor.core.testing import factories as f

BASE_DIR = Path(settings.BASE_DIR)
PASSWORD = "correct horse battery"  # qamqor/core/testing/factories.py


def _production_env(tmp_path: Path, **extra: str) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "QAMQOR_", "DATABASE_"))}
    secret_file = tmp_path / "secret"
    secret_file.write_text(secrets.token_urlsafe(50) + "\n")
    env.update(
        DJANGO_DEBUG="0",
        DJANGO_SECRET_KEY_FILE=str(secret_file),
        DJANGO_ALLOWED_HOSTS="qamqor.example.kz",
        QAMQOR_DATA_DIR=str(tmp_path / "data"),
        **extra,
    )
    return env


def _manage(env: dict[str, str], *args: str) -> subprocess.CompletedProcess:
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args], cwd=BASE_DIR, env=env, capture_output=True, text=True, timeout=120
    )


# ---------------------------------------------------------------------------------------------
# Deployment check


def test_deploy_check_reports_nothing_with_production_settings(tmp_path):
    result = _manage(_production_env(tmp_path), "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout
    assert "WARNINGS" not in result.stderr + result.stdout


def test_deploy_check_behind_a_tls_proxy(tmp_path):
    env = _production_env(tmp_path, DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")
    result = _manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode == 0, result.stdout + result.stderr


def test_deploy_check_notices_a_missing_secret(tmp_path):
    env = _production_env(tmp_path)
    del env["DJANGO_SECRET_KEY_FILE"]
    result = _manage(env, "check", "--deploy", "--fail-level", "WARNING")
    assert result.returncode != 0


@pytest.mark.parametrize(
    "name, value",
    [
        ("DJANGO_SECURE_SSL_REDIRECT", "maybe"),
        ("DJANGO_SECURE_HSTS_SECONDS", "a year"),
        ("DJANGO_SECURE_HSTS_SECONDS", "-1"),
        ("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", "sure"),
        ("DJANGO_SECURE_HSTS_PRELOAD", "2"),
        ("DJANGO_SECURE_PROXY_SSL_HEADER", "X Forwarded Proto"),
    ],
)
def test_a_bad_security_setting_stops_the_start(tmp_path, name, value):
    result = _manage(_production_env(tmp_path, **{name: value}), "check")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr and name in result.stderr


def test_production_security_settings(tmp_path):
    code = (
        "from django.conf import settings as s;"
        "print(s.SECURE_SSL_REDIRECT, s.SECURE_HSTS_SECONDS, s.SECURE_PROXY_SSL_HEADER, s.SESSION_COOKIE_SECURE,"
        " s.CSRF_COOKIE_SECURE, s.SESSION_COOKIE_HTTPONLY, s.SECURE_REFERRER_POLICY, s.X_FRAME_OPTIONS)"
    )
    env = _production_env(tmp_path, DJANGO_SECURE_PROXY_SSL_HEADER="X-Forwarded-Proto")
    result = _manage(env, "shell", "-c", code)
    assert result.returncode == 0, result.stderr
    assert result.stdout.splitlines()[-1].split() == [
        "True",
        "31536000",
        "('HTTP_X_FORWARDED_PROTO',",
        "'https')",
        "True",
        "True",
        "True",
        "same-origin",
        "DENY",
    ]


# ---------------------------------------------------------------------------------------------
# Content-Security-Policy and the templates

POLICY = {
    "default-src": "'self'",
    "script-src": "'self'",
    "style-src": "'self'",
    "img-src": "'self' data:",
    "object-src": "'none'",
    "frame-ancestors": "'none'",
    "form-action": "'self'",
    "base-uri": "'none'",
}


def _policy(response) -> dict[str, str]:
    header = response["Content-Security-Policy"]
    return dict(part.strip().split(" ", 1) for part in header.split(";") if part.strip())


def test_csp_on_a_back_office_page(client, methodist):
    client.force_login(methodist.user)
    response = client.get(reverse("journal:list"))
    assert response.status_code == 200
    assert _policy(response) == POLICY
    assert response["X-Frame-Options"] == "DENY"
    assert response["X-Content-Type-Options"] == "nosniff"
    assert response["Referrer-Policy"] == "same-origin"


def test_csp_on_a_public_page(client, kindergarten):
    response = client.get(reverse("portal:finder"))
    assert response.status_code == 200
    assert _policy(response) == POLICY


TEMPLATE_COMMENT = re.compile(r"\{#.*?#\}|\{%\s*comment\s*%\}.*?\{%\s*endcomment\s*%\}", re.S)
INLINE = {
    "inline <script>": re.compile(r"<script\b(?![^>]*\bsrc=)[^>]*>", re.I),
    "<style> element": re.compile(r"<style\b", re.I),
    "on* handler": re.compile(r"<[^>]*\son[a-z]+\s*=", re.I),
    "style attribute": re.compile(r"<[^>]*\sstyle\s*=", re.I),
    "javascript: URL": re.compile(r"javascript:", re.I),
}


def test_no_template_has_inline_scripts_handlers_or_styles():
    """The CSP would block them: behaviour goes to qamqor/static/qamqor/qamqor.js, looks to CSS."""
    found = []
    templates = [p for p in (BASE_DIR / "qamqor").rglob("*") if p.suffix in {".html", ".txt", ".xml"} and p.is_file()]
    assert len(templates) > 30
    for template in templates:
        text = TEMPLATE_COMMENT.sub("", template.read_text(encoding="utf-8"))
        for what, pattern in INLINE.items():
            for match in pattern.finditer(text):
                found.append(f"{template.relative_to(BASE_DIR)}: {what}: {match.group(0)[:80]}")
    assert not found, "\n".join(found)


def test_the_organisation_switch_works_without_inline_code(client, methodist, other_kindergarten):
    client.force_login(methodist.user)
    # One organisation: nothing to switch to, so no switcher in the menu.
    assert 'name="organization"' not in client.get(reverse("journal:list")).content.decode()
    f.MembershipFactory(organization=other_kindergarten, role="methodist", user=methodist.user)
    html = client.get(reverse("journal:list")).content.decode()
    assert "data-autosubmit" in html
    assert 'src="/static/qamqor/qamqor.js"' in html
    assert "<noscript>" in html  # the button that sends the form without JavaScript


# ---------------------------------------------------------------------------------------------
# Staff sessions


def _login(client: Client, username: str) -> None:
    response = client.post(reverse("login"), {"username": username, "password": PASSWORD})
    assert response.status_code == 302


def _age_session(client: Client, *, login_ago: int | None = None, seen_ago: int | None = None) -> None:
    session = client.session
    now = int(time.time())
    if login_ago is not None:
        session[middleware.LOGIN_AT] = now - login_ago
    if seen_ago is not None:
        session[middleware.SEEN_AT] = now - seen_ago
    session.save()


def test_login_changes_the_session_key(client, methodist):
    client.get(reverse("login"))
    session = client.session
    session["something"] = "before login"
    session.save()
    before = session.session_key
    _login(client, "methodist")
    after = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert after != before
    assert not SessionStore().exists(before)


def test_a_staff_session_cookie_lives_30_idle_minutes(client, methodist):
    _login(client, "methodist")
    assert client.cookies[settings.SESSION_COOKIE_NAME]["max-age"] == 30 * 60
    assert client.session.get_expiry_age() == 30 * 60


def test_a_staff_session_ends_after_30_idle_minutes(client, methodist):
    _login(client, "methodist")
    _age_session(client, seen_ago=29 * 60)
    assert client.get(reverse("journal:list")).status_code == 200
    _age_session(client, seen_ago=30 * 60)
    response = client.get(reverse("journal:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert SESSION_KEY not in client.session


def test_a_staff_session_ends_after_12_hours_however_busy(client, methodist):
    _login(client, "methodist")
    _age_session(client, login_ago=12 * 60 * 60 - 60, seen_ago=10)
    assert client.get(reverse("journal:list")).status_code == 200
    _age_session(client, login_ago=12 * 60 * 60, seen_ago=10)
    response = client.get(reverse("journal:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_the_idle_timer_is_written_at_most_once_a_minute(client, methodist, django_assert_num_queries):
    _login(client, "methodist")
    _age_session(client, seen_ago=10)
    seen = client.session[middleware.SEEN_AT]
    client.get(reverse("journal:list"))
    assert client.session[middleware.SEEN_AT] == seen  # not written: the session was not saved
    _age_session(client, seen_ago=61)
    client.get(reverse("journal:list"))
    assert client.session[middleware.SEEN_AT] >= int(time.time()) - 2


def test_logout_ends_the_session(client, methodist):
    _login(client, "methodist")
    key = client.cookies[settings.SESSION_COOKIE_NAME].value
    assert client.post(reverse("logout")).status_code == 302
    assert not SessionStore().exists(key)
    # Even the old cookie, replayed, opens nothing.
    replay = Client()
    replay.cookies[settings.SESSION_COOKIE_NAME] = key
    response = replay.get(reverse("journal:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))


def test_a_deactivated_users_next_request_is_anonymous(client, methodist):
    _login(client, "methodist")
    assert client.get(reverse("journal:list")).status_code == 200
    methodist.user.is_active = False
    methodist.user.save(update_fields=["is_active"])
    response = client.get(reverse("journal:list"))
    assert response.status_code == 302 and response["Location"].startswith(reverse("login"))
    assert SESSION_KEY not in client.session


# ---------------------------------------------------------------------------------------------
# Error pages (DEBUG is off in tests, as in production)


def _bad_request(request):
    raise SuspiciousOperation("Ахметова Гүлнар, ЖСН 900101300123")


def _denied(request):
    raise PermissionDenied("Ахметова Гүлнар, ЖСН 900101300123")


def _crash(request):
    raise RuntimeError("Ахметова Гүлнар, ЖСН 900101300123")


urlpatterns = [
    path("test-errors/400/", _bad_request),
    path("test-errors/403/", _denied),
    path("test-errors/500/", _crash),
    path("", include("qamqor.urls")),
]

ERRORS = {
    400: ("/test-errors/400/", {"kk": "Қате сұрау", "ru": "Неверный запрос", "en": "Bad request"}),
    403: ("/test-errors/403/", {"kk": "Кіруге рұқсат жоқ", "ru": "Доступ запрещён", "en": "Access denied"}),
    404: ("/no-such-page-900101300123/", {"kk": "Бет табылмады", "ru": "Страница не найдена", "en": "Page not found"}),
    500: ("/test-errors/500/", {"kk": "Бірдеңе дұрыс болмады", "ru": "Что-то пошло не так", "en": "Something went wrong"}),
}


@pytest.mark.urls(__name__)
@pytest.mark.parametrize("language", ["kk", "ru", "en"])
@pytest.mark.parametrize("status", sorted(ERRORS))
def test_error_pages_are_generic_and_in_the_users_language(db, settings, language, status):
    settings.DEBUG = False
    url, headings = ERRORS[status]
    client = Client(raise_request_exception=False, HTTP_ACCEPT_LANGUAGE=language)
    response = client.get(url)
    assert response.status_code == status
    html = response.content.decode()
    assert f'<html lang="{language}">' in html
    assert headings[language] in html
    for leak in ("Traceback", "900101300123", "Ахметова", "RuntimeError", "SuspiciousOperation", "test-errors"):
        assert leak not in html
    assert "bootstrap.min.css" in html
