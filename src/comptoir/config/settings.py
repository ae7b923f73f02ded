"""Django settings for Comptoir, read from environment variables.

``DATABASE_URL``      database (default: a SQLite file under ``var/``)
``COMPTOIR_DEBUG``    ``1`` for development pages and errors (default off)
``COMPTOIR_SECRET_KEY`` required when debug is off
``COMPTOIR_ALLOWED_HOSTS`` comma-separated host names (default: loopback only)
``COMPTOIR_VAR_DIR``  where the SQLite file, uploads and collected static files live
``COMPTOIR_REQUIRE_MFA`` ``1`` to require an authenticator app (TOTP) of every signed-in user
                      (default on, off when debug is on)
``COMPTOIR_IMPORT_MAX_BYTES`` largest open-data file an inventory import accepts, in bytes
                      (default 20 MiB; the government-wide ``service.csv`` is 3.2 MB)
``COMPTOIR_TRUSTED_PROXY_COUNT`` how many reverse proxies in front of Comptoir add themselves to
                      ``X-Forwarded-For`` (default 0: the client is the connection's address)
``COMPTOIR_SILENCED_CHECKS`` comma-separated ids of system checks the operator has accepted
                      (``operations.W001`` for SQLite on purpose; see comptoir.operations.checks)
"""

import os
from pathlib import Path

import dj_database_url
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

PACKAGE_DIR = Path(__file__).resolve().parent.parent
PROJECT_DIR = PACKAGE_DIR.parent.parent
VAR_DIR = Path(os.environ.get("COMPTOIR_VAR_DIR", PROJECT_DIR / "var"))


def env_flag(name: str, *, default: bool) -> bool:
    raw = os.environ.get(name)
    if raw is None:
        return default
    return raw.strip().lower() in {"1", "true", "yes", "on"}


DEBUG = env_flag("COMPTOIR_DEBUG", default=False)
SECRET_KEY = os.environ.get("COMPTOIR_SECRET_KEY", "")
if not SECRET_KEY:
    if not DEBUG and not env_flag("COMPTOIR_TESTING", default=False):
        raise ImproperlyConfigured("Set COMPTOIR_SECRET_KEY (or COMPTOIR_DEBUG=1 for development).")
    SECRET_KEY = "development-only-key-never-used-in-production"  # noqa: S105

ALLOWED_HOSTS = [
    h.strip()
    for h in os.environ.get("COMPTOIR_ALLOWED_HOSTS", "127.0.0.1,localhost,[::1]").split(",")
    if h.strip()
]

INSTALLED_APPS = [
    "comptoir.accounts.admin_site.StaffAdminConfig",  # django.contrib.admin, signed in via allauth
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "simple_history",
    "comptoir.accounts",
    "comptoir.inventory",
    "comptoir.clients",
    "comptoir.casework",
    "comptoir.portal",  # the public pages clients use (docs/portal.md)
    "comptoir.notifications",
    "comptoir.search",
    "comptoir.measurement",
    "comptoir.insight",
    "comptoir.privacy",  # access-request export (docs/privacy.md)
    "ninja",  # the API docs page and its assets, served from this site (no CDN)
    "comptoir.api",
    "comptoir.operations",  # comptoir backup and restore (docs/operator-guide.md)
    "django_tasks_db",  # the background tasks' queue, in the database (comptoir worker)
]

# Background work (mail to clients, delivery reports, the mailbox): Django Tasks with the database
# backend; ``comptoir worker`` runs them (docs/operator-guide.md).
TASKS = {
    "default": {
        "BACKEND": "django_tasks_db.DatabaseBackend",
        "QUEUES": ["default"],
    }
}

MIDDLEWARE = [
    "comptoir.operations.requests.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "django.middleware.csp.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    "comptoir.accounts.middleware.PrivatePagesMiddleware",
    "comptoir.accounts.middleware.RequireMultiFactorMiddleware",
    "simple_history.middleware.HistoryRequestMiddleware",
]

# Checks an operator has accepted on purpose: ``scripts/serve`` refuses to start on any warning of
# ``check --deploy`` not named here (comptoir.operations.checks, docs/operator-guide.md).
SILENCED_SYSTEM_CHECKS = [
    check.strip()
    for check in os.environ.get("COMPTOIR_SILENCED_CHECKS", "").split(",")
    if check.strip()
]

