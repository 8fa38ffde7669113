"""Qamqor settings: one file, configured by environment variables only.

Every variable is documented in `.env.example` and the README. A value that makes no sense
stops the start with ImproperlyConfigured instead of being silently ignored.
"""

from __future__ import annotations

import os
import re
from datetime import timedelta
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

from qamqor.core.media_storage import storages_from_environment

BASE_DIR = Path(__file__).resolve().parent.parent


def env_bool(name: str, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None or raw == "":
        return default
    value = raw.strip().lower()
    if value in {"1", "true", "yes", "on"}:
        return True
    if value in {"0", "false", "no", "off"}:
        return False
    raise ImproperlyConfigured(f"{name} must be a boolean (1/0, true/false), not {raw!r}")


def env_list(name: str, default: list[str]) -> list[str]:
    raw = os.environ.get(name)
    if not raw:
        return default
    return [item.strip() for item in raw.split(",") if item.strip()]


def env_int(name: str, default: int, *, minimum: int, maximum: int) -> int:
    raw = os.environ.get(name)
    if raw is None or raw.strip() == "":
        return default
    try:
        value = int(raw.strip())
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number, not {raw!r}") from None
    if not minimum <= value <= maximum:
        raise ImproperlyConfigured(f"{name} must be between {minimum} and {maximum}, not {value}")
    return value


DEBUG = env_bool("DJANGO_DEBUG", False)

# The secret comes from the environment or a file (a Docker/systemd secret); only a debug
# run may fall back to a throwaway development key.
SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "")
if not SECRET_KEY and os.environ.get("DJANGO_SECRET_KEY_FILE"):
    SECRET_KEY = Path(os.environ["DJANGO_SECRET_KEY_FILE"]).read_text(encoding="utf-8").strip()
if not SECRET_KEY and DEBUG:
    SECRET_KEY = "development-only-not-secret"  # noqa: S105 (debug runs only)
# Without DEBUG an empty key stays empty: commands that need no secret (migrate, makemigrations)
# still run, and Django refuses to serve or sign anything until DJANGO_SECRET_KEY is set.

ALLOWED_HOSTS = env_list("DJANGO_ALLOWED_HOSTS", ["127.0.0.1", "localhost"] if DEBUG else [])
CSRF_TRUSTED_ORIGINS = env_list("DJANGO_CSRF_TRUSTED_ORIGINS", [])

DATA_DIR = Path(os.environ.get("QAMQOR_DATA_DIR", BASE_DIR / "data"))

INSTALLED_APPS = [
    # modeltranslation must come before the admin so translated fields show there.
    "modeltranslation",
    "django.contrib.admin",
    # Other projects' apps by the configurations in qamqor/core/third_party_apps.py: their names
    # in the admin in kk, ru and en.
    "qamqor.core.third_party_apps.GroupsConfig",  # django.contrib.auth
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "csp",
    "qamqor.core",
    "qamqor.orgs",
    "qamqor.families",
    "qamqor.journal",
    "qamqor.scheduling",
    "qamqor.reports",
    "qamqor.portal",
    "qamqor.engagement",
    "qamqor.plans",
    "qamqor.council",
    "qamqor.social",
    "qamqor.notify",
    "qamqor.api",
    "rest_framework",
    "drf_spectacular",
    # Background work on the Django Tasks API's database backend (`manage.py db_worker`).
    "django_tasks",
    "qamqor.core.third_party_apps.BackgroundTasksConfig",  # django_tasks_db
    # Change and access logs of personal data (django-auditlog); qamqor.audit registers the models.
    "qamqor.core.third_party_apps.ChangeLogConfig",  # auditlog
    "qamqor.audit",
    # Lockout after repeated failed logins per user and address (django-axes; settings below).
    "qamqor.core.third_party_apps.LoginAttemptsConfig",  # axes
    # A second factor (TOTP and recovery codes) for administrators and staff who read social
    # records (qamqor/core/second_factor.py; settings OTP_* below).
    "django_otp",
    "qamqor.core.third_party_apps.AuthenticatorsConfig",  # django_otp.plugins.otp_totp
    "qamqor.core.third_party_apps.RecoveryCodesConfig",  # django_otp.plugins.otp_static
]

