"""The settings every configuration shares, read from the environment (docs/configuration.md).

The parts are chosen by the environment alone: ``DATABASE_URL`` names the database (SQLite in
``var/`` without it), ``REDIS_URL`` the cache and Celery's broker (a file cache and the
filesystem transport in ``var/`` without it). What differs by purpose is in the modules beside
this one: ``embedded`` (one machine, nothing to install), ``production`` (behind HTTPS) and
``test`` (the suite).
"""

from __future__ import annotations

from datetime import timedelta
from pathlib import Path

import dj_database_url
from celery.schedules import crontab
from csp.constants import NONE, SELF
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

from .environment import env, env_bool, env_list

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = Path(env("DOJO_VAR_DIR", str(BASE_DIR / "var")))

# Debug mode only when asked for (`make run` asks): never by default, whatever the database.
DEBUG = env_bool("DJANGO_DEBUG")
# Empty here: the embedded settings keep one in var/, the production settings require it.
SECRET_KEY = env("SECRET_KEY")
ALLOWED_HOSTS = env_list("ALLOWED_HOSTS", "localhost,127.0.0.1,[::1]")
CSRF_TRUSTED_ORIGINS = env_list("CSRF_TRUSTED_ORIGINS")
# Only behind nginx (docker-compose.yml) may the client address come from X-Real-IP.
TRUST_X_REAL_IP = env_bool("TRUST_X_REAL_IP")
SITE_URL = env("SITE_URL", "http://localhost:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django_htmx",
    "csp",
    "guardian",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "core",
    "media",
    "audit",
    "classes",
    "accounts",
    "notifications",
    "consent",
    "points",
    "stories",
    "messaging",
    "events",
    "privacy",
    "demo",
]

MIDDLEWARE = [
    # /healthz for a probe on the server itself (its own host name or localhost), before the
    # host check; every other request is checked against ALLOWED_HOSTS as usual.
    "core.health_probe.LocalHealthProbeMiddleware",
    # Every request counted and timed by its URL's name for /metrics, which it answers itself,
    # to the bearer of METRICS_TOKEN only (core/request_metrics.py).
    "core.request_metrics.RequestMetricsMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "core.permissions_policy.PermissionsPolicyMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # The client's address for the audit log's entries (R28).
    "audit.context.RequestAddressMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.auth.middleware.LoginRequiredMiddleware",
    "pwa.middleware.PrivateCacheMiddleware",
    "accounts.middleware.SuspendedAccountMiddleware",
    "accounts.middleware.PupilSessionMiddleware",
    "accounts.middleware.UserLanguageMiddleware",
    "accounts.middleware.TwoFactorMiddleware",
    "accounts.middleware.CodeOfConductMiddleware",
    "consent.middleware.DataProcessingConsentMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "csp.middleware.CSPMiddleware",
    "django_htmx.middleware.HtmxMiddleware",
    "allauth.account.middleware.AccountMiddleware",
]

ROOT_URLCONF = "dojo_portal.urls"
WSGI_APPLICATION = "dojo_portal.wsgi.application"
ASGI_APPLICATION = "dojo_portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "classes.context_processors.school",
                "notifications.context_processors.bell",
            ],
        },
    },
]