ROOT_URLCONF = "comptoir.config.urls"
WSGI_APPLICATION = "comptoir.config.wsgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [PACKAGE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.csp",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
            ],
        },
    },
]

DATABASES = {
    "default": dj_database_url.config(
        default=f"sqlite:///{VAR_DIR / 'comptoir.sqlite3'}",
        conn_max_age=int(os.environ.get("COMPTOIR_CONN_MAX_AGE", "60")),
    )
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"].setdefault("OPTIONS", {})
    DATABASES["default"]["OPTIONS"].update(
        {"transaction_mode": "IMMEDIATE", "init_command": "PRAGMA journal_mode=WAL;"}
    )
    DATABASES["default"]["CONN_MAX_AGE"] = 0

# The cache holds allauth's failed-sign-in counts and used TOTP codes, so every worker process must
# see the same one: a table in the database (created by the migration accounts.0003), no server.
CACHES = {
    "default": {
        "BACKEND": "django.core.cache.backends.db.DatabaseCache",
        "LOCATION": "comptoir_cache",
        # Entries live minutes; a high bound keeps a flood of sign-in attempts from culling the
        # counts that throttle it (the backend drops a third of the table past MAX_ENTRIES).
        "OPTIONS": {"MAX_ENTRIES": 100_000},
    }
}

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"
AUTH_USER_MODEL = "accounts.User"

AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {
        "NAME": "django.contrib.auth.password_validation.MinimumLengthValidator",
        "OPTIONS": {"min_length": 12},
    },
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

# Staff accounts are created by an administrator; nobody signs themselves up.
ACCOUNT_ADAPTER = "comptoir.accounts.adapter.StaffAccountAdapter"
ACCOUNT_LOGIN_METHODS = {"username", "email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "username*", "password1*", "password2*"]
ACCOUNT_EMAIL_VERIFICATION = "none"
ACCOUNT_LOGOUT_ON_GET = False
# Failed sign-ins (password or second-factor code): at most 10 a minute from one address and 5 in
# 5 minutes against one account, whatever login names it (comptoir.accounts.adapter); every
# sign-in, the admin's included, goes through allauth (comptoir.accounts.admin_site).
ACCOUNT_RATE_LIMITS = {"login": "30/m/ip", "login_failed": "10/m/ip,5/5m/key"}
ALLAUTH_TRUSTED_PROXY_COUNT = int(os.environ.get("COMPTOIR_TRUSTED_PROXY_COUNT", "0"))
LOGIN_REDIRECT_URL = "home"
LOGIN_URL = "account_login"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
# Staff must turn on a second factor before using any staff page (comptoir.accounts.middleware).
COMPTOIR_REQUIRE_MFA = env_flag("COMPTOIR_REQUIRE_MFA", default=not DEBUG)

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("fr", _("French"))]
LOCALE_PATHS = [PACKAGE_DIR / "locale"]
TIME_ZONE = "America/Toronto"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = VAR_DIR / "static"
# The GC Design System comes from npm at set-up time (see scripts/setup); it is never committed.
_GCDS = PROJECT_DIR / "node_modules" / "@gcds-core"
STATICFILES_DIRS = [
    ("gcds/components", _GCDS / "components" / "dist" / "gcds"),  # ES module loader and chunks
    ("gcds/tokens", _GCDS / "tokens" / "build" / "web" / "css"),  # design tokens (no web fonts)
    ("gcds/fonts", _GCDS / "fonts" / "fonts"),  # Lato, Noto Sans and the icon font, served here
    PACKAGE_DIR / "static",  # Comptoir's own stylesheet, fonts declarations and icon
]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "comptoir.config.staticfiles.ComptoirStaticFilesStorage"
            if not DEBUG and not env_flag("COMPTOIR_TESTING", default=False)
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}
MEDIA_ROOT = VAR_DIR / "media"

