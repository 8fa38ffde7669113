"""The production files under deploy/ (docs/deploy.md) stay true to the code: every variable
settings read is in the example environment, that example passes `check --deploy`, the units
run commands that exist, and nginx sends the headers settings trust."""

from __future__ import annotations

import os
import re
import subprocess
import sys
from pathlib import Path

import pytest
from django.core.management import get_commands

BASE_DIR = Path(__file__).resolve().parents[3]
DEPLOY = BASE_DIR / "deploy"
# Files whose os.environ reads configure the site (settings.py and what it calls at import).
SETTINGS_SOURCES = [BASE_DIR / "qamqor" / "settings.py", BASE_DIR / "qamqor" / "core" / "media_storage.py"]
# Read by the test set-up only, never on a server.
TEST_ONLY = {"QAMQOR_TEST_SQLITE_NAME"}
# Read by the systemd units and gunicorn, not by Django.
UNIT_ONLY = {"QAMQOR_WEB_BIND", "WEB_CONCURRENCY"}
VARIABLE = re.compile(r"\"((?:DJANGO|DATABASE|QAMQOR)_[A-Z0-9_]+)\"")


def variables_read() -> set[str]:
    names: set[str] = set()
    for path in SETTINGS_SOURCES:
        text = path.read_text(encoding="utf-8")
        names |= set(VARIABLE.findall(text))
        # _secret(environ, "NAME") also reads NAME_FILE.
        names |= {f"{name}_FILE" for name in re.findall(r"_secret\(environ, \"([A-Z0-9_]+)\"\)", text)}
    return names - TEST_ONLY


def example_environment(path: Path = DEPLOY / "qamqor.env.example", *, commented: bool = False) -> dict[str, str]:
    """KEY=value lines of the example; with commented=True also those commented out (#KEY=value)."""
    values = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        match = re.fullmatch(r"(#?)([A-Z][A-Z0-9_]*)=(.*)", line.strip())
        if match and (commented or not match[1]):
            values[match[2]] = match[3]
    return values


def unit_commands(unit: str) -> list[str]:
    return [
        line.split("=", 1)[1].lstrip("-") for line in (DEPLOY / unit).read_text().splitlines() if line.startswith("ExecStart=")
    ]


@pytest.mark.parametrize("example", ["deploy/qamqor.env.example", ".env.example"])
def test_the_example_environments_list_every_variable_settings_read(example) -> None:
    listed = set(example_environment(BASE_DIR / example, commented=True))
    assert variables_read() - listed == set(), f"add these to {example}"
    assert listed - variables_read() - UNIT_ONLY == set(), "settings read none of these"


def test_the_example_environment_passes_the_deployment_check() -> None:
    environ = {
        **{k: v for k, v in os.environ.items() if not k.startswith(("DJANGO_", "DATABASE_", "QAMQOR_"))},
        **example_environment(),
        "DJANGO_SECRET_KEY": "x" * 60 + "-a-long-random-production-secret",
    }
    done = subprocess.run(  # noqa: S603 (this interpreter, fixed arguments)
        [sys.executable, "manage.py", "check", "--deploy", "--fail-level", "WARNING"],
        env=environ,
        cwd=BASE_DIR,
        capture_output=True,
        text=True,
        timeout=120,
    )
    assert done.returncode == 0, done.stdout + done.stderr


def test_the_units_run_what_exists() -> None:
    web = unit_commands("qamqor-web.service")
    assert len(web) == 1 and web[0].startswith(
        "/srv/qamqor/.venv/bin/gunicorn qamqor.wsgi:application --bind ${QAMQOR_WEB_BIND} "
    )
    assert "ExecReload=/bin/kill -s HUP $MAINPID" in (DEPLOY / "qamqor-web.service").read_text()
    commands = get_commands()
    for unit in ("qamqor-daily.service", "qamqor-worker.service", "qamqor-telegram.service", "qamqor-figures.service"):
        for command in unit_commands(unit):
            if command.startswith("/usr/bin/find ${QAMQOR_BACKUP_DIR} "):
                continue  # the old backups
            assert command.startswith("/srv/qamqor/.venv/bin/python manage.py "), command
            name = command.split()[2]
            assert name in commands, f"{unit}: there is no manage.py {name}"


def test_nginx_sends_what_settings_trust() -> None:
    environ = example_environment()
    proxy = (DEPLOY / "nginx" / "qamqor-proxy.conf").read_text()
    site = (DEPLOY / "nginx" / "qamqor.conf").read_text()
    assert f"proxy_set_header {environ['DJANGO_SECURE_PROXY_SSL_HEADER']} $scheme;" in proxy
    assert f"proxy_set_header {environ['QAMQOR_CLIENT_ADDRESS_HEADER']} $remote_addr;" in proxy
    assert "proxy_set_header Host $host;" in proxy
    assert f"server {environ['QAMQOR_WEB_BIND']} " in site