# Database: SQLite in var/ unless DATABASE_URL names another (PostgreSQL in production).
VAR_DIR.mkdir(parents=True, exist_ok=True)
(VAR_DIR / "static").mkdir(exist_ok=True)
DATABASES = {
    "default": dj_database_url.parse(
        env("DATABASE_URL", f"sqlite:///{VAR_DIR / 'dojo_portal.sqlite3'}"),
        conn_max_age=int(env("DATABASE_CONN_MAX_AGE", "60")),
        conn_health_checks=True,
    )
}
# The password apart from the URL (DATABASE_PASSWORD_FILE: a Docker secret, the same file the
# PostgreSQL container reads as POSTGRES_PASSWORD_FILE), so the URL holds no secret.
if DATABASE_PASSWORD := env("DATABASE_PASSWORD"):
    if DATABASES["default"].get("PASSWORD"):
        raise ImproperlyConfigured(
            "DATABASE_URL has a password and DATABASE_PASSWORD (or DATABASE_PASSWORD_FILE) gives "
            "one too: give it once (README.md, Settings)."
        )
    DATABASES["default"]["PASSWORD"] = DATABASE_PASSWORD
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["CONN_MAX_AGE"] = 0
    DATABASES["default"]["OPTIONS"] = {
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA busy_timeout=5000;",
        "transaction_mode": "IMMEDIATE",
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# Cache and rate limits: Redis when REDIS_URL is set, otherwise a file cache that every
# process on the machine shares (rate limits must count across processes). Redis is an
# accelerator, never a dependency: while it does not answer (half a second), the database
# stands in for it, on a table that `migrate` makes (core/cache.py says how).
REDIS_URL = env("REDIS_URL")
if REDIS_URL:
    CACHES = {
        "default": {
            "BACKEND": "core.cache.ResilientRedisCache",
            "LOCATION": REDIS_URL,
            "KEY_PREFIX": env("CACHE_KEY_PREFIX", "dojo"),
            "OPTIONS": {
                "socket_connect_timeout": 0.5,
                "socket_timeout": 0.5,
                # How long a process serves from the database before it tries Redis again.
                "RETRY_SECONDS": float(env("CACHE_RETRY_SECONDS", "5")),
            },
        }
    }
else:
    CACHES = {
        "default": {
            "BACKEND": "django.core.cache.backends.filebased.FileBasedCache",
            "LOCATION": str(VAR_DIR / "cache"),
            # Django's default (300) culls a third of the entries at random beyond it: under a
            # guessing attack that would drop rate-limit counts.
            "OPTIONS": {"MAX_ENTRIES": 100_000},
        }
    }
# The database's stand-in writes on a connection of its own, outside the request's transaction
# (a failure counted before a rollback still counts). SQLite serialises its writers, so there
# it shares the default connection.
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    CACHE_FALLBACK_DATABASE = "default"
else:
    CACHE_FALLBACK_DATABASE = "cache_fallback"
    DATABASES[CACHE_FALLBACK_DATABASE] = {**DATABASES["default"], "TEST": {"MIRROR": "default"}}
DATABASE_ROUTERS = ["core.cache.FallbackRouter"]

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "allauth.account.auth_backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
    "accounts.backends.RoleBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 10},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "home"
LOGOUT_REDIRECT_URL = "account_login"

# django-allauth: email sign-in, no open sign-up (R1), TOTP for staff.
ACCOUNT_ADAPTER = "accounts.adapters.PortalAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_EMAIL_VERIFICATION = "optional"
ACCOUNT_LOGIN_ON_PASSWORD_RESET = False
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
# Changing one's password, email or two-factor asks for the password again unless the person
# signed in or re-authenticated within this many seconds (accounts.adapters).
ACCOUNT_REAUTHENTICATION_TIMEOUT = 300
ACCOUNT_RATE_LIMITS = {
    # Wrong passwords are limited softly by the portal itself (accounts.sign_in_limits): per
    # address and account, per address, and an account's ceiling that never stops the right
    # password from another address. allauth's own would lock an account out everywhere.
    "login_failed": "",
    # Sign-in pages posted per client address: a school whose staff share one public address
    # signs in together at a training morning.
    "login": "60/m/ip",
    "reset_password": "20/m/ip,5/m/key",
    "reset_password_from_key": "20/m/ip",
    "change_password": "5/m/user",
    "confirm_email": "1/3m/key",
}
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env("MFA_TOTP_ISSUER", "School portal")
# No anonymous user row: anonymous visitors never hold object permissions.
ANONYMOUS_USER_NAME = None
# Apps whose records office staff and leaders manage in the admin (accounts.backends.RoleBackend).
OFFICE_ADMIN_APPS = ["classes", "accounts", "consent", "points", "messaging", "notifications"]
# Apps whose records only leaders may read in the admin, and nobody may change (R28).
LEADER_ADMIN_APPS = ["audit"]
GUARDIAN_RAISE_403 = False

# Internationalisation: the portal's own strings are translatable; parents choose a language.
LANGUAGE_CODE = "en-gb"
LANGUAGES = [
    ("en-gb", _("English")),
    ("es", _("Spanish")),
    ("pl", _("Polish")),
    ("ro", _("Romanian")),
    ("ur", _("Urdu")),
    ("pa", _("Punjabi")),
    ("ar", _("Arabic")),
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "static/"
STATIC_ROOT = VAR_DIR / "static"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_ROOT = Path(env("MEDIA_ROOT", str(VAR_DIR / "media")))
# Media is never at a public URL (R8); files are served by permission-checked views.
MEDIA_URL = "/protected-media/"
# Behind nginx (docker-compose.yml), permission-checked views hand files to nginx's internal
# location with X-Accel-Redirect; empty means Django streams them itself.
MEDIA_ACCEL_REDIRECT_PREFIX = env("MEDIA_ACCEL_REDIRECT_PREFIX")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    # Production serves hashed, compressed copies (production.py); here the files as they are.
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
# Stories' attachments (R9). nginx's client_max_body_size (deploy/nginx.conf) must be at least
# STORIES_MAX_POST_BYTES, or nginx refuses a post before Django can say why.
STORIES_MAX_PHOTO_BYTES = int(env("STORIES_MAX_PHOTO_BYTES", str(20 * 1024 * 1024)))
STORIES_MAX_RECORDING_BYTES = int(env("STORIES_MAX_RECORDING_BYTES", str(50 * 1024 * 1024)))
STORIES_MAX_DOCUMENT_BYTES = int(env("STORIES_MAX_DOCUMENT_BYTES", str(20 * 1024 * 1024)))
STORIES_MAX_POST_BYTES = int(env("STORIES_MAX_POST_BYTES", str(60 * 1024 * 1024)))
STORIES_MAX_ATTACHMENTS = 10
# A photo larger than this many pixels is refused before it is decoded (decompression bombs).
STORIES_MAX_PIXELS = 50_000_000
# Uploads above this size go to a temporary file instead of memory.
FILE_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
# The files of one request, whatever the page: beyond this they are dropped while the request
# is read, never stored (core/upload_limit.py).
MAX_UPLOAD_BYTES = STORIES_MAX_POST_BYTES
FILE_UPLOAD_HANDLERS = [
    "core.upload_limit.UploadLimitHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
DATA_UPLOAD_MAX_MEMORY_SIZE = 2_621_440
DATA_UPLOAD_MAX_NUMBER_FIELDS = 2000

# Translation of posts and messages (R17): "auto" uses a local Apertium when installed, else
# nothing; "apertium" (local), "apy" (an Apertium APY server), "libretranslate", or "off".
TRANSLATION_BACKEND = env("TRANSLATION_BACKEND", "auto")
TRANSLATION_URL = env("TRANSLATION_URL")
TRANSLATION_API_KEY = env("TRANSLATION_API_KEY")
TRANSLATION_TIMEOUT = float(env("TRANSLATION_TIMEOUT", "2"))

# Email: console unless EMAIL_URL-style settings are given.
EMAIL_HOST = env("EMAIL_HOST")
EMAIL_BACKEND = (
    "django.core.mail.backends.smtp.EmailBackend"
    if EMAIL_HOST
    else "django.core.mail.backends.console.EmailBackend"
)
# Two ways to encrypt the connection, never both: EMAIL_USE_SSL for SMTP over TLS from the first
# byte (port 465), EMAIL_USE_TLS (the default) for STARTTLS (port 587).
EMAIL_USE_SSL = env_bool("EMAIL_USE_SSL")
EMAIL_USE_TLS = env_bool("EMAIL_USE_TLS", default=not EMAIL_USE_SSL)
if EMAIL_USE_SSL and EMAIL_USE_TLS:
    raise ImproperlyConfigured(
        "EMAIL_USE_SSL (SMTP over TLS, port 465) and EMAIL_USE_TLS (STARTTLS, port 587) are both "
        "on: a mail server speaks one of them on a port, so set only one (README.md, Settings)."
    )
EMAIL_PORT = int(env("EMAIL_PORT", "465" if EMAIL_USE_SSL else "587"))
EMAIL_HOST_USER = env("EMAIL_HOST_USER")
EMAIL_HOST_PASSWORD = env("EMAIL_HOST_PASSWORD")
EMAIL_TIMEOUT = 10
DEFAULT_FROM_EMAIL = env("DEFAULT_FROM_EMAIL", "portal@school.invalid")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# Celery: Redis when REDIS_URL is set, otherwise the filesystem transport in var/.
CELERY_BROKER_URL = env("CELERY_BROKER_URL", REDIS_URL or "filesystem://")
CELERY_RESULT_BACKEND = None
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
CELERY_TASK_ALWAYS_EAGER = env_bool("CELERY_TASK_ALWAYS_EAGER")
# A web request must never hang on a broker that is down: fail fast, the database keeps the truth
# (and core.queue's circuit makes it one wait per process, not one per task).
CELERY_BROKER_CONNECTION_TIMEOUT = 1
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
CELERY_TASK_PUBLISH_RETRY = False
if CELERY_BROKER_URL.startswith("filesystem://"):
    _queue = VAR_DIR / "celery" / "queue"
    _processed = VAR_DIR / "celery" / "processed"
    _control = VAR_DIR / "celery" / "control"
    for _folder in (_queue, _processed, _control):
        _folder.mkdir(parents=True, exist_ok=True)
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "data_folder_in": str(_queue),
        "data_folder_out": str(_queue),
        "processed_folder": str(_processed),
        "store_processed": False,
        "control_folder": str(_control),
    }
else:
    CELERY_BROKER_TRANSPORT_OPTIONS = {
        "visibility_timeout": 3600,
        # Refused at once, unreachable after 1 s, silent after 2 s; a publish is not retried
        # (its sweep re-drives it).
        "socket_connect_timeout": 1,
        "socket_timeout": 2,
        "max_retries": 0,
    }
# Beat's own scheduler, which records its last run for /healthz (core/beat.py).
CELERY_BEAT_SCHEDULER = "core.beat:RecordingScheduler"
# Recordings are transcoded on a queue of their own (R36): a worker consuming it runs at most
# one transcode per core (ffmpeg on one thread each), so messages and notifications, on the
# default queue, are never waiting behind videos. docker-compose.yml runs a `media-worker` for
# it with a concurrency of 1, and so do `manage.py serve` and the systemd units.
CELERY_TASK_DEFAULT_QUEUE = "celery"
CELERY_TASK_ROUTES = {"stories.tasks.transcode_attachment": {"queue": "media"}}
CELERY_BEAT_SCHEDULE: dict[str, dict[str, object]] = {
    # Lets /healthz tell whether a worker and beat are alive.
    "heartbeat": {"task": "core.tasks.heartbeat", "schedule": 60.0},
    # R28: points older than 12 months are deleted every night.
    "delete-expired-points": {
        "task": "points.tasks.delete_expired_points",
        "schedule": crontab(hour=2, minute=30),
    },
    # R29: scheduled posts and weekly reminders are published on time; photos and notices
    # that no worker is doing (never enqueued, or their worker died) are enqueued again.
    "stories-publish-due": {"task": "stories.tasks.publish_due", "schedule": 60.0},
    # R19, R21: notifications of delivered messages and overdue replies are recorded. A sweep
    # still queued when the next is due is dropped (expires), so a worker that returns after
    # an outage runs one sweep, not one per minute missed.
    "messaging-sweep-notices": {
        "task": "messaging.tasks.sweep_notices",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # R28: leavers' data, old messages and parents' accounts without a child, past their
    # retention periods, are erased every night (after the points of the same rule).
    "privacy-retention-run": {
        "task": "privacy.tasks.retention_run",
        "schedule": crontab(hour=2, minute=45),
    },
    # R28: audit-log entries past AUDIT_RETENTION_DAYS are deleted every night.
    "audit-prune": {
        "task": "audit.tasks.prune_audit_log",
        "schedule": crontab(hour=3, minute=0),
    },
    # R28: expired sessions (who signed in on which browser) are deleted every night.
    "privacy-clear-sessions": {
        "task": "privacy.tasks.clear_expired_sessions",
        "schedule": crontab(hour=2, minute=5),
    },
    # R28: data exports are kept for 7 days; their files are deleted every night.
    "privacy-expire-exports": {
        "task": "privacy.tasks.expire_exports",
        "schedule": crontab(hour=2, minute=15),
    },
    # R28: exports whose task was lost (broker down, worker died) are handed out again; every
    # minute, so a claim that died with its worker is taken over within two (claims.py).
    "privacy-sweep-exports": {
        "task": "privacy.tasks.sweep_exports",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
    # R31: the emails, daily digests and pushes that are due (staff only in working time).
    "notifications-sweep": {
        "task": "notifications.tasks.sweep_notifications",
        "schedule": 60.0,
        "options": {"expires": 55},
    },
}

# What /healthz reports, in order (core/health.py says which parts make it answer 503).
HEALTH_CHECKS = [
    "core.health.database_check",
    "core.health.cache_check",
    "core.health.broker_check",
    "core.health.worker_check",
    "core.health.beat_check",
    "translation.health.translation_check",
]

# /metrics for Prometheus (core/metrics.py): answered only to "Authorization: Bearer <token>"
# with this token (best given as METRICS_TOKEN_FILE, a secret); unset, /metrics is off (404).
METRICS_TOKEN = env("METRICS_TOKEN")
# The apps' own series, read at each scrape (as HEALTH_CHECKS: core imports no app).
METRICS_COLLECTORS = [
    "notifications.metrics.emails_waiting",
    "messaging.metrics.sweep_lag",
]

# Security: sessions and cookies.
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
SESSION_COOKIE_AGE = int(env("SESSION_COOKIE_AGE", str(14 * 24 * 3600)))
CSRF_COOKIE_HTTPONLY = True
CSRF_COOKIE_SAMESITE = "Lax"
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# Over HTTPS only, and HSTS: production.py.

# Content security policy: nothing from any other host, no inline script or style (R10).
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": [SELF],
        "script-src": [SELF],
        "style-src": [SELF],
        "img-src": [SELF, "data:"],
        "font-src": [SELF],
        "connect-src": [SELF],
        "media-src": [SELF],
        "manifest-src": [SELF],
        "worker-src": [SELF],
        "object-src": [NONE],
        "base-uri": [SELF],
        "form-action": [SELF],
        "frame-ancestors": [NONE],
    }
}
# Sent on every response by core.permissions_policy: the portal uses none of these.
PERMISSIONS_POLICY: dict[str, list[str]] = {
    "camera": [],
    "microphone": [],
    "geolocation": [],
    "payment": [],
    "usb": [],
}

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env("LOG_LEVEL", "INFO")},
    "loggers": {
        "django.db.backends": {"level": "INFO"},
        # pikepdf announces at INFO that it started; its warnings still get through.
        "pikepdf": {"level": "WARNING"},
    },
}