# Content Security Policy (Django's own middleware): scripts and styles from this site only.
SECURE_CSP = {
    "default-src": ["'self'"],
    "script-src": ["'self'"],
    "style-src": ["'self'"],
    "img-src": ["'self'", "data:"],
    "font-src": ["'self'", "data:"],
    "connect-src": ["'self'"],
    "frame-ancestors": ["'none'"],
    "form-action": ["'self'"],
    "base-uri": ["'self'"],
}

SESSION_COOKIE_HTTPONLY = True
# The CSRF token is kept in the (server-side) session, never in a cookie of its own.
CSRF_USE_SESSIONS = True
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# Probes of a load balancer ask over plain HTTP inside the network: never redirected to HTTPS.
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$"]
if not DEBUG:
    SECURE_SSL_REDIRECT = env_flag("COMPTOIR_SSL_REDIRECT", default=True)
    SESSION_COOKIE_SECURE = env_flag("COMPTOIR_SECURE_COOKIES", default=True)
    CSRF_COOKIE_SECURE = env_flag("COMPTOIR_SECURE_COOKIES", default=True)
    SECURE_HSTS_SECONDS = int(os.environ.get("COMPTOIR_HSTS_SECONDS", "31536000"))
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True

# Outgoing mail: SMTP in production, printed to the console in development.
_mail_backend = os.environ.get(
    "COMPTOIR_EMAIL_BACKEND",
    "django.core.mail.backends.console.EmailBackend"
    if DEBUG
    else "django.core.mail.backends.smtp.EmailBackend",
)
MAILERS = {"default": {"BACKEND": _mail_backend, "OPTIONS": {}}}
if _mail_backend.endswith("smtp.EmailBackend"):
    MAILERS["default"]["OPTIONS"] = {
        "host": os.environ.get("COMPTOIR_SMTP_HOST", "localhost"),
        "port": int(os.environ.get("COMPTOIR_SMTP_PORT", "25")),
        "username": os.environ.get("COMPTOIR_SMTP_USER", ""),
        "password": os.environ.get("COMPTOIR_SMTP_PASSWORD", ""),
        "use_tls": env_flag("COMPTOIR_SMTP_STARTTLS", default=False),
    }
DEFAULT_FROM_EMAIL = os.environ.get("COMPTOIR_FROM_EMAIL", "comptoir@localhost")

# Every line carries the id of the request that wrote it (comptoir.operations.requests);
# COMPTOIR_LOG_FORMAT=json writes one JSON object a line, for a log collector.
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "comptoir.operations.requests.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {"()": "comptoir.operations.requests.JsonFormatter"},
    },
    "handlers": {
        "console": {
            "class": "logging.StreamHandler",
            "filters": ["request_id"],
            "formatter": "json" if os.environ.get("COMPTOIR_LOG_FORMAT") == "json" else "text",
        }
    },
    "root": {"handlers": ["console"], "level": os.environ.get("COMPTOIR_LOG_LEVEL", "WARNING")},
}

# The largest file an inventory import accepts, checked before the file is read (on the page by
# the upload's size, on the command by the file's size on disk); see docs/inventory.md.
COMPTOIR_IMPORT_MAX_BYTES = int(os.environ.get("COMPTOIR_IMPORT_MAX_BYTES", str(20 * 1024 * 1024)))

# Where the real GC open data is, for tests and benchmarks (never copied into the repository).
SHARED_DATA_DIR = Path(
    os.environ.get("COMPTOIR_SHARED_DATA", PROJECT_DIR.parent / "shared" / "data")
)

