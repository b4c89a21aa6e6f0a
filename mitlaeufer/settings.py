"""Settings for Mitläufer, read from the environment (django-environ).

With nothing set you get the embedded default used by ``make run``: an SQLite
file, Celery tasks run eagerly in-process, mails go to the console.
``DATABASE_URL`` switches the database (PostgreSQL in production and tests),
``REDIS_URL`` makes Redis the Celery broker and the cache.
"""

from pathlib import Path

import environ
from django.core.exceptions import ImproperlyConfigured
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
# .env holds the production configuration (docker compose reads the same file); the process
# environment wins. `make run` and `make test` set DJANGO_READ_DOT_ENV=false, so the embedded
# default and the test suite keep working in a checkout that also holds a production .env.
if env.bool("DJANGO_READ_DOT_ENV", default=True):
    environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DJANGO_DEBUG", default=True)

# In production a missing secret is a deployment error, never a silent default.
if DEBUG:
    SECRET_KEY = env.str(
        "SECRET_KEY",
        default="django-insecure-local-development-only-not-for-production-use",
    )
else:
    SECRET_KEY = env.str("SECRET_KEY", default="")
    if not SECRET_KEY:
        raise ImproperlyConfigured("SECRET_KEY must be set when DJANGO_DEBUG is off.")

ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost", "[::1]"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# A form sent without a valid token gets the site's own page in the reader's language, not Django's English one.
CSRF_FAILURE_VIEW = "mitlaeufer.views.csrf_failure"
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000").rstrip("/")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "crispy_forms",
    "crispy_bootstrap5",
    "django_filters",
    "django_celery_beat",
    "auditlog",
    "bootstrap",
    "csp",
    # Project-wide system checks and operator commands (create_coordinator).
    "mitlaeufer",
    # Our apps. Dependencies point one way: matching → volunteers → directory → geo → core.
    "core",
    "geo",
    "volunteers",
    "directory",
    "matching",
]

MIDDLEWARE = [
    # First: everything below sees the client's address, not the proxy's.
    "mitlaeufer.proxy.TrustedProxyMiddleware",
    "django.middleware.security.SecurityMiddleware",
    # The policy header is added on the way out, so /healthz and static files get it too.
    "csp.middleware.CSPMiddleware",
    # Before host validation (CommonMiddleware) but after the security headers.
    "mitlaeufer.middleware.HealthCheckMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "mitlaeufer.middleware.RejectNulBytesMiddleware",
    "mitlaeufer.middleware.ChosenLanguageMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Records the signed-in user as the actor of every audited change (matching/audit.py).
    "auditlog.middleware.AuditlogMiddleware",
    # After authentication and messages: staff reach the admin only with a second factor.
    "mitlaeufer.mfa.StaffMfaMiddleware",
    # Innermost: whole public pages for anonymous visitors, each with its own tokens (core/page_cache.py).
    "core.page_cache.AnonymousPageCacheMiddleware",
]

ROOT_URLCONF = "mitlaeufer.urls"

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
                "mitlaeufer.context_processors.site",
            ],
        },
    },
]

# Plain-text mails: the same templates, rendered without HTML escaping. A text/plain
# body has no markup to escape, and escaping there turns "O'Neil & Co" into
# "O&#x27;Neil &amp; Co". Mails never carry an HTML part, so nothing interprets them.
TEMPLATES.append({**TEMPLATES[0], "NAME": "text", "OPTIONS": {**TEMPLATES[0]["OPTIONS"], "autoescape": False}})

WSGI_APPLICATION = "mitlaeufer.wsgi.application"

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = True
# Persistent connections (web and worker): a new PostgreSQL connection costs a few milliseconds and
# throws away the prepared candidate search, so production keeps each one for a minute. Health checks
# replace a connection that broke in between (a database restart, a killed backend) before its first
# query. runserver starts a thread per request, so the development default stays 0.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("DB_CONN_MAX_AGE", default=0 if DEBUG else 60)
DATABASES["default"]["CONN_HEALTH_CHECKS"] = env.bool("DB_CONN_HEALTH_CHECKS", default=True)
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

# --- Cache and Celery ---------------------------------------------------------
REDIS_URL = env.str("REDIS_URL", default="")
# The cache belongs in its own Redis database: a cache.clear() or an eviction there must never
# drop queued tasks. Unset it falls back to REDIS_URL, which the production check refuses
# (mitlaeufer/checks.py); the test suite shares one database on purpose and clears it per test.
CACHE_URL = env.str("CACHE_URL", default=REDIS_URL)
if CACHE_URL:
    CACHES = {
        "default": {
            # Fails open while Redis is down (core/cache.py): pages and forms keep working.
            "BACKEND": "core.cache.FailOpenRedisCache",
            "LOCATION": CACHE_URL,
            # A Redis that does not answer must not hold a page for long.
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 1},
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="mitlaeufer"),
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}
# Per process, for rendered fragments that depend only on the code, the language and the query (never on
# data): a Redis round trip costs a public page as much as the rendering it saves (bench_web). A deploy
# starts new processes, so a changed template is never served from here.
CACHES["local"] = {
    "BACKEND": "django.core.cache.backends.locmem.LocMemCache",
    "LOCATION": "mitlaeufer-fragments",
    "OPTIONS": {"MAX_ENTRIES": 1000},
}
if REDIS_URL:
    CELERY_BROKER_URL = REDIS_URL
    CELERY_TASK_ALWAYS_EAGER = False