# The portal's own settings.
INVITE_CODE_VALID_DAYS = int(env("INVITE_CODE_VALID_DAYS", "30"))
INVITE_MAX_FAILURES = 5
INVITE_FAILURE_WINDOW = timedelta(minutes=15)
MAX_PARENTS_PER_PUPIL = 2
PUPIL_CODE_MAX_FAILURES = 5
PUPIL_CODE_FAILURE_WINDOW = timedelta(minutes=15)
PUPIL_SESSION_IDLE = timedelta(minutes=int(env("PUPIL_SESSION_IDLE_MINUTES", "15")))
PUPIL_SESSION_ABSOLUTE = timedelta(minutes=int(env("PUPIL_SESSION_ABSOLUTE_MINUTES", "90")))
# Per address: a whole school may share one public address, and 6 typeable characters
# (30 bits) leave nothing to gain from guessing at this rate.
CLASS_CODE_MAX_FAILURES = 100

# Retention (R28): how long personal data is kept, in days; docs/data-inventory.md says why.
# A leaver's data (profile, points, Student Story, photos, messages about them, parent links)
# is erased this long after their leaving date: long enough for the school's complaints window
# (three months), a subject-access request's one-month deadline and, for Year 6, the summer
# holiday, so a family can still download their child's posts; the portal is not the pupil's
# educational record (that goes to the next school), so nothing needs it longer.
PUPIL_RETENTION_DAYS = int(env("PUPIL_RETENTION_DAYS", "90"))
# Messages are the school's record of what was said to whom: routine correspondence with
# parents is commonly kept for the current school year and one more, which covers a complaint
# raised at the end of a year. Messages about a leaver go with the leaver's data.
MESSAGE_RETENTION_DAYS = int(env("MESSAGE_RETENTION_DAYS", "730"))
# A parent's account with no current child is deleted after a year: a younger brother or
# sister often starts in Nursery or Reception within one, and the family keeps its account.
PARENT_WITHOUT_CHILD_DAYS = int(env("PARENT_WITHOUT_CHILD_DAYS", "365"))
# The audit log proves what was done with people's data; its entries name roles and ids, not
# people, but keep the client's address. Six years: the time limit for most legal claims in
# England (Limitation Act 1980), within which the school may have to show what it did.
AUDIT_RETENTION_DAYS = int(env("AUDIT_RETENTION_DAYS", str(6 * 365)))
# Wrong passwords at sign-in (accounts.sign_in_limits says why these numbers): per client
# address and account, per address alone (a school's staff share one), per account.
SIGN_IN_MAX_FAILURES = 5
SIGN_IN_FAILURE_WINDOW = timedelta(minutes=15)
SIGN_IN_ADDRESS_MAX_FAILURES = int(env("SIGN_IN_ADDRESS_MAX_FAILURES", "100"))
SIGN_IN_ACCOUNT_MAX_FAILURES = 50
SIGN_IN_ACCOUNT_WINDOW = timedelta(hours=1)
# Wrong passwords when deleting one's own account, per account, before a pause.
ACCOUNT_DELETE_MAX_FAILURES = 5
ACCOUNT_DELETE_FAILURE_WINDOW = timedelta(minutes=15)