MIDDLEWARE = [
    # Behind nginx: the client's address from QAMQOR_CLIENT_ADDRESS_HEADER into REMOTE_ADDR,
    # before anything reads it (qamqor/core/proxy.py; not used when the variable is empty).
    "qamqor.core.proxy.ClientAddressFromProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "csp.middleware.CSPMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # request.user.is_verified(): has this session passed the second factor (django-otp)?
    "django_otp.middleware.OTPMiddleware",
    # Who acted, for the audit log: only remembers the request; nothing is read until an entry is written.
    "qamqor.audit.middleware.AuditContextMiddleware",
    # Staff sessions end after 30 idle minutes and 12 hours at most (qamqor/core/middleware.py).
    "qamqor.core.middleware.StaffSessionMiddleware",
    # Cache-Control: no-store on every page with personal data (the rule is in its docstring).
    "qamqor.core.middleware.NoStoreForPersonalDataMiddleware",
    # Until the session has passed the second factor, those who need one reach only its pages
    # (after the session rule above, so an expired session is anonymous first).
    "qamqor.core.second_factor.SecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    # Last, as django-axes asks: turns a login refused for a lockout into our lockout page.
    "axes.middleware.AxesMiddleware",
]

ROOT_URLCONF = "qamqor.urls"
WSGI_APPLICATION = "qamqor.wsgi.application"
ASGI_APPLICATION = "qamqor.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "qamqor" / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qamqor.core.context_processors.qamqor",
            ],
        },
    },
    {
        # The hot pages (the journal) only: see qamqor/core/jinja_env.py.
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "qamqor" / "jinja2"],
        "APP_DIRS": True,
        "OPTIONS": {
            "environment": "qamqor.core.jinja_env.environment",
            "context_processors": [
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "qamqor.core.context_processors.qamqor",
            ],
        },
    },
]

# Each process keeps its own cache in memory: it holds only rendered journal pages, whose keys
# carry the journal version read from the database (qamqor/journal/selectors.py), so processes
# never need to agree on anything and nothing has to be invalidated across them.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
        "OPTIONS": {"MAX_ENTRIES": 500},  # a journal page is about 40 KB: at most some 20 MB a process
    }
}

# Database: an embedded SQLite file by default, PostgreSQL when DATABASE_URL is set.
DATABASE_URL = os.environ.get("DATABASE_URL", "")
if DATABASE_URL:
    DATABASES = {"default": dj_database_url.parse(DATABASE_URL, conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")))}
    if DATABASES["default"]["ENGINE"] not in {"django.db.backends.postgresql", "django.db.backends.sqlite3"}:
        raise ImproperlyConfigured("DATABASE_URL must point at PostgreSQL (postgres://…) or SQLite (sqlite:///…).")
else:
    DATA_DIR.mkdir(parents=True, exist_ok=True)
    DATABASES = {
        "default": {
            "ENGINE": "django.db.backends.sqlite3",
            "NAME": DATA_DIR / "qamqor.sqlite3",
        }
    }
if DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql" and env_bool("DATABASE_PREPARED_STATEMENTS", True):
    # Statements run five times on a connection are prepared on the server: planning the same
    # query again was a third of a short request's time. Switch off behind a pooler in
    # transaction mode (PgBouncer before 1.21), which cannot keep prepared statements.
    DATABASES["default"].setdefault("OPTIONS", {}).update({"server_side_binding": True, "prepare_threshold": 5})
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # One writer at a time: IMMEDIATE transactions take the write lock at BEGIN, so a check
    # followed by an insert (booking, journal numbers) cannot interleave with another writer.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {
            "transaction_mode": "IMMEDIATE",
            "timeout": 20,
            "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL; PRAGMA foreign_keys=ON;",
        }
    )
    DATABASES["default"]["TEST"] = {"NAME": os.environ.get("QAMQOR_TEST_SQLITE_NAME") or None}
    # A new SQLite connection re-runs the PRAGMAs above (~1 ms), so keep it between requests.
    DATABASES["default"]["CONN_MAX_AGE"] = int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))
