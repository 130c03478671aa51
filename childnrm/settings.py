"""Settings, read from the environment.

Production is the default: DEBUG is off, cookies are secure and a SECRET_KEY must be given.
`CHILDNRM_ENV=development` (set by the run and test scripts) relaxes what a laptop needs relaxed.
"""

from __future__ import annotations

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured

BASE_DIR = Path(__file__).resolve().parent.parent
VAR_DIR = Path(os.environ.get("CHILDNRM_VAR_DIR", BASE_DIR / "var"))
VAR_DIR.mkdir(parents=True, exist_ok=True)

ENVIRONMENT = os.environ.get("CHILDNRM_ENV", "production")
DEVELOPMENT = ENVIRONMENT in {"development", "test"}
DEBUG = os.environ.get("DJANGO_DEBUG", "") == "1" and DEVELOPMENT

if DEVELOPMENT:
    SECRET_KEY = os.environ.get("DJANGO_SECRET_KEY", "development-only-not-secret-" + "x" * 40)
else:
    SECRET_KEY = os.environ["DJANGO_SECRET_KEY"]

ALLOWED_HOSTS = [h for h in os.environ.get("DJANGO_ALLOWED_HOSTS", "").split(",") if h] or (
    ["localhost", "127.0.0.1", "[::1]", "testserver"] if DEVELOPMENT else []
)
# The service's own address: emails link to it (childnrm.kit.links.absolute_url). Required in production.
SERVICE_BASE_URL = os.environ.get("CHILDNRM_BASE_URL", "http://127.0.0.1:8000" if DEVELOPMENT else "").rstrip("/")
if not DEVELOPMENT and not SERVICE_BASE_URL.startswith("https://"):
    raise ImproperlyConfigured("Set CHILDNRM_BASE_URL to the service's https:// address: emails link to it")
CSRF_TRUSTED_ORIGINS = [o for o in os.environ.get("DJANGO_CSRF_TRUSTED_ORIGINS", "").split(",") if o]

INSTALLED_APPS = [
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django_otp",
    "django_otp.plugins.otp_totp",
    "django_otp.plugins.otp_static",
    "axes",
    "django_tasks",
    "django_tasks_db",
    "childnrm.core",
    "childnrm.demo",
    "childnrm.kit",
    "childnrm.accounts",
    "childnrm.access",
    "childnrm.audit",
    "childnrm.people",
    "childnrm.training",
    "childnrm.referrals",
    "childnrm.triage",
    "childnrm.api",
    "childnrm.panels",
    "childnrm.information",
    "childnrm.decisions",
    "childnrm.reviews",
    "childnrm.safeguarding",
    "childnrm.letters",
    "childnrm.handovers",
    "childnrm.outcomes",
    "childnrm.burdens",
    "childnrm.case_reviews",
    "childnrm.feedback",
    "childnrm.dashboard",
    "childnrm.retention",
    "childnrm.learning",
    "childnrm.statistics",
    "childnrm.evaluation",
    "childnrm.operations",
]

MIDDLEWARE = [
    # Outermost: the thread's language goes back to the default after each response (ADR 0023).
    "childnrm.core.middleware.LanguageResetMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # Outside WhiteNoise, so static files carry these headers too (and keep their own caching).
    "childnrm.core.middleware.ResponseHeadersMiddleware",
    "csp.middleware.CSPMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "childnrm.core.middleware.SessionRenewalMiddleware",
    # After sessions, before CommonMiddleware (Django's order): the language from the cookie set by the
    # language switch, else the browser's. accounts' middleware below puts a signed-in user's own choice,
    # or their site's default language, over it once the user is known (ADR 0023).
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    # django_otp's OTPMiddleware, reading the session's device with the user (issue 16).
    "childnrm.accounts.middleware.SecondFactorMiddleware",
    "childnrm.accounts.middleware.PreferredLanguageMiddleware",
    # A body bigger than any of our forms takes is refused (413) before anything reads it.
    "childnrm.kit.uploads.RequestSizeLimitMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "axes.middleware.AxesMiddleware",
    # Last, so it sees the resolved view: refuses any view that has not declared its access rule.
    "childnrm.access.middleware.AccessPolicyMiddleware",
]

ROOT_URLCONF = "childnrm.urls"
WSGI_APPLICATION = "childnrm.wsgi.application"