else:
    # No broker in the embedded default: tasks run in-process, right away.
    CELERY_BROKER_URL = "memory://"
    CELERY_TASK_ALWAYS_EAGER = True
    CELERY_TASK_EAGER_PROPAGATES = True

CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
# How long a task taken by a worker stays invisible before Redis hands it to another worker.
# It must exceed the longest wait a worker holds a task for: the retry backoff is capped at
# 600 s (retry_backoff_max in the tasks), the volunteer debounce is 60 s, and no task runs for
# minutes. Fifteen minutes covers both with room, and a task in flight at a worker's SIGKILL
# comes back after those fifteen minutes instead of an hour.
CELERY_BROKER_VISIBILITY_TIMEOUT_SECONDS = env.int("CELERY_VISIBILITY_TIMEOUT", default=900)
CELERY_BROKER_TRANSPORT_OPTIONS = {"visibility_timeout": CELERY_BROKER_VISIBILITY_TIMEOUT_SECONDS}
CELERY_RESULT_BACKEND = None
CELERY_TASK_IGNORE_RESULT = True
CELERY_BEAT_SCHEDULER = "django_celery_beat.schedulers:DatabaseScheduler"
CELERY_TIMEZONE = "Europe/Berlin"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Celery's Django fixup closes every database connection around every task unless this is set;
# mitlaeufer/celery.py closes them the way Django closes them around a request instead (CONN_MAX_AGE,
# health checks), so the fixup's own closing is pushed out of the way.
CELERY_DB_REUSE_MAX = 1_000_000_000

# --- Auth and accounts (django-allauth) ----------------------------------------
# Coordinators sign in with a second factor (allauth.mfa): TOTP, recovery codes, and WebAuthn (security keys,
# passkeys) where the browser offers it. ADMIN_REQUIRE_MFA=false only for tests and emergencies.
MFA_ADAPTER = "mitlaeufer.mfa.MfaAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes", "webauthn"]
MFA_TOTP_ISSUER = "Mitläufer"
# A code typed just as its 30-second window ends (or on a phone whose clock is a little off) still counts.
MFA_TOTP_TOLERANCE = 1
ADMIN_REQUIRE_MFA = env.bool("ADMIN_REQUIRE_MFA", default=True)
AUTHENTICATION_BACKENDS = [
    "django.contrib.auth.backends.ModelBackend",
    "allauth.account.auth_backends.AuthenticationBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = "username"
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_UNIQUE_EMAIL = True
# Sign-up and password reset answer alike for known and unknown addresses: being identifiable as
# a volunteer or coordinator is sensitive. With mandatory verification allauth then mails the
# owner of a known address ("you already have an account") instead of creating a second account.
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_CONFIRM_EMAIL_ON_GET = False
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_EMAIL_CONFIRMATION_EXPIRE_DAYS = 7
ACCOUNT_SIGNUP_FORM_CLASS = "volunteers.forms.VolunteerSignupForm"
ACCOUNT_ADAPTER = "mitlaeufer.adapters.AccountAdapter"
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[Mitläufer] "
ACCOUNT_LOGOUT_REDIRECT_URL = "/"
# Per client address (behind a proxy see TRUSTED_PROXY_COUNT). A reset mail per address at most
# every 20 minutes; probing many addresses stops after ten an hour.
ACCOUNT_RATE_LIMITS = {
    "login_failed": "5/5m/ip,5/5m/key",
    # Every POST counts here, so it is only a flood guard; SIGNUP_RATE_LIMIT counts accepted sign-ups.
    "signup": "60/h/ip",
    "confirm_email": "1/3m/key",
    "reset_password": "10/h/ip,3/h/key",
}
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "volunteers:profile"

# --- Internationalisation --------------------------------------------------------
# Source strings are German: German is the default of every page, and a string
# that lacks an English translation still reads correctly for German users.
LANGUAGE_CODE = "de"
# The person's path (home, request, status, referrals, privacy, error pages, the person's mails)
# speaks all of these; the volunteers' and coordinators' pages only German and English, so the
# last five catalogues leave those strings empty and they read in German (locale/README.md).
LANGUAGES = [
    ("de", _("Deutsch")),
    ("en", _("Englisch")),
    ("tr", _("Türkisch")),
    ("ar", _("Arabisch")),
    ("uk", _("Ukrainisch")),
    ("ru", _("Russisch")),
    ("fa", _("Persisch")),
]
LANGUAGES_EVERYWHERE = ("de", "en")
# Pages of the volunteers', partners' and coordinators' side (regular expressions on the path): in
# the other languages they render in German (mitlaeufer.middleware.ChosenLanguageMiddleware).
GERMAN_ENGLISH_ONLY_PATHS = [
    r"^/mitmachen/",
    # Leichte Sprache is German by nature (its English is plain English).
    r"^/anfrage/einfach/",
    r"^/konto/",
    r"^/profil/",
    # The public list speaks to people who may want to volunteer or to reach one: German and English.
    r"^/mitlaeuferliste/",
    r"^/einsatz/",
    r"^/partner/",
    r"^/initiative/",
    r"^/initiativen/eintragen/",
    r"^/initiativen/[^/]+/bearbeiten/",
    r"^/admin/",
]
LOCALE_PATHS = [BASE_DIR / "locale"]
TIME_ZONE = "Europe/Berlin"
USE_I18N = True
USE_TZ = True

# --- Static files ----------------------------------------------------------------
STATIC_URL = "static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": (
            "whitenoise.storage.CompressedManifestStaticFilesStorage"
            if not DEBUG
            else "django.contrib.staticfiles.storage.StaticFilesStorage"
        )
    },
}

