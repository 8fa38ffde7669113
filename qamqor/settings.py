"""Qamqor settings: one file, configured by environment variables only.

Every variable is documented in `.env.example` and the README. A value that makes no sense
stops the start with ImproperlyConfigured instead of being silently ignored.
"""

from __future__ import annotations

import os
from pathlib import Path
from urllib.parse import urlsplit

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

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
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_htmx",
    "qamqor.core",
    "qamqor.orgs",
    "qamqor.families",
    "qamqor.journal",
    "qamqor.scheduling",
    "qamqor.reports",
    "qamqor.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
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

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "core.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
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
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedStaticFilesStorage"},
}
# In development and tests, serve straight from the finders (nobody runs collectstatic). In
# production only the collected files: with finders on, WhiteNoise would serve the uncompressed
# originals in place of collectstatic's .br/.gz copies, about four times the bytes for a phone.
WHITENOISE_USE_FINDERS = DEBUG
MEDIA_ROOT = DATA_DIR / "media"
MEDIA_URL = "media/"

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_AGE = 12 * 60 * 60
SESSION_COOKIE_SECURE = env_bool("DJANGO_SECURE_COOKIES", not DEBUG)
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
X_FRAME_OPTIONS = "DENY"

EMAIL_BACKEND = os.environ.get("DJANGO_EMAIL_BACKEND", "django.core.mail.backends.console.EmailBackend")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "qamqor@localhost")

LOG_LEVEL = os.environ.get("QAMQOR_LOG_LEVEL", "INFO").upper()
if LOG_LEVEL not in {"DEBUG", "INFO", "WARNING", "ERROR", "CRITICAL"}:
    raise ImproperlyConfigured(f"QAMQOR_LOG_LEVEL must be a logging level name, not {LOG_LEVEL!r}")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": LOG_LEVEL},
    # WeasyPrint's font subsetting logs every table at INFO.
    "loggers": {"fontTools": {"level": "WARNING"}, "weasyprint": {"level": "WARNING"}},
}

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