_CONTEXT_PROCESSORS = [
    "django.template.context_processors.request",
    "django.contrib.auth.context_processors.auth",
    "django.contrib.messages.context_processors.messages",
    "childnrm.core.context_processors.service",
]
TEMPLATES = [
    # Every page, email and PDF of ours: Jinja2 with the GOV.UK Frontend macros (ADR 0016).
    {
        "BACKEND": "django.template.backends.jinja2.Jinja2",
        "DIRS": [BASE_DIR / "childnrm" / "jinja2"],
        "APP_DIRS": True,
        "OPTIONS": {"environment": "childnrm.kit.jinja2.environment", "context_processors": _CONTEXT_PROCESSORS},
    },
    # Third-party pages only (the API's documentation page ships Django templates).
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "APP_DIRS": True,
        "OPTIONS": {"context_processors": _CONTEXT_PROCESSORS},
    },
]

DATABASES = {
    "default": dj_database_url.parse(
        os.environ.get("DATABASE_URL", f"sqlite:///{VAR_DIR / 'childnrm.sqlite3'}"),
        conn_max_age=int(os.environ.get("DATABASE_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the web server and the task worker share the file.
    DATABASES["default"]["OPTIONS"] = {
        "timeout": 20,
        "transaction_mode": "IMMEDIATE",
        "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
    }
    DATABASES["default"]["CONN_MAX_AGE"] = 0
elif os.environ.get("DATABASE_PREPARED_STATEMENTS", "on") != "off":
    # Parameters bound on the server, so psycopg prepares each statement a connection has run five times and
    # PostgreSQL plans it once per connection instead of on every request (issue 16, ADR 0032); long lists of ids
    # are not prepared (`core.database`). Behind a pooler in transaction mode that does not keep prepared
    # statements, DATABASE_PREPARED_STATEMENTS=off.
    from childnrm.core.database import PreparingCursor

    DATABASES["default"]["OPTIONS"] = {
        "server_side_binding": True,
        "cursor_factory": PreparingCursor,
        "prepare_threshold": 5,
    }
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

AUTH_USER_MODEL = "accounts.User"
AUTHENTICATION_BACKENDS = [
    "axes.backends.AxesStandaloneBackend",
    # ModelBackend's sign-in, with the user's organisation read with the user (ADR 0024, issue 16).
    "childnrm.accounts.backends.UserBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 12}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "accounts:sign-in"
LOGIN_REDIRECT_URL = "core:home"

# Django's database sessions, the per-request read compiled once (accounts.sessions; issue 16).
SESSION_ENGINE = "childnrm.accounts.sessions"
# Sessions end after 30 minutes without a request: a request renews the clock, writing the session at most
# once a minute (core.middleware.SessionRenewalMiddleware), not on every request.
SESSION_COOKIE_AGE = int(os.environ.get("CHILDNRM_SESSION_IDLE_SECONDS", str(30 * 60)))
SESSION_RENEW_SECONDS = 60
SESSION_EXPIRE_AT_BROWSER_CLOSE = True
SESSION_COOKIE_HTTPONLY = True
SESSION_COOKIE_SAMESITE = "Lax"
CSRF_COOKIE_HTTPONLY = True

# Lockout: five failed sign-ins for one account lock it for an hour.
AXES_FAILURE_LIMIT = int(os.environ.get("CHILDNRM_LOCKOUT_FAILURES", "5"))
AXES_COOLOFF_TIME = 1  # hours
AXES_LOCKOUT_PARAMETERS = ["username"]
# Locking by account, not address: panel partners sign in from shared NAT addresses, and rotating
# addresses or browsers does not unlock an account.
SILENCED_SYSTEM_CHECKS = ["axes.W006"]
# A correct password alone does not forgive earlier failures: wrong security codes keep counting until
# the second factor is verified, when the sign-in view resets the count itself.
AXES_RESET_ON_SUCCESS = False
AXES_USERNAME_FORM_FIELD = "username"  # the key our sign-in view passes to authenticate()
AXES_LOCKOUT_CALLABLE = "childnrm.accounts.views.locked_out"
AXES_VERBOSE = False
OTP_TOTP_ISSUER = "Child NRM Panels"
OTP_TOTP_THROTTLE_FACTOR = 1

# Requests: refuse what no form of ours needs.
DATA_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
DATA_UPLOAD_MAX_NUMBER_FIELDS = 500
FILE_UPLOAD_MAX_MEMORY_SIZE = 2 * 1024 * 1024
# Uploads: each file is kept only up to its limit (the rest is dropped as it arrives), a request is
# refused unread above the per-request limit (ten documents and the form), and files are stored
# readable by the service's own user only.
UPLOAD_MAX_FILE_BYTES = 10 * 1024 * 1024
UPLOAD_MAX_REQUEST_BYTES = 10 * UPLOAD_MAX_FILE_BYTES + 2 * 1024 * 1024
FILE_UPLOAD_HANDLERS = [
    "childnrm.kit.uploads.FileSizeLimitUploadHandler",
    "django.core.files.uploadhandler.MemoryFileUploadHandler",
    "django.core.files.uploadhandler.TemporaryFileUploadHandler",
]
FILE_UPLOAD_PERMISSIONS = 0o600
FILE_UPLOAD_DIRECTORY_PERMISSIONS = 0o700

# English and Welsh (ADR 0023). Each app keeps its own Welsh catalogue, childnrm/<app>/locale/cy/LC_MESSAGES/
# django.po, found by Django as an installed app's locale folder; `manage.py translations update` writes them
# from the code and templates, and setup compiles them (.mo files are not kept in git).
LANGUAGE_CODE = "en-gb"
LANGUAGES = [("en-gb", "English"), ("cy", "Cymraeg")]
LOCALE_PATHS: list[Path] = []  # only the apps' own locale folders
LANGUAGE_COOKIE_NAME = "childnrm_language"
LANGUAGE_COOKIE_AGE = 365 * 24 * 60 * 60
LANGUAGE_COOKIE_HTTPONLY = True
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "Europe/London"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "staticfiles"
STATIC_ROOT.mkdir(exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "childnrm" / "static_build"] if (BASE_DIR / "childnrm" / "static_build").exists() else []
STORAGES = {
    "default": {
        "BACKEND": "django.core.files.storage.FileSystemStorage",
        "OPTIONS": {"location": VAR_DIR / "private-files"},
    },
    "staticfiles": {
        "BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"
        if DEVELOPMENT
        else "whitenoise.storage.CompressedManifestStaticFilesStorage"
    },
}
WHITENOISE_USE_FINDERS = DEVELOPMENT

# Under test, every kit.prepared read is built again and checked against the statement kept for its key (ADR 0031).
PREPARED_CHECK = ENVIRONMENT == "test"
# In development and under test, a template that prints a method instead of calling it fails loudly (kit.jinja2):
# a call per value printed, which production (and the benchmark, which measures production's work) goes without.
TEMPLATE_PRINT_CHECK = DEVELOPMENT

# Tests run tasks at once, in the request; everywhere else the db_worker runs them.
TASKS = {
    "default": {
        "BACKEND": os.environ.get(
            "CHILDNRM_TASK_BACKEND",
            "django_tasks.backends.immediate.ImmediateBackend"
            if ENVIRONMENT == "test"
            else "django_tasks_db.DatabaseBackend",
        ),
    }
}

EMAIL_BACKEND = os.environ.get(
    "DJANGO_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend" if DEVELOPMENT else "django.core.mail.backends.smtp.EmailBackend",
)
EMAIL_HOST = os.environ.get("DJANGO_EMAIL_HOST", "localhost")
DEFAULT_FROM_EMAIL = os.environ.get("DJANGO_DEFAULT_FROM_EMAIL", "no-reply@childnrm.example")

# Security headers; production assumes TLS terminated in front of the service.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SECURE_CROSS_ORIGIN_OPENER_POLICY = "same-origin"
# No page needs powerful browser features (childnrm.core.middleware adds this to every response).
PERMISSIONS_POLICY = ", ".join(
    f"{feature}=()"
    for feature in (
        "accelerometer",
        "autoplay",
        "camera",
        "display-capture",
        "encrypted-media",
        "fullscreen",
        "geolocation",
        "gyroscope",
        "magnetometer",
        "microphone",
        "midi",
        "payment",
        "picture-in-picture",
        "publickey-credentials-get",
        "screen-wake-lock",
        "serial",
        "usb",
        "xr-spatial-tracking",
    )
)
# django-csp: only our own scripts, styles and images; no inline script or style anywhere (the
# GOV.UK Frontend start-up and the js-enabled class are static files), no framing, no plugins.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": ["'self'"],
        "style-src": ["'self'"],
        "img-src": ["'self'"],
        "font-src": ["'self'"],
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}
# How many proxies in front of the service append the address they were reached from to X-Forwarded-For (the TLS
# proxy in front of gunicorn: 1). The client's address (audit.context.client_ip: the audit trail, the child feedback
# rate limit) is that many entries from the right; with 0, X-Forwarded-For is ignored and REMOTE_ADDR used, which
# behind a proxy is the proxy's for everyone. Never more than there are: the entries beyond are the client's to forge.
# Required in production (0 when nothing is in front of gunicorn): left to a default, a service behind a proxy would
# audit the proxy's address for everyone and let ten wrong feedback codes from anyone block every child.
if not DEVELOPMENT and not os.environ.get("CHILDNRM_TRUSTED_PROXIES", "").strip().isdigit():
    raise ImproperlyConfigured(
        "Set CHILDNRM_TRUSTED_PROXIES to the number of proxies in front of the service "
        "(1 behind one TLS proxy, 0 if none)"
    )
TRUSTED_PROXIES = int(os.environ.get("CHILDNRM_TRUSTED_PROXIES", "0"))

# Each process's own memory, for per-process reads. Counts that must hold across gunicorn's workers (the PDF and the
# child feedback limits) are kept in the database by kit.counters: a limit counted in each worker alone is that many
# times the limit.
CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

if not DEVELOPMENT:
    SECURE_SSL_REDIRECT = os.environ.get("DJANGO_SECURE_SSL_REDIRECT", "1") == "1"
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True
    LANGUAGE_COOKIE_SECURE = True
    SECURE_HSTS_SECONDS = 31536000
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Auditing is always on. Only a settings module of the bench or the tests may set it to False, and
# the audit app refuses to start with it off anywhere else (ADR 0012).
AUDIT_ENABLED = True
# Where the daily task writes the audit anchor: a directory on other storage than the database's
# (a mounted write-once or remote volume in production), and who gets it by email as well.
AUDIT_ANCHOR_DIR = Path(os.environ.get("CHILDNRM_AUDIT_ANCHOR_DIR", VAR_DIR / "audit-anchors"))
AUDIT_ANCHOR_EMAILS = [e for e in os.environ.get("CHILDNRM_AUDIT_ANCHOR_EMAILS", "").split(",") if e]
# How long the sealer keeps looking for an event that took its seq before a seal and committed after.
AUDIT_LATE_GRACE_SECONDS = int(os.environ.get("CHILDNRM_AUDIT_LATE_GRACE_SECONDS", "3600"))
# Keys the pseudonyms of files released to evaluators (evaluation.pseudonyms; ADR 0020): a secret outside the
# database, so a file's pseudonyms cannot be reversed by someone holding the data. The SECRET_KEY when unset.
EVALUATION_PSEUDONYM_KEY = os.environ.get("CHILDNRM_EVALUATION_PSEUDONYM_KEY", "")

# Logs carry no personal data: request paths hold only opaque ids, and we never log form bodies. The paths that hold
# a secret (the child's feedback link, a password reset link) are redacted (kit.logs): on the loggers that write
# paths, so every handler gets the redacted record, and on the console handler for any other logger's.
_REDACT = ["redact_secret_paths"]
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"redact_secret_paths": {"()": "childnrm.kit.logs.RedactSecretPaths"}},
    "formatters": {
        "plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"},
        # Django's own, for runserver's request lines (naming a logger here replaces its handlers: given again).
        "django.server": {
            "()": "django.utils.log.ServerFormatter",
            "format": "[{server_time}] {message}",
            "style": "{",
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "formatter": "plain", "filters": _REDACT},
        "django.server": {"class": "logging.StreamHandler", "formatter": "django.server", "level": "INFO"},
    },
    "root": {"handlers": ["console"], "level": os.environ.get("CHILDNRM_LOG_LEVEL", "INFO")},
    "loggers": {
        "django.request": {"filters": _REDACT},
        "django.security.csrf": {"filters": _REDACT},
        "django.server": {"handlers": ["django.server"], "level": "INFO", "propagate": False, "filters": _REDACT},
        "django.security.DisallowedHost": {"level": "ERROR"},
        "axes": {"level": "ERROR"},  # its warnings name the account
        # PDF rendering logs each layout step at INFO.
        "weasyprint": {"level": "WARNING"},
        "fontTools": {"level": "WARNING"},
    },
}

SERVICE_NAME = "Child NRM Panels"
DEMO_MODE = os.environ.get("CHILDNRM_DEMO", "0") == "1"
CSRF_FAILURE_VIEW = "childnrm.core.views.csrf_failure"

# Whether the per-referral duplicate search scores with the latest trained linkage model (ADR 0029) instead of the
# hand-set points. Off until an administrator has read the model's figures: on the generated quality set the
# trained weights raised precision but lost recall on estimated dates and missing fields (docs/benchmarks.md),
# and a missed earlier record of a child costs more than one more candidate to look at. Models are still trained
# daily and the national sweep uses them.
LINKAGE_TRAINED_WEIGHTS = os.environ.get("CHILDNRM_LINKAGE_TRAINED_WEIGHTS", "0") == "1"