CRISPY_ALLOWED_TEMPLATE_PACKS = "bootstrap5"
CRISPY_TEMPLATE_PACK = "bootstrap5"

# --- Mail --------------------------------------------------------------------------
EMAIL_BACKEND = env.str("EMAIL_BACKEND", default="django.core.mail.backends.console.EmailBackend")
EMAIL_HOST = env.str("EMAIL_HOST", default="localhost")
EMAIL_PORT = env.int("EMAIL_PORT", default=25)
EMAIL_HOST_USER = env.str("EMAIL_HOST_USER", default="")
EMAIL_HOST_PASSWORD = env.str("EMAIL_HOST_PASSWORD", default="")
EMAIL_USE_TLS = env.bool("EMAIL_USE_TLS", default=False)
# Seconds an SMTP conversation may hang; shorter than OUTBOX_LEASE_SECONDS.
EMAIL_TIMEOUT = env.int("EMAIL_TIMEOUT", default=30)
# Only read by the file-based backend (the worker tests read the mails it writes there).
EMAIL_FILE_PATH = env.str("EMAIL_FILE_PATH", default="")
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="Mitläufer <noreply@mitlaeufer.example>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL

# --- Security ------------------------------------------------------------------------
SESSION_COOKIE_HTTPONLY = True
CSRF_COOKIE_HTTPONLY = False
X_FRAME_OPTIONS = "DENY"
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
# How many reverse proxies of ours stand in front of gunicorn (Caddy in docker-compose.yml: 1).
# It decides whose X-Forwarded-For entry is the client (mitlaeufer.proxy) and whether
# X-Forwarded-Proto is believed; with 0 both headers are ignored, as any client can send them.
TRUSTED_PROXY_COUNT = env.int("TRUSTED_PROXY_COUNT", default=0)
if TRUSTED_PROXY_COUNT < 0:
    raise ImproperlyConfigured("TRUSTED_PROXY_COUNT must be 0 or more.")
if TRUSTED_PROXY_COUNT:
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
# allauth reads REMOTE_ADDR, which TrustedProxyMiddleware has already set to the client, when
# its own count is 0. A second parser of X-Forwarded-For would only disagree on odd headers
# (allauth answers 500 to fewer hops than proxies).
ALLAUTH_TRUSTED_PROXY_COUNT = 0
# The container's health probe talks plain HTTP to gunicorn, past the proxy.
SECURE_REDIRECT_EXEMPT = [r"^healthz$"]
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = True
    CSRF_COOKIE_SECURE = True

# Only our own origin: Bootstrap is served locally, no CDN, no inline scripts.
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "img-src": ["'self'", "data:"],
        "style-src": ["'self'"],
        "script-src": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
        "base-uri": ["'none'"],
        "object-src": ["'none'"],
    }
}

# --- Logging: never personal data, only events and ids ------------------------------
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "formatters": {"plain": {"format": "%(asctime)s %(levelname)s %(name)s %(message)s"}},
    "handlers": {"console": {"class": "logging.StreamHandler", "formatter": "plain"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {
        # Django's request logger would print URLs of 404s, which may carry tokens.
        "django.request": {"level": "ERROR"},
        # A failed CSRF check logs the path, which on token pages holds the secret.
        "django.security.csrf": {"level": "ERROR"},
    },
}

# Optional error reports (Sentry), scrubbed of personal data: see mitlaeufer/error_reporting.py.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from mitlaeufer.error_reporting import error_reporting_init

    error_reporting_init(dsn=SENTRY_DSN, environment=env.str("SENTRY_ENVIRONMENT", default="production"))

# --- Domain settings: the platform's own knobs, in mitlaeufer/settings_domain.py -----------
from mitlaeufer.settings_domain import *  # noqa: E402,F403
from mitlaeufer.settings_domain import MATCHING_PREPARED_STATEMENTS  # noqa: E402

if MATCHING_PREPARED_STATEMENTS and DATABASES["default"]["ENGINE"].endswith("postgresql"):
    # Plan the prepared search once per connection; Django's own queries are never prepared.
    DATABASES["default"].setdefault("OPTIONS", {})["options"] = "-c plan_cache_mode=force_generic_plan"
