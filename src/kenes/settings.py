"""Django settings for Kenes, read from environment variables only.

Every setting has a safe default so that a fresh checkout runs with no configuration:
SQLite under ``KENES_DATA_DIR`` (``./var``), a secret key generated once into that folder,
and DEBUG off unless ``KENES_DEBUG=1``. Production sets ``KENES_DATABASE_URL`` and friends;
see docs/operations.md.
"""

from __future__ import annotations

import os
import secrets
from pathlib import Path

import dj_database_url
import django_stubs_ext
from django.utils.translation import gettext_lazy as _

# Lets admin and form classes be written generic (ModelAdmin[Unit]) for mypy.
django_stubs_ext.monkeypatch()

BASE_DIR = Path(__file__).resolve().parent


def _env_bool(name: str, default: bool = False) -> bool:
    value = os.environ.get(name)
    if value is None:
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _env_list(name: str, default: str) -> list[str]:
    return [item.strip() for item in os.environ.get(name, default).split(",") if item.strip()]


DATA_DIR = Path(os.environ.get("KENES_DATA_DIR", Path.cwd() / "var")).resolve()
DATA_DIR.mkdir(parents=True, exist_ok=True)


def _secret_key() -> str:
    """Return KENES_SECRET_KEY, or a random key kept in DATA_DIR (never a hard-coded one)."""
    if key := os.environ.get("KENES_SECRET_KEY"):
        return key
    key_file = DATA_DIR / "secret_key"
    if not key_file.exists():
        key_file.write_text(secrets.token_urlsafe(50))
        key_file.chmod(0o600)
    return key_file.read_text().strip()


SECRET_KEY = _secret_key()
DEBUG = _env_bool("KENES_DEBUG")
ALLOWED_HOSTS = _env_list("KENES_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1],testserver")
CSRF_TRUSTED_ORIGINS = _env_list("KENES_CSRF_TRUSTED_ORIGINS", "")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.postgres",
    "django_tasks",
    "django_tasks_db",
    "kenes.core",
    "kenes.counters",
    "kenes.accounts",
    "kenes.drafts",
    "kenes.consultations",
    "kenes.proposals",
    "kenes.review",
    "kenes.ledger",
    "kenes.insights",
    "kenes.geo",
    "kenes.coalition",
    "kenes.outreach",
    "kenes.changes",
    "kenes.comments",
    "kenes.opendata",
    "kenes.reports",
    "kenes.accountability",
    "kenes.portal",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "kenes.core.middleware.QueryLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "kenes.portal.staff_views.FriendlyNotFoundMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
]

