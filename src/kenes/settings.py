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
from typing import Any

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
    "ninja",
    "axes",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "kenes.core",
    "kenes.counters",
    "kenes.accounts",
    "kenes.drafts",
    "kenes.consultations",
    "kenes.proposals",
    "kenes.review",
    "kenes.ledger",
    "kenes.insights",
    "kenes.deliberation",
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
    # Anonymous GETs: ETags and 304s; short public caching, reads from the replica.
    "django.middleware.http.ConditionalGetMiddleware",
    "kenes.core.public.PublicReadMiddleware",
    # Compress HTML and API answers (static files come precompressed from whitenoise). Inside
    # the public page cache, so a cached page is kept compressed, not compressed per reader.
    "django.middleware.gzip.GZipMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "kenes.core.middleware.QueryLanguageMiddleware",
    # Kazakh in the Latin alphabet on the reader's request (?script=latn; kenes.core.translit).
    "kenes.core.middleware.ScriptMiddleware",
    "kenes.core.middleware.BadInputMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django_otp.middleware.OTPMiddleware",
    "kenes.core.middleware.StaffSecondFactorMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "kenes.portal.staff_views.FriendlyErrorPagesMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "kenes.core.middleware.ContentSecurityPolicyMiddleware",
    "axes.middleware.AxesMiddleware",
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
                "kenes.core.context_processors.script",
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
# A PostgreSQL streaming replica for anonymous public reads (kenes.core.public.ReplicaRouter).
if os.environ.get("KENES_REPLICA_DATABASE_URL"):
    DATABASES["replica"] = dj_database_url.parse(
        os.environ["KENES_REPLICA_DATABASE_URL"],
        conn_max_age=int(os.environ.get("KENES_DB_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
    DATABASES["replica"]["TEST"] = {"MIRROR": "default"}
DATABASE_ROUTERS = ["kenes.core.public.ReplicaRouter"]
# Seconds a shared cache may keep an anonymous public page (0 turns public caching off).
KENES_PUBLIC_MAX_AGE = int(os.environ.get("KENES_PUBLIC_MAX_AGE", "30"))
# Seconds the public lists' counts by state/language/channel are reused per filter (0: always
# count). Per process (local memory cache) unless CACHES is set to a shared cache.
KENES_COUNTS_TTL = int(os.environ.get("KENES_COUNTS_TTL", "30"))
# ... and for counts that took over 0.2 s to compute (common words over a million proposals).
KENES_COUNTS_TTL_SLOW = int(os.environ.get("KENES_COUNTS_TTL_SLOW", "300"))

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
# The reader's alphabet for Kazakh pages: "latn" shows them in the Latin alphabet of 2021.
KENES_SCRIPT_COOKIE = "kenes_script"
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

# Separate queues, each drained by its own workers, so a long analysis or report never holds
# back receipts (docs/operations.md: `kenes db-worker --queue-name notifications` ...).
TASK_QUEUES = ["default", "notifications", "analysis", "reports"]
TASKS: dict[str, dict[str, Any]] = {
    "default": {
        "BACKEND": os.environ.get("KENES_TASKS_BACKEND", "django_tasks_db.DatabaseBackend"),
        # Queues, each drained by its own workers (docs/operations.md): "analysis" for heavy
        # insights tasks, "notifications" for receipts, "reports" for PDFs and open data.
        "QUEUES": TASK_QUEUES,
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
# Proposals are published at once ("publish") or after moderation ("premoderate"); a document's
# own setting (drafts.Document.moderation) overrides this.
KENES_MODERATION = os.environ.get("KENES_MODERATION", "publish")
# Deliberation: votes a statement needs before results show it; debounce of recomputes (s).
KENES_DELIB_MIN_VOTES = int(os.environ.get("KENES_DELIB_MIN_VOTES", "20"))
KENES_DELIB_RECOMPUTE_DELAY = float(os.environ.get("KENES_DELIB_RECOMPUTE_DELAY", "5"))
KENES_DELIB_AUTO = _env_bool("KENES_DELIB_AUTO", True)
# Without a task worker (make demo), compute queued results when a results page is read.
KENES_DELIB_RECOMPUTE_ON_READ = _env_bool("KENES_DELIB_RECOMPUTE_ON_READ", DEBUG)
# Seconds a worker keeps the public dashboard's figures before reading the counters again.
KENES_STATS_CACHE_SECONDS = int(os.environ.get("KENES_STATS_CACHE_SECONDS", "5"))
# API intake by group commit (kenes.proposals.batcher): one writer thread per web process.
KENES_INTAKE_GROUP_COMMIT = _env_bool("KENES_INTAKE_GROUP_COMMIT", True)
# POST /api/proposals/ through the lean intake handler (kenes.api.intake).
KENES_INTAKE_LEAN = _env_bool("KENES_INTAKE_LEAN", True)
KENES_INTAKE_BATCH_MAX = int(os.environ.get("KENES_INTAKE_BATCH_MAX", "500"))
KENES_INTAKE_QUEUE_MAX = int(os.environ.get("KENES_INTAKE_QUEUE_MAX", "2000"))
KENES_INTAKE_MAX_WAIT = float(os.environ.get("KENES_INTAKE_MAX_WAIT", "2.0"))
KENES_INTAKE_REACTIONS_EVERY = float(os.environ.get("KENES_INTAKE_REACTIONS_EVERY", "0.5"))
# A writer process of its own for the whole host (`kenes intake-writer`, decision 29): the web
# processes send it their submissions over this Unix socket; empty: each writes by itself.
KENES_INTAKE_WRITER_SOCKET = os.environ.get("KENES_INTAKE_WRITER_SOCKET", "")
KENES_INTAKE_WRITER_TIMEOUT = float(os.environ.get("KENES_INTAKE_WRITER_TIMEOUT", "20"))
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
    "loggers": {"django.db.backends": {"level": "WARNING"}, "axes": {"level": "WARNING"}},
}


# --- Abuse limits, staff sign-in and deployment hardening (docs/security.md) ---------------

# The cache holds the rate-limit counters. Local memory counts per process (development); with
# several gunicorn workers use the database (``db://``, after ``kenes createcachetable``) or
# Redis (``redis://host:6379/0``), which every worker shares.
_cache_url = os.environ.get("KENES_CACHE_URL", "locmem://")
if _cache_url.startswith(("redis://", "rediss://", "unix://")):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.redis.RedisCache",
            "LOCATION": _cache_url,
        }
    }
elif _cache_url.startswith("db://"):
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.db.DatabaseCache",
            "LOCATION": _cache_url.removeprefix("db://") or "kenes_cache",
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Rate limits, "N/period" (period in seconds, or s/m/h/d); "off" disables one. Each counts per
# client IP and, where there is one, per identity (browser, API token, receipt code, username).
KENES_RATE_LIMITS = {
    # proposals sent through the web form or the API without a token
    "submit": os.environ.get("KENES_RATE_SUBMIT", "20/600"),
    # proposals sent with an API token (partners' bulk channels)
    "submit_token": os.environ.get("KENES_RATE_SUBMIT_TOKEN", "600/60"),
    # wrong receipt secrets (per IP and per receipt code)
    "receipt_secret": os.environ.get("KENES_RATE_RECEIPT_SECRET", "10/3600"),
    # sign-in attempts (staff admin, citizens' one-time codes)
    "signin": os.environ.get("KENES_RATE_SIGNIN", "20/600"),
    # votes and reactions (deliberation)
    "vote": os.environ.get("KENES_RATE_VOTE", "120/600"),
    # the propose form's "similar proposals" box (one request per pause in typing)
    "similar": os.environ.get("KENES_RATE_SIMILAR", "600/600"),
}
# Reverse proxies in front of Kenes that append to X-Forwarded-For (0: use REMOTE_ADDR).
KENES_PROXY_COUNT = int(os.environ.get("KENES_PROXY_COUNT", "0"))
# Flood flags at intake: the same text this many times in the window, or this many proposals
# from one source/browser in the burst window, flags the proposal for reviewers.
KENES_FLOOD_SAME_TEXT = int(os.environ.get("KENES_FLOOD_SAME_TEXT", "5"))
KENES_FLOOD_BURST = int(os.environ.get("KENES_FLOOD_BURST", "10"))
KENES_FLOOD_WINDOW = int(os.environ.get("KENES_FLOOD_WINDOW", "3600"))
# A lost API response: a retry with the same Idempotency-Key shows the secret again within
# this many seconds (the secret is kept encrypted until then, then erased).
KENES_RECEIPT_REPLAY_SECONDS = int(os.environ.get("KENES_RECEIPT_REPLAY_SECONDS", "86400"))
# Where the live analysis step runs in the web process (the demo: KENES_INSIGHTS_INLINE, on in
# DEBUG), build its state in the background on the process's first request.
KENES_INSIGHTS_WARM = _env_bool("KENES_INSIGHTS_WARM", DEBUG)
# The analysis worker waits while proposals arrive faster than this per second (0: never), for
# at most KENES_INSIGHTS_YIELD_MAX seconds in a row: receipts first in a surge (decision 28).
KENES_INSIGHTS_YIELD_RATE = float(os.environ.get("KENES_INSIGHTS_YIELD_RATE", "200"))
KENES_INSIGHTS_YIELD_MAX = float(os.environ.get("KENES_INSIGHTS_YIELD_MAX", "300"))

# Staff sign-in: lockout after repeated failures (django-axes) and a TOTP second factor
# (django-otp) when KENES_STAFF_OTP is on (production).
AUTHENTICATION_BACKENDS = ["kenes.core.auth.LockoutBackend"]
AXES_FAILURE_LIMIT = int(os.environ.get("KENES_LOGIN_FAILURES", "5"))
AXES_COOLOFF_TIME = float(os.environ.get("KENES_LOGIN_COOLOFF_HOURS", "0.25"))
AXES_LOCKOUT_PARAMETERS = [["username", "ip_address"]]
AXES_RESET_ON_SUCCESS = True
AXES_VERBOSE = False
AXES_HTTP_RESPONSE_CODE = 429
AXES_LOCKOUT_TEMPLATE = "core/locked_out.html"
AXES_IPWARE_META_PRECEDENCE_ORDER = ["REMOTE_ADDR"]
AXES_CLIENT_IP_CALLABLE = "kenes.core.ratelimit.client_ip"
KENES_STAFF_OTP = _env_bool("KENES_STAFF_OTP")
OTP_TOTP_ISSUER = "Kenes"

# HTTPS: behind a TLS-terminating proxy set all of these (docs/security.md).
SECURE_HSTS_SECONDS = int(os.environ.get("KENES_HSTS_SECONDS", "0"))
SECURE_HSTS_INCLUDE_SUBDOMAINS = _env_bool("KENES_HSTS_INCLUDE_SUBDOMAINS")
SECURE_HSTS_PRELOAD = _env_bool("KENES_HSTS_PRELOAD")
SECURE_SSL_REDIRECT = _env_bool("KENES_SSL_REDIRECT")
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if _proxy_header := os.environ.get("KENES_PROXY_SSL_HEADER", ""):
    # e.g. "X-Forwarded-Proto=https": the header the proxy sets (and strips from clients).
    _name, _sep, _value = _proxy_header.partition("=")
    SECURE_PROXY_SSL_HEADER = (
        "HTTP_" + _name.strip().upper().replace("-", "_"),
        _value.strip() or "https",
    )
# Content Security Policy: every script, style, font and image from our own origin.
KENES_CSP = os.environ.get(
    "KENES_CSP",
    "default-src 'self'; script-src 'self'; style-src 'self'; img-src 'self' data:; "
    "font-src 'self'; connect-src 'self'; object-src 'none'; base-uri 'self'; "
    "form-action 'self'; frame-ancestors 'none'; worker-src 'self'; manifest-src 'self'",
)
# Serve uploads (MEDIA_ROOT) from Django itself: the documented set-up has no separate web
# server for them. Set 0 when the proxy serves /media/ from $KENES_DATA_DIR/media.
KENES_SERVE_MEDIA = _env_bool("KENES_SERVE_MEDIA", True)

# --- Citizens, consent, retention, ledger key separation (trust-c; docs/security.md) ---
# Identity per consultation (drafts.Document.identity), this is the default: "anonymous"
# (receipts only; signing in is optional), "signin" (sign in to propose) or "iin" (sign in
# and give a checked IIN).
KENES_IDENTITY = os.environ.get("KENES_IDENTITY", "anonymous")
KENES_SMS_BACKEND = os.environ.get("KENES_SMS_BACKEND", "kenes.accounts.sms.ConsoleGateway")
KENES_SIGNIN_CODE_TTL = int(os.environ.get("KENES_SIGNIN_CODE_TTL", "600"))
KENES_SIGNIN_LINK_TTL = int(os.environ.get("KENES_SIGNIN_LINK_TTL", "1800"))
KENES_SIGNIN_CODE_ATTEMPTS = int(os.environ.get("KENES_SIGNIN_CODE_ATTEMPTS", "5"))
KENES_SIGNIN_CODES_PER_HOUR = int(os.environ.get("KENES_SIGNIN_CODES_PER_HOUR", "5"))
# OpenID Connect (an eGov identity provider): sign-in by it is offered when the issuer is set.
KENES_OIDC_ISSUER = os.environ.get("KENES_OIDC_ISSUER", "").rstrip("/")
KENES_OIDC_CLIENT_ID = os.environ.get("KENES_OIDC_CLIENT_ID", "")
KENES_OIDC_CLIENT_SECRET = os.environ.get("KENES_OIDC_CLIENT_SECRET", "")
KENES_OIDC_SCOPES = os.environ.get("KENES_OIDC_SCOPES", "openid profile email")
KENES_OIDC_IIN_CLAIM = os.environ.get("KENES_OIDC_IIN_CLAIM", "")
# Retention (days; 0 keeps for ever), enforced by `kenes retention run` and the daily task.
KENES_RETENTION_CONTACT_DAYS = int(os.environ.get("KENES_RETENTION_CONTACT_DAYS", "730"))
KENES_RETENTION_SIGNIN_CODE_DAYS = int(os.environ.get("KENES_RETENTION_SIGNIN_CODE_DAYS", "2"))
KENES_RETENTION_CITIZEN_DAYS = int(os.environ.get("KENES_RETENTION_CITIZEN_DAYS", "1095"))
# "local": any process may sign checkpoints; "sequencer-only": the web process never opens
# the signing key (no autosequence; `kenes ledger sequence` runs in its own process).
KENES_LEDGER_SIGNING = os.environ.get("KENES_LEDGER_SIGNING", "local")