# --- The public portal and mail with clients (docs/notifications.md, docs/portal.md) ----------
# The address the site is reached at, for links in mail (the status page, the look-up page).
COMPTOIR_SITE_URL = os.environ.get("COMPTOIR_SITE_URL", "http://localhost:8000").rstrip("/")
#: The department's full privacy notice, linked from the notice on every portal form.
COMPTOIR_PRIVACY_NOTICE_URL = os.environ.get("COMPTOIR_PRIVACY_NOTICE_URL", "")
# How notifications to clients are delivered: "smtp" (Django email, MAILERS above) or "gcnotify".
COMPTOIR_NOTIFY_BACKEND = os.environ.get("COMPTOIR_NOTIFY_BACKEND", "smtp")
COMPTOIR_GC_NOTIFY_API_KEY = os.environ.get("COMPTOIR_GC_NOTIFY_API_KEY", "")
COMPTOIR_GC_NOTIFY_BASE_URL = os.environ.get(
    "COMPTOIR_GC_NOTIFY_BASE_URL", "https://api.notification.canada.ca"
)
# The bearer token GC Notify sends with its delivery reports (its callback's "bearer token").
COMPTOIR_GC_NOTIFY_CALLBACK_TOKEN = os.environ.get("COMPTOIR_GC_NOTIFY_CALLBACK_TOKEN", "")
# GC Notify's limit is 1,000 requests a minute per service; stay under it.
COMPTOIR_GC_NOTIFY_PER_MINUTE = int(os.environ.get("COMPTOIR_GC_NOTIFY_PER_MINUTE", "900"))
# Replies from clients come back to this address (Reply-To of what Comptoir sends).
COMPTOIR_REPLY_TO = os.environ.get("COMPTOIR_REPLY_TO", DEFAULT_FROM_EMAIL)
# At most this many automatic messages (acknowledgements) to one address per window.
COMPTOIR_AUTO_REPLY_LIMIT = int(os.environ.get("COMPTOIR_AUTO_REPLY_LIMIT", "3"))
COMPTOIR_AUTO_REPLY_WINDOW_HOURS = int(os.environ.get("COMPTOIR_AUTO_REPLY_WINDOW_HOURS", "24"))
# An interim reply goes to a client whose answer is due within this many hours (and not to cases
# overdue for more than the grace: an imported history is not mailed at once).
COMPTOIR_INTERIM_REPLY_HOURS = int(os.environ.get("COMPTOIR_INTERIM_REPLY_HOURS", "24"))
COMPTOIR_INTERIM_REPLY_GRACE_HOURS = int(os.environ.get("COMPTOIR_INTERIM_REPLY_GRACE_HOURS", "48"))
# The mailbox the worker polls for clients' mail (empty host: no polling).
COMPTOIR_IMAP_HOST = os.environ.get("COMPTOIR_IMAP_HOST", "")
COMPTOIR_IMAP_PORT = int(os.environ.get("COMPTOIR_IMAP_PORT", "993"))
COMPTOIR_IMAP_SSL = env_flag("COMPTOIR_IMAP_SSL", default=True)
COMPTOIR_IMAP_USER = os.environ.get("COMPTOIR_IMAP_USER", "")
COMPTOIR_IMAP_PASSWORD = os.environ.get("COMPTOIR_IMAP_PASSWORD", "")
COMPTOIR_IMAP_FOLDER = os.environ.get("COMPTOIR_IMAP_FOLDER", "INBOX")
COMPTOIR_IMAP_POLL_SECONDS = int(os.environ.get("COMPTOIR_IMAP_POLL_SECONDS", "60"))
# The service (its primary key) a new case opened by an email from an unknown sender is for.
COMPTOIR_MAIL_INTAKE_SERVICE = os.environ.get("COMPTOIR_MAIL_INTAKE_SERVICE", "")
# Files clients send (the portal, email): stored here, outside the web root, served only to staff
# who may see the case and to the client through their status link.
COMPTOIR_PRIVATE_MEDIA_ROOT = Path(
    os.environ.get("COMPTOIR_PRIVATE_MEDIA_ROOT", VAR_DIR / "private")
)
COMPTOIR_ATTACHMENT_MAX_BYTES = int(
    os.environ.get("COMPTOIR_ATTACHMENT_MAX_BYTES", str(10 * 1024 * 1024))
)
COMPTOIR_ATTACHMENTS_PER_MESSAGE = int(os.environ.get("COMPTOIR_ATTACHMENTS_PER_MESSAGE", "5"))
# Intake proposals (docs/matching.md): existing clients at or above this probability are
# proposed; at or above the second, the portal, the API and inbound mail link them by themselves.
COMPTOIR_MATCH_PROPOSE = float(os.environ.get("COMPTOIR_MATCH_PROPOSE", "0.5"))
COMPTOIR_MATCH_AUTO_LINK = float(os.environ.get("COMPTOIR_MATCH_AUTO_LINK", "0.995"))