# Web push (R31). The VAPID key pair comes from the environment, else from the file that
# `manage.py vapid_keys` writes (`make run` makes it when missing); without keys push is off.
VAPID_KEY_FILE = Path(env("VAPID_KEY_FILE", str(VAR_DIR / "vapid_keys.json")))


def _vapid_keys() -> tuple[str, str]:
    public, private = env("VAPID_PUBLIC_KEY"), env("VAPID_PRIVATE_KEY")
    if public or private or not VAPID_KEY_FILE.exists():
        return public, private
    import json

    try:
        keys = json.loads(VAPID_KEY_FILE.read_text())
        return str(keys["public_key"]), str(keys["private_key"])
    except (ValueError, KeyError, TypeError) as error:
        raise ImproperlyConfigured(
            f"{VAPID_KEY_FILE} is not a key file from `manage.py vapid_keys`: {error}"
        ) from error


VAPID_PUBLIC_KEY, VAPID_PRIVATE_KEY = _vapid_keys()
# Whom push services contact about the portal's pushes; empty: the school office's email.
VAPID_SUBJECT = env("VAPID_SUBJECT")
# URL prefixes pushed to without the https and public-address checks (a push service on the
# school's own network); empty in production.
PUSH_TRUSTED_ENDPOINTS = env_list("PUSH_TRUSTED_ENDPOINTS")
PUSH_TIMEOUT_SECONDS = float(env("PUSH_TIMEOUT_SECONDS", "5"))
# How long a push service keeps a push for a phone that is off.
PUSH_TTL_SECONDS = int(env("PUSH_TTL_SECONDS", str(24 * 3600)))
# Sweeps that try a push again after a push service failed, before it is given up.
PUSH_MAX_ATTEMPTS = int(env("PUSH_MAX_ATTEMPTS", "5"))
# Devices per person: a new one beyond this replaces the one unused longest.
PUSH_MAX_DEVICES = 10
# Pushes sent at once (network waits, not processor time).
PUSH_CONCURRENCY = int(env("PUSH_CONCURRENCY", "8"))