# A PostgreSQL read replica (streaming replication) for the officers' reports: only the views
# marked @reads_from_replica read there, everything else and every write stays on the primary
# (qamqor/core/db_router.py, docs/deploy.md). Run the test suite without it: its tests give
# themselves a replica alias (qamqor/core/tests/test_db_router.py).
DATABASE_REPLICA_URL = os.environ.get("DATABASE_REPLICA_URL", "").strip()
if DATABASE_REPLICA_URL:
    if DATABASES["default"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL needs DATABASE_URL to point at PostgreSQL too.")
    DATABASES["replica"] = dj_database_url.parse(
        DATABASE_REPLICA_URL, conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60"))
    )
    if DATABASES["replica"]["ENGINE"] != "django.db.backends.postgresql":
        raise ImproperlyConfigured("DATABASE_REPLICA_URL must point at PostgreSQL (postgres://…).")
    DATABASES["replica"].setdefault("OPTIONS", {}).update(DATABASES["default"].get("OPTIONS", {}))
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
    DATABASE_ROUTERS = ["qamqor.core.db_router.ReplicaRouter"]
# A kept connection (CONN_MAX_AGE) survives a PostgreSQL restart or failover only as a dead
# socket: the next request of every web worker that holds one failed with a 500. With health
# checks Django tries a reused connection (SELECT 1) before a request's first query and opens a
# new one when it is dead; `make resilience` (bench/pg_restart.py --quiet-restart) measured
# both (docs/operations.md).
for _database in DATABASES.values():
    if _database["ENGINE"] == "django.db.backends.postgresql":
        _database["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTH_PASSWORD_VALIDATORS = [
    {
        "NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator",
        # Our User keeps the person's name in full_name.
        "OPTIONS": {"user_attributes": ("username", "full_name", "first_name", "last_name", "email")},
    },
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
# django-axes checks every login first (it needs the request, which Django's LoginView passes)
# and refuses one for a locked user and address before the password is even looked at.
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    "django.contrib.auth.backends.ModelBackend",
]
# Lockout: after QAMQOR_LOGIN_FAILURE_LIMIT wrong passwords for one username from one address,
# that username is refused from that address (even with the right password) for
# QAMQOR_LOGIN_COOLOFF_MINUTES; other addresses and other usernames are not affected. Counters
# live in the database, so every web process sees them; a successful login resets them.
# An administrator unlocks at once in the admin ("Access attempts": delete the row) or with
# `manage.py axes_reset_username <username>`.
AXES_HANDLER = "axes.handlers.database.AxesDatabaseHandler"
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_FAILURE_LIMIT = env_int("QAMQOR_LOGIN_FAILURE_LIMIT", 5, minimum=1, maximum=100)
AXES_COOLOFF_TIME = timedelta(minutes=env_int("QAMQOR_LOGIN_COOLOFF_MINUTES", 15, minimum=1, maximum=24 * 60))
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False  # no banner on every start of manage.py and the workers
# The page, in the visitor's language (qamqor/core/views.py, registration/locked_out.html).
AXES_LOCKOUT_CALLABLE = "qamqor.core.views.locked_out"
# The address is REMOTE_ADDR only (axes' default): a header such as X-Forwarded-For would let
# anybody pick a new "address" for every attempt. Behind nginx, REMOTE_ADDR is set from the one
# header nginx always overwrites, named here (X-Real-IP in deploy/nginx/qamqor.conf); empty when
# the site is served without a proxy.
QAMQOR_CLIENT_ADDRESS_HEADER = os.environ.get("QAMQOR_CLIENT_ADDRESS_HEADER", "").strip()
if QAMQOR_CLIENT_ADDRESS_HEADER and not (
    QAMQOR_CLIENT_ADDRESS_HEADER.isascii() and QAMQOR_CLIENT_ADDRESS_HEADER.replace("-", "").isalnum()
):
    raise ImproperlyConfigured(
        f"QAMQOR_CLIENT_ADDRESS_HEADER must be a header name such as X-Real-IP, not {QAMQOR_CLIENT_ADDRESS_HEADER!r}"
    )

# The second factor (django-otp). After each wrong code a device refuses every code for
# factor × 2^(failures-1) seconds (1, 2, 4, 8 …: after ten wrong codes in a row the wait is 17
# minutes, after twenty, a week), so nobody can try the million 6-digit codes; a right code
# resets the count. The authenticator and the recovery codes count apart, so a person whose
# phone was tried by somebody else still gets in with a recovery code.
OTP_TOTP_THROTTLE_FACTOR = 1
OTP_STATIC_THROTTLE_FACTOR = 1
OTP_TOTP_ISSUER = "Qamqor"  # the name the authenticator app shows next to the code
# The admin never shows a device's secret key or its QR code: an administrator resets a lost
# device by deleting it, and the person sets up a new one at their next login.
OTP_ADMIN_HIDE_SENSITIVE_DATA = True

LOGIN_URL = "login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "login"

# Languages: Kazakh first.
LANGUAGE_CODE = "kk"
LANGUAGES = [("kk", "Қазақша"), ("ru", "Русский"), ("en", "English")]
LOCALE_PATHS = [BASE_DIR / "qamqor" / "locale"]
USE_I18N = True
FORMAT_MODULE_PATH = ["qamqor.formats"]
MODELTRANSLATION_DEFAULT_LANGUAGE = "kk"
MODELTRANSLATION_FALLBACK_LANGUAGES = {"default": ("kk", "ru", "en")}

# Time: store UTC, show Asia/Almaty (UTC+5 since 1 March 2024 in current tzdata).
TIME_ZONE = "Asia/Almaty"
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = DATA_DIR / "static"
# Bootstrap and htmx come from the npm registry at install time (`make`), never a CDN.
STATICFILES_DIRS = [
    ("vendor/bootstrap", BASE_DIR / "node_modules" / "bootstrap" / "dist"),
    ("vendor/htmx", BASE_DIR / "node_modules" / "htmx.org" / "dist"),
    BASE_DIR / "qamqor" / "static",
]
# Uploads in MEDIA_ROOT, or in an S3-compatible bucket (in Kazakhstan) when
# QAMQOR_MEDIA_S3_BUCKET is set: qamqor/core/media_storage.py, docs/deploy.md.
STORAGES = storages_from_environment(os.environ)
# In development and tests, serve straight from the finders (nobody runs collectstatic). In
# production only the collected files: with finders on, WhiteNoise would serve the uncompressed
# originals in place of collectstatic's .br/.gz copies, about four times the bytes for a phone.
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"
# Where `manage.py backup` writes its archives when no --output is given (docs/operations.md).
QAMQOR_BACKUP_DIR = Path(os.environ.get("QAMQOR_BACKUP_DIR", DATA_DIR / "backups"))

SESSION_COOKIE_HTTPONLY = True
# A signed-in staff session lasts 30 idle minutes and 12 hours at most (StaffSessionMiddleware);
# this is the limit for everyone else's (the messages of the public site).
SESSION_COOKIE_AGE = 12 * 60 * 60
QAMQOR_STAFF_IDLE_SECONDS = 30 * 60
QAMQOR_STAFF_SESSION_MAX_SECONDS = 12 * 60 * 60
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
# No script of ours reads the CSRF cookie: forms carry the token in a hidden field.
CSRF_COOKIE_HTTPONLY = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
# Same-origin, not "no-referrer": a private link (/my/<token>/) never leaves for another site,
# while our own forms still send their Origin, which the CSRF check needs (with "no-referrer"
# browsers send "Origin: null" and every POST of the public site is refused).
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"

# HTTPS. Plain HTTP is redirected to HTTPS unless debug. Behind a proxy that terminates TLS, name
# the header through which it tells the scheme (DJANGO_SECURE_PROXY_SSL_HEADER=X-Forwarded-Proto,
# value "https"), or every request looks like plain HTTP and is redirected for ever. Only set it
# when the proxy always sets (or strips) that header itself.
SECURE_SSL_REDIRECT = env_bool("DJANGO_SECURE_SSL_REDIRECT", not DEBUG)
_proxy_header = os.environ.get("DJANGO_SECURE_PROXY_SSL_HEADER", "").strip()
if _proxy_header:
    _header_name, _, _header_value = _proxy_header.partition("=")
    _header_name, _header_value = _header_name.strip(), (_header_value.strip() or "https")
    if not _header_name.replace("-", "").isalnum() or not _header_name.isascii():
        raise ImproperlyConfigured(
            f"DJANGO_SECURE_PROXY_SSL_HEADER must be a header name such as X-Forwarded-Proto "
            f"(optionally =value, default https), not {_proxy_header!r}"
        )
    SECURE_PROXY_SSL_HEADER = ("HTTP_" + _header_name.upper().replace("-", "_"), _header_value)
# HSTS: browsers that saw the site over HTTPS refuse plain HTTP to it for this long (a year by
# default; 0 switches it off). Sent over HTTPS only.
_YEAR = 365 * 24 * 60 * 60
SECURE_HSTS_SECONDS = env_int("DJANGO_SECURE_HSTS_SECONDS", 0 if DEBUG else _YEAR, minimum=0, maximum=2 * _YEAR)
SECURE_HSTS_INCLUDE_SUBDOMAINS = env_bool("DJANGO_SECURE_HSTS_INCLUDE_SUBDOMAINS", True)
# The preload directive only allows the domain's owner to submit it to the browsers' list.
SECURE_HSTS_PRELOAD = env_bool("DJANGO_SECURE_HSTS_PRELOAD", True)

# Content-Security-Policy (django-csp): our own files only, no inline script or style, no other
# host. Page behaviour lives in qamqor/static/qamqor/qamqor.js; a test keeps templates free of
# inline scripts, on* handlers and style attributes (qamqor/core/tests/test_security.py).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "object-src": ["'none'"],
        "frame-ancestors": ["'none'"],
        "form-action": ["'self'"],
        "base-uri": ["'none'"],
    }
}

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "qamqor@localhost")