ROOT_URLCONF = "kenes.urls"
WSGI_APPLICATION = "kenes.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "django.template.context_processors.i18n",
                "kenes.core.context_processors.kenes",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("KENES_DATABASE_URL", f"sqlite:///{DATA_DIR / 'kenes.sqlite3'}"),
        conn_max_age=int(os.environ.get("KENES_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the portal and a task worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
        "transaction_mode": "IMMEDIATE",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "staff:login"
LOGIN_REDIRECT_URL = "portal:home"
LOGOUT_REDIRECT_URL = None
CSRF_FAILURE_VIEW = "kenes.portal.staff_views.csrf_failure"

# Languages: Kazakh is the state language and the default; Russian and English follow.
LANGUAGE_CODE = os.environ.get("KENES_LANGUAGE_CODE", "kk")
LANGUAGES = [("kk", _("Kazakh")), ("ru", _("Russian")), ("en", _("English"))]
# locale_django: Kazakh for Django's own admin strings that Django's kk catalog lacks (after ours).
LOCALE_PATHS = [BASE_DIR / "locale", BASE_DIR / "locale_django"]
FORMAT_MODULE_PATH = ["kenes.formats"]
LANGUAGE_COOKIE_NAME = "kenes_lang"
LANGUAGE_COOKIE_AGE = 365 * 24 * 3600
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = os.environ.get("KENES_TIME_ZONE", "Asia/Almaty")
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = DATA_DIR / "static"
STATIC_ROOT.mkdir(exist_ok=True)
MEDIA_URL = "/media/"
MEDIA_ROOT = DATA_DIR / "media"
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Hashed, compressed names once `kenes collectstatic` has run (production); plain names
    # served from the apps' folders before that (demo, tests).
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if (STATIC_ROOT / "staticfiles.json").exists()
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
WHITENOISE_USE_FINDERS = True
WHITENOISE_MANIFEST_STRICT = False

TASKS = {
    "default": {
        "BACKEND": os.environ.get("KENES_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
    }
}

SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SECURE = _env_bool("KENES_SECURE_COOKIES")
CSRF_COOKIE_SECURE = SESSION_COOKIE_SECURE
SECURE_CONTENT_TYPE_NOSNIFF = True
X_FRAME_OPTIONS = "DENY"
SECURE_REFERRER_POLICY = "same-origin"

# Uploads and imports: refuse anything larger than this, with a clear message.
KENES_DRAFT_MAX_BYTES = int(os.environ.get("KENES_DRAFT_MAX_BYTES", str(20 * 1024 * 1024)))
# Largest proposals file `kenes import-proposals` accepts (bytes).
KENES_IMPORT_MAX_BYTES = int(os.environ.get("KENES_IMPORT_MAX_BYTES", str(2 * 1024**3)))
# Outreach: which settlements count as remote (docs/outreach.md), upload limits, region shapes.
KENES_REMOTE_POPULATION = int(os.environ.get("KENES_REMOTE_POPULATION", "500"))
KENES_REMOTE_DISTANCE_KM = float(os.environ.get("KENES_REMOTE_DISTANCE_KM", "50"))
if os.environ.get("KENES_REMOTE_KINDS"):
    KENES_REMOTE_KINDS = os.environ["KENES_REMOTE_KINDS"]
KENES_PHOTO_MAX_BYTES = int(os.environ.get("KENES_PHOTO_MAX_BYTES", str(8 * 1024 * 1024)))
KENES_LOGO_MAX_BYTES = int(os.environ.get("KENES_LOGO_MAX_BYTES", str(512 * 1024)))
KENES_REGIONS_GEOJSON = os.environ.get("KENES_REGIONS_GEOJSON", "")
# The same text from the same author within this many seconds is politely refused.
KENES_DUPLICATE_WINDOW = int(os.environ.get("KENES_DUPLICATE_WINDOW", "600"))
# Seconds a worker keeps the public dashboard's figures before reading the counters again.
KENES_STATS_CACHE_SECONDS = int(os.environ.get("KENES_STATS_CACHE_SECONDS", "5"))
# Sequence ledger entries right after each commit (demo, small deployments). Production runs
# `kenes ledger sequence --loop` instead, which batches entries every second.
KENES_LEDGER_AUTOSEQUENCE = _env_bool("KENES_LEDGER_AUTOSEQUENCE", DEBUG)
KENES_NOTIFIER = os.environ.get("KENES_NOTIFIER", "console")
KENES_PUBLIC_URL = os.environ.get("KENES_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
# Open data (kenes.opendata): licence of the daily package, folder it is written to.
KENES_OPENDATA_LICENSE = os.environ.get("KENES_OPENDATA_LICENSE", "CC-BY-4.0")
KENES_OPENDATA_DIR = os.environ.get("KENES_OPENDATA_DIR", "")
DEFAULT_FROM_EMAIL = os.environ.get("KENES_FROM_EMAIL", "kenes@localhost")
EMAIL_HOST = os.environ.get("KENES_EMAIL_HOST", "localhost")
DATA_UPLOAD_MAX_MEMORY_SIZE = int(os.environ.get("KENES_UPLOAD_MAX_BYTES", str(2 * 1024 * 1024)))

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": os.environ.get("KENES_LOG_LEVEL", "INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}