LOG_LEVEL = os.environ.get("QAMQOR_LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"QAMQOR_LOG_LEVEL must be a logging level name, not {LOG_LEVEL!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    # No IIN or phone number reaches a log: the filter masks them (qamqor/core/logging.py), and
    # the test suite fails if any record would have needed it (qamqor/core/testing/log_capture.py).
    "filters": {"personal_data": {"()": "qamqor.core.logging.PersonalDataFilter"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "filters": ["personal_data"]}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    "loggers": {
        # WeasyPrint's font subsetting logs every table at INFO.
        "fontTools": {"level": "WARNING"},
        "weasyprint": {"level": "WARNING"},
        # Django's own handlers (a debug console, mail to ADMINS with the request's data, the
        # runserver console) would bypass the filter: everything goes through the root's.
        "django": {"handlers": [], "level": "INFO", "propagate": True},
        "django.server": {"handlers": [], "level": "INFO", "propagate": True},
    },
}

# The audit log (qamqor/audit): IINs are stored masked but for their last four digits.
AUDITLOG_MASK_CALLABLE = "qamqor.audit.registration.mask_iin"
AUDITLOG_DISABLE_ON_RAW_SAVE = True  # fixtures and loaddata are not somebody's change

# How long an organisation keeps a family's personal data after the family's last activity,
# unless it sets its own period (Organization.retention_months; `manage.py apply_retention`).
# Three years by default: the general limitation period of the Civil Code of the Republic of
# Kazakhstan (art. 178) is three years, so a complaint about a consultation can come that late,
# and a child's years in a kindergarten span about as long, so a family that returns with the
# same child still finds its history.
QAMQOR_RETENTION_MONTHS = env_int("QAMQOR_RETENTION_MONTHS", 36, minimum=1, maximum=1200)

# Length of one consultation slot when a point does not set its own.
QAMQOR_DEFAULT_SLOT_MINUTES = int(os.environ.get("QAMQOR_DEFAULT_SLOT_MINUTES", "30"))
if not 5 <= QAMQOR_DEFAULT_SLOT_MINUTES <= 240:
    raise ImproperlyConfigured("QAMQOR_DEFAULT_SLOT_MINUTES must be between 5 and 240")

# How many consultations still to come one phone number may hold through the public site: a
# person who books every free time with made-up names would lock the parents out.
try:
    QAMQOR_MAX_FUTURE_BOOKINGS_PER_PHONE = int(os.environ.get("QAMQOR_MAX_FUTURE_BOOKINGS_PER_PHONE", "3"))
except ValueError:
    raise ImproperlyConfigured("QAMQOR_MAX_FUTURE_BOOKINGS_PER_PHONE must be a whole number") from None
if not 1 <= QAMQOR_MAX_FUTURE_BOOKINGS_PER_PHONE <= 50:
    raise ImproperlyConfigured("QAMQOR_MAX_FUTURE_BOOKINGS_PER_PHONE must be between 1 and 50")

# The public site's address as parents open it (https://qamqor.example.kz). Letters sent
# outside a parent's visit (the link to rate a consultation, sent when the specialist records
# it) build their links from it. By default: the first allowed host over HTTPS.
_first_host = next((h for h in ALLOWED_HOSTS if h not in {"*"} and not h.startswith(".")), "")
QAMQOR_PUBLIC_URL = os.environ.get("QAMQOR_PUBLIC_URL", "").strip() or (
    "http://127.0.0.1:8000" if DEBUG else (f"https://{_first_host}" if _first_host else "")
)
QAMQOR_PUBLIC_URL = QAMQOR_PUBLIC_URL.rstrip("/")
if QAMQOR_PUBLIC_URL:
    _public = urlsplit(QAMQOR_PUBLIC_URL)
    if _public.scheme not in {"http", "https"} or not _public.netloc or _public.query or _public.fragment:
        raise ImproperlyConfigured(
            f"QAMQOR_PUBLIC_URL must be an address like https://qamqor.example.kz, not {QAMQOR_PUBLIC_URL!r}"
        )

# Background work (issue 8): the Django Tasks API on its database backend. `make run` starts a
# worker beside the web server; production runs any number of `manage.py db_worker` processes
# on the same queue (deploy/qamqor-worker.service). Tests keep the database backend and run the
# queued tasks through the worker's own code (qamqor/notify/tests/conftest.py).
TASKS = {"default": {"BACKEND": "django_tasks_db.DatabaseBackend"}}


def _whole_number(name: str, default: int, low: int, high: int) -> int:
    try:
        value = int(os.environ.get(name, "").strip() or default)
    except ValueError:
        raise ImproperlyConfigured(f"{name} must be a whole number") from None
    if not low <= value <= high:
        raise ImproperlyConfigured(f"{name} must be between {low} and {high}")
    return value


def _yes_no(name: str) -> bool:
    value = os.environ.get(name, "").strip().lower()
    if value not in {"", "0", "1", "true", "false", "yes", "no"}:
        raise ImproperlyConfigured(f"{name} must be 1 or 0")
    return value in {"1", "true", "yes"}


# Mail by SMTP (DJANGO_EMAIL_BACKEND=django.core.mail.backends.smtp.EmailBackend): the server.
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
EMAIL_PORT = _whole_number("DJANGO_EMAIL_PORT", 25, 1, 65535)
EMAIL_HOST_USER = os.environ.get("DJANGO_EMAIL_HOST_USER", "")
EMAIL_HOST_PASSWORD = os.environ.get("DJANGO_EMAIL_HOST_PASSWORD", "")
if not EMAIL_HOST_PASSWORD and os.environ.get("DJANGO_EMAIL_HOST_PASSWORD_FILE"):
    EMAIL_HOST_PASSWORD = Path(os.environ["DJANGO_EMAIL_HOST_PASSWORD_FILE"]).read_text(encoding="utf-8").strip()
EMAIL_USE_TLS = _yes_no("DJANGO_EMAIL_USE_TLS")
EMAIL_USE_SSL = _yes_no("DJANGO_EMAIL_USE_SSL")
if EMAIL_USE_TLS and EMAIL_USE_SSL:
    raise ImproperlyConfigured("DJANGO_EMAIL_USE_TLS and DJANGO_EMAIL_USE_SSL exclude each other: set one")
# A mail server that does not answer must not hold a worker for ever.
EMAIL_TIMEOUT = _whole_number("DJANGO_EMAIL_TIMEOUT", 20, 1, 600)

# Reminders and messages (qamqor/notify). SMS: "console" prints them (development), "mobizon"
# sends them through Mobizon.kz's HTTP API (docs/operations.md, "Workers and messages").
QAMQOR_SMS_BACKEND = os.environ.get("QAMQOR_SMS_BACKEND", "console").strip() or "console"
if QAMQOR_SMS_BACKEND not in {"console", "mobizon"}:
    raise ImproperlyConfigured(f"QAMQOR_SMS_BACKEND must be console or mobizon, not {QAMQOR_SMS_BACKEND!r}")
QAMQOR_MOBIZON_URL = (os.environ.get("QAMQOR_MOBIZON_URL", "").strip() or "https://api.mobizon.kz").rstrip("/")
if urlsplit(QAMQOR_MOBIZON_URL).scheme not in {"http", "https"} or not urlsplit(QAMQOR_MOBIZON_URL).netloc:
    raise ImproperlyConfigured(
        f"QAMQOR_MOBIZON_URL must be an address like https://api.mobizon.kz, not {QAMQOR_MOBIZON_URL!r}"
    )
QAMQOR_MOBIZON_API_KEY = os.environ.get("QAMQOR_MOBIZON_API_KEY", "").strip()
if not QAMQOR_MOBIZON_API_KEY and os.environ.get("QAMQOR_MOBIZON_API_KEY_FILE"):
    QAMQOR_MOBIZON_API_KEY = Path(os.environ["QAMQOR_MOBIZON_API_KEY_FILE"]).read_text(encoding="utf-8").strip()
if QAMQOR_SMS_BACKEND == "mobizon" and not QAMQOR_MOBIZON_API_KEY:
    raise ImproperlyConfigured("QAMQOR_SMS_BACKEND=mobizon needs QAMQOR_MOBIZON_API_KEY (or QAMQOR_MOBIZON_API_KEY_FILE)")
# The sender name registered with the gateway (alphanumeric, up to 11 characters); empty = the gateway's default.
QAMQOR_SMS_SENDER = os.environ.get("QAMQOR_SMS_SENDER", "").strip()
if len(QAMQOR_SMS_SENDER) > 11:
    raise ImproperlyConfigured("QAMQOR_SMS_SENDER must be at most 11 characters")
# Attempts per channel before a message falls back to the parent's other channel, and the first
# wait between attempts in seconds (each next wait is five times longer).
QAMQOR_NOTIFY_ATTEMPTS = _whole_number("QAMQOR_NOTIFY_ATTEMPTS", 3, 1, 10)
QAMQOR_NOTIFY_RETRY_SECONDS = _whole_number("QAMQOR_NOTIFY_RETRY_SECONDS", 60, 1, 86400)
# httpx logs every request's address at INFO: Mobizon's carries the API key, the Bot API's the
# bot's token. Only its warnings reach the log.
LOGGING["loggers"]["httpx"] = {"level": "WARNING"}
LOGGING["loggers"]["httpcore"] = {"level": "WARNING"}

# The Telegram bot (qamqor/notify/telegram.py), run by long polling: `manage.py telegram_bot`.
# Without a token the bot is off and no page offers to link Telegram.
QAMQOR_TELEGRAM_BOT_TOKEN = os.environ.get("QAMQOR_TELEGRAM_BOT_TOKEN", "").strip()
if not QAMQOR_TELEGRAM_BOT_TOKEN and os.environ.get("QAMQOR_TELEGRAM_BOT_TOKEN_FILE"):
    QAMQOR_TELEGRAM_BOT_TOKEN = Path(os.environ["QAMQOR_TELEGRAM_BOT_TOKEN_FILE"]).read_text(encoding="utf-8").strip()
QAMQOR_TELEGRAM_BOT_USERNAME = os.environ.get("QAMQOR_TELEGRAM_BOT_USERNAME", "").strip().lstrip("@")
if QAMQOR_TELEGRAM_BOT_TOKEN and not QAMQOR_TELEGRAM_BOT_USERNAME:
    raise ImproperlyConfigured("QAMQOR_TELEGRAM_BOT_TOKEN needs QAMQOR_TELEGRAM_BOT_USERNAME (the bot's name, for its links)")
QAMQOR_TELEGRAM_API_URL = (os.environ.get("QAMQOR_TELEGRAM_API_URL", "").strip() or "https://api.telegram.org").rstrip("/")
if urlsplit(QAMQOR_TELEGRAM_API_URL).scheme not in {"http", "https"} or not urlsplit(QAMQOR_TELEGRAM_API_URL).netloc:
    raise ImproperlyConfigured(
        f"QAMQOR_TELEGRAM_API_URL must be an address like https://api.telegram.org, not {QAMQOR_TELEGRAM_API_URL!r}"
    )

# How the bot gets its updates: "polling" (`manage.py telegram_bot` asks Telegram) or "webhook"
# (Telegram POSTs each update to notify:telegram_webhook under QAMQOR_PUBLIC_URL, registered once
# by `manage.py telegram_bot --set-webhook`). The webhook is authenticated by the secret Telegram
# sends back in X-Telegram-Bot-Api-Secret-Token (1-256 of A-Z a-z 0-9 _ -).
QAMQOR_TELEGRAM_MODE = os.environ.get("QAMQOR_TELEGRAM_MODE", "").strip().lower() or "polling"
if QAMQOR_TELEGRAM_MODE not in {"polling", "webhook"}:
    raise ImproperlyConfigured(f"QAMQOR_TELEGRAM_MODE must be polling or webhook, not {QAMQOR_TELEGRAM_MODE!r}")
QAMQOR_TELEGRAM_WEBHOOK_SECRET = os.environ.get("QAMQOR_TELEGRAM_WEBHOOK_SECRET", "").strip()
if not QAMQOR_TELEGRAM_WEBHOOK_SECRET and os.environ.get("QAMQOR_TELEGRAM_WEBHOOK_SECRET_FILE"):
    QAMQOR_TELEGRAM_WEBHOOK_SECRET = Path(os.environ["QAMQOR_TELEGRAM_WEBHOOK_SECRET_FILE"]).read_text(encoding="utf-8").strip()
_secret_ok = re.fullmatch(r"[A-Za-z0-9_-]{16,256}", QAMQOR_TELEGRAM_WEBHOOK_SECRET)
if QAMQOR_TELEGRAM_MODE == "webhook" and QAMQOR_TELEGRAM_BOT_TOKEN and not _secret_ok:
    raise ImproperlyConfigured("QAMQOR_TELEGRAM_MODE=webhook needs QAMQOR_TELEGRAM_WEBHOOK_SECRET: 16-256 of A-Z a-z 0-9 _ -")

# The REST API v1 (qamqor/api): its own settings live with it; the schema by drf-spectacular.
REST_FRAMEWORK = {
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    # Tokens only (Authorization: Bearer …, qamqor/api/authentication.py), never the session
    # cookie; and JSON bodies only, which a page on another site cannot send without CORS: so
    # no call can ride on a browser's cookie or form, and the API needs no CSRF token.
    "DEFAULT_AUTHENTICATION_CLASSES": ["qamqor.api.authentication.ApiTokenAuthentication"],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.AllowAny"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser"],
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PAGINATION_CLASS": "qamqor.api.pagination.ApiPagination",
    "EXCEPTION_HANDLER": "qamqor.api.errors.exception_handler",
    # Per client address without a token, per token with one (qamqor/api/throttling.py).
    "DEFAULT_THROTTLE_CLASSES": ["qamqor.api.throttling.AnonymousThrottle", "qamqor.api.throttling.TokenThrottle"],
    "DEFAULT_THROTTLE_RATES": {"anonymous": "120/min", "token": "600/min"},
    # REMOTE_ADDR only: X-Forwarded-For is the client's to write (qamqor/core/proxy.py sets
    # REMOTE_ADDR behind nginx).
    "NUM_PROXIES": 0,
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "Qamqor API",
    "DESCRIPTION": "Consultation points, free times, booking, events and materials; the organisation's requests with a token.",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
}
