"""Settings, read from the environment (12-factor). Unset variables give the embedded default:
SQLite, Celery tasks run eagerly in-process, local-memory cache, files on local disk."""

import secrets
from pathlib import Path

import environ
from django.templatetags.static import static

BASE_DIR = Path(__file__).resolve().parent.parent

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False)

DEBUG = env.bool("DEBUG", default=False)


def _secret_key() -> str:
    """SECRET_KEY from the environment; otherwise a random key kept in an untracked file, so an
    install without configuration is never running on a published key."""
    if key := env.str("SECRET_KEY", default=""):
        return key
    path = BASE_DIR / ".secret_key"
    if not path.exists():
        path.write_text(secrets.token_urlsafe(64))
        path.chmod(0o600)
    return path.read_text().strip()


SECRET_KEY = _secret_key()
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["127.0.0.1", "localhost"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
# Under an API's mount a CSRF failure is that API's 403 (apps.api.common.mounts).
CSRF_FAILURE_VIEW = "apps.api.common.mounts.csrf_failure"

INSTALLED_APPS = [
    # First: its `runserver` (which keeps the `api_key` header) overrides the ones below.
    "apps.api",
    # Before Django's admin: its templates and its admin site (the back office's theme).
    "unfold",
    "unfold.contrib.filters",
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "rest_framework",
    "django_filters",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "django_countries",
    "apps.core",
    "apps.parties",
    "apps.catalogue",
    "apps.sales",
    "apps.content",
    "apps.accounts",
    "apps.insights",
]

MIDDLEWARE = [
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    "apps.api.common.mounts.CollapseSlashesMiddleware",
    # NUL bytes, lone surrogates and chunked bodies without a length, refused before routing.
    "apps.api.common.hostile.EdgeMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "apps.core.csp.AdminCSPMiddleware",
]

# benchmarks/load.py only: a bare JSON view at /benchmark/bare and SQL figures in response headers.
BENCHMARK_VIEWS = env.bool("BENCHMARK_VIEWS", default=False)
if BENCHMARK_VIEWS:
    MIDDLEWARE.insert(0, "crm.benchmark.SqlStatsMiddleware")

ROOT_URLCONF = "crm.urls"
WSGI_APPLICATION = "crm.wsgi.application"

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
            ],
        },
    },
]

DATABASES = {"default": env.db("DATABASE_URL", default=f"sqlite:///{BASE_DIR / 'db.sqlite3'}")}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    # WAL and a busy timeout let the dev server and an eager task share the file.
    DATABASES["default"].setdefault("OPTIONS", {}).update(
        {"timeout": 20, "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;"}
    )
else:
    DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)
    DATABASES["default"]["CONN_HEALTH_CHECKS"] = True

DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
if REDIS_URL:
    # Redis, degrading to each process's memory while Redis is down (apps.core.cache).
    CACHES = {
        "default": {
            "BACKEND": "apps.core.cache.FallbackRedisCache",
            "LOCATION": REDIS_URL,
            "OPTIONS": {"socket_connect_timeout": 1, "socket_timeout": 2},
        }
    }
else:
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache"}}

# Password guessing (apps.core.login_limits): failures per user name and per client address over
# LOGIN_LOCKOUT_SECONDS lock that name or address for every password check (admin, Back-Office and
# CRM.COM R logins, incwo Basic). The client address is REMOTE_ADDR; X-Forwarded-For is read only
# from TRUSTED_PROXIES (addresses or networks of your reverse proxies, e.g. "10.0.0.0/8").
AUTHENTICATION_BACKENDS = ["apps.core.login_limits.LimitedModelBackend"]
LOGIN_FAILURES_PER_ACCOUNT = env.int("LOGIN_FAILURES_PER_ACCOUNT", default=10)
LOGIN_FAILURES_PER_ADDRESS = env.int("LOGIN_FAILURES_PER_ADDRESS", default=100)
LOGIN_LOCKOUT_SECONDS = env.int("LOGIN_LOCKOUT_SECONDS", default=15 * 60)
TRUSTED_PROXIES = env.list("TRUSTED_PROXIES", default=[])

AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator"},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]

LANGUAGE_CODE = "en"
# "Currently" in the APIs means today in the account's time zone (Peepl spec, Q20).
TIME_ZONE = env.str("TIME_ZONE", default="Europe/Brussels")
USE_I18N = True
USE_TZ = True
# The country of an address written without one (ISO 3166-1 alpha-2; see docs/addresses.md).
DEFAULT_COUNTRY = env.str("DEFAULT_COUNTRY", default="BE").upper()
# The region phone numbers written without a country code are read in (match keys, phone search).
PHONE_DEFAULT_REGION = env.str("PHONE_DEFAULT_REGION", default=DEFAULT_COUNTRY).upper()

# Files: Django's storage API only. Local disk by default, S3 when a bucket is configured.
STATIC_URL = "/static/"
STATIC_ROOT = BASE_DIR / "staticfiles"
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=BASE_DIR / "media")
AWS_STORAGE_BUCKET_NAME = env.str("AWS_STORAGE_BUCKET_NAME", default="")
STORAGES = {
    "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
    "staticfiles": {
        "BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"
        if not DEBUG
        else "django.contrib.staticfiles.storage.StaticFilesStorage"
    },
}
if AWS_STORAGE_BUCKET_NAME:
    AWS_S3_ENDPOINT_URL = env.str("AWS_S3_ENDPOINT_URL", default=None)
    AWS_S3_REGION_NAME = env.str("AWS_S3_REGION_NAME", default=None)
    AWS_ACCESS_KEY_ID = env.str("AWS_ACCESS_KEY_ID", default=None)
    AWS_SECRET_ACCESS_KEY = env.str("AWS_SECRET_ACCESS_KEY", default=None)
    AWS_S3_FILE_OVERWRITE = False
    AWS_DEFAULT_ACL = None
    AWS_QUERYSTRING_AUTH = True
    STORAGES["default"] = {"BACKEND": "storages.backends.s3.S3Storage"}

# Request size limits: forms and JSON bodies; uploads have their own limit.
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2 * 1024 * 1024)
API_MAX_BODY_SIZE = env.int("API_MAX_BODY_SIZE", default=2 * 1024 * 1024)
# How long a file URL an API or the admin hands out stays valid (seconds; apps.content.downloads).
FILE_URL_MAX_AGE = env.int("FILE_URL_MAX_AGE", default=60 * 60)
FILE_UPLOAD_MAX_SIZE = env.int("FILE_UPLOAD_MAX_SIZE", default=20 * 1024 * 1024)
# JSON nested deeper than this is a 400 in every API (apps.api.common.hostile).
API_MAX_JSON_DEPTH = env.int("API_MAX_JSON_DEPTH", default=32)
# Test hook only: seconds the picture task pauses halfway, so a test can kill the worker mid-task.
CONTENT_TASK_TEST_PAUSE = env.float("CONTENT_TASK_TEST_PAUSE", default=0)
# Test hook only: seconds a party merge pauses halfway (rows moved, nothing committed).
PARTIES_MERGE_TEST_PAUSE = env.float("PARTIES_MERGE_TEST_PAUSE", default=0)

# Celery: without a broker, tasks run eagerly in-process (the embedded default).
CELERY_BROKER_URL = env.str("CELERY_BROKER_URL", default="")
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not CELERY_BROKER_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_RESULT_BACKEND = env.str("CELERY_RESULT_BACKEND", default=REDIS_URL or None)
# Work that must survive a dead worker or broker is a job (apps.core.jobs): its tasks, all
# idempotent, ack late and are redelivered when their worker dies; other tasks ack on receipt.
CELERY_TASK_ACKS_LATE = False
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TIMEZONE = TIME_ZONE
# Every task is stopped after CELERY_TASK_TIME_LIMIT seconds (a minute earlier, softly: it can
# record why). Redis hands a message that was not acknowledged to another worker after the
# visibility timeout: longer than any task may run, so a live task is never delivered twice.
CELERY_TASK_TIME_LIMIT = env.int("CELERY_TASK_TIME_LIMIT", default=30 * 60)
CELERY_TASK_SOFT_TIME_LIMIT = max(CELERY_TASK_TIME_LIMIT - 60, CELERY_TASK_TIME_LIMIT * 9 // 10)
_visibility_timeout = env.int("CELERY_VISIBILITY_TIMEOUT", default=CELERY_TASK_TIME_LIMIT + 5 * 60)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "visibility_timeout": _visibility_timeout,
    # Look for messages whose worker died every 10 s (kombu's default: 100 s).
    "unacked_restore_interval": min(10, _visibility_timeout),
    "unacked_restore_throttle": 1,
    # Never wait long for a broker that is gone: publishing fails fast and the job sweep retries.
    "socket_connect_timeout": 2,
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = 2  # the result backend's
# Jobs (apps.core.jobs): a running job whose heartbeat (every JOBS_STALE_AFTER / 6 s) stopped for
# JOBS_STALE_AFTER seconds has lost its worker; the sweep, every JOBS_SWEEP_INTERVAL seconds,
# hands it to a new run, publishes jobs the broker never got, and publishes again jobs pending
# for JOBS_REPUBLISH_AFTER seconds (a broker that lost its messages).
JOBS_STALE_AFTER = env.float("JOBS_STALE_AFTER", default=60)
JOBS_SWEEP_INTERVAL = env.float("JOBS_SWEEP_INTERVAL", default=30)
JOBS_REPUBLISH_AFTER = env.float("JOBS_REPUBLISH_AFTER", default=10 * 60)
JOBS_MAX_ATTEMPTS = env.int("JOBS_MAX_ATTEMPTS", default=10)
JOBS_RETENTION_DAYS = env.int("JOBS_RETENTION_DAYS", default=7)
CELERY_BEAT_SCHEDULE = {
    "prune-change-log": {"task": "apps.core.tasks.prune_change_log", "schedule": 24 * 60 * 60},
    "sweep-jobs": {
        "task": "apps.core.tasks.sweep_jobs",
        "schedule": JOBS_SWEEP_INTERVAL,
        "options": {"expires": JOBS_SWEEP_INTERVAL},  # a sweep not started in time is skipped
    },
    "settle-challenges": {"task": "apps.sales.tasks.settle_finished_challenges", "schedule": 60 * 60},
    "compact-row-counters": {"task": "apps.core.tasks.compact_row_counters", "schedule": 60},
}

# Change log entries older than this many days are pruned daily (0 keeps them forever).
CHANGELOG_RETENTION_DAYS = env.int("CHANGELOG_RETENTION_DAYS", default=0)
# Days during which a merge can be undone from its merge record (apps.parties.merge.undo_merge).
MERGE_UNDO_DAYS = env.int("MERGE_UNDO_DAYS", default=30)

REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [],
    "DEFAULT_PERMISSION_CLASSES": ["rest_framework.permissions.IsAuthenticated"],
    "DEFAULT_SCHEMA_CLASS": "apps.api.common.schema.ApiSchema",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
    "TEST_REQUEST_DEFAULT_FORMAT": "json",
}
SPECTACULAR_SETTINGS = {
    "TITLE": "CRM back office",
    "VERSION": "1.0.0",
    "SERVE_INCLUDE_SCHEMA": False,
    "COMPONENT_SPLIT_REQUEST": True,
    # The docs pages load Redoc from here (drf-spectacular-sidecar's, see apps.api.common.docs).
    "REDOC_DIST": "/api/docs/redoc",
}

# Peepl admin API
PEEPL_THROTTLE_RATE = env.str("PEEPL_THROTTLE_RATE", default="100/min")

# CRM.COM R-series contact_information API: the install's one organisation code, and how long a
# login token lives (seconds; absolute, as R12+).
CRMCOM_ORGANISATION = env.str("CRMCOM_ORGANISATION", default="CRMDEMO")
CRMCOM_TOKEN_LIFETIME = env.int("CRMCOM_TOKEN_LIFETIME", default=2 * 60 * 60)

# incwo contacts XML API: the install is one business file; contacts per listed page.
INCWO_BUSINESS_FILE_ID = env.int("INCWO_BUSINESS_FILE_ID", default=1)
INCWO_PAGE_SIZE = env.int("INCWO_PAGE_SIZE", default=100)
# Seconds a verified HTTP Basic user name + password is remembered (0: hash the password on every
# request); a password change or deactivation drops it at once (apps.api.common.authentication).
BASIC_AUTH_CACHE_SECONDS = env.int("BASIC_AUTH_CACHE_SECONDS", default=60)

# CRM.COM Back-Office v2 API: the JWTs its login issues (HS256, signed with this secret, which
# defaults to SECRET_KEY; lifetime in seconds), their refresh tokens and login attempts allowed
# per user name.
CRMCOM_JWT_SECRET = env.str("CRMCOM_JWT_SECRET", default="") or SECRET_KEY
CRMCOM_JWT_LIFETIME = env.int("CRMCOM_JWT_LIFETIME", default=15 * 60)
# Seconds a login's refresh token stays usable (each use replaces it and starts the time again).
CRMCOM_REFRESH_TOKEN_LIFETIME = env.int("CRMCOM_REFRESH_TOKEN_LIFETIME", default=7 * 24 * 60 * 60)
CRMCOM_LOGIN_THROTTLE_RATE = env.str("CRMCOM_LOGIN_THROTTLE_RATE", default="10/min")

# Insight exports: record the peak Python memory of each export (tracemalloc: about five times
# slower, so off unless measuring). Test hook only: seconds an export pauses after its first
# progress report.
INSIGHTS_EXPORT_TRACE_MEMORY = env.bool("INSIGHTS_EXPORT_TRACE_MEMORY", default=False)
INSIGHTS_EXPORT_TEST_PAUSE = env.float("INSIGHTS_EXPORT_TEST_PAUSE", default=0)

# Secrets stored encrypted (apps.core.secrets): comma-separated Fernet keys, the first encrypts.
# Unset: a key derived from SECRET_KEY. Set it in production (see README).
FIELD_ENCRYPTION_KEYS = env.list("FIELD_ENCRYPTION_KEYS", default=[])

# The admin's Content-Security-Policy (django-csp; apps.core.csp applies it under these paths).
# Scripts and styles from this site only, no inline scripts. Inline styles are allowed because
# the admin (and django-unfold's templates) set `style` attributes, and 'unsafe-eval' because
# unfold's Alpine.js evaluates its x-* attributes (Alpine's CSP build is not what unfold ships).
# Each list can be set from the environment, e.g.
# CSP_IMG_SRC="'self',data:,https://bucket.s3.example.com" for thumbnails on S3.
CSP_PATH_PREFIXES = env.list("CSP_PATH_PREFIXES", default=["/admin/"])
CONTENT_SECURITY_POLICY = {
    "DIRECTIVES": {
        "default-src": ["'self'"],
        "script-src": env.list("CSP_SCRIPT_SRC", default=["'self'", "'unsafe-eval'"]),
        "style-src": env.list("CSP_STYLE_SRC", default=["'self'", "'unsafe-inline'"]),
        "img-src": env.list("CSP_IMG_SRC", default=["'self'", "data:", "blob:"]),
        "font-src": env.list("CSP_FONT_SRC", default=["'self'", "data:"]),
        "connect-src": ["'self'"],
        "object-src": ["'none'"],
        "base-uri": ["'self'"],
        "form-action": ["'self'"],
        "frame-ancestors": ["'none'"],
    }
}

# Security. DEBUG=0 with these defaults passes `manage.py check --deploy`.
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
SESSION_COOKIE_HTTPONLY = True
if not DEBUG:
    SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
    SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
    SECURE_REDIRECT_EXEMPT = [r"^healthz$"]  # container health checks speak plain HTTP
    SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
    SECURE_HSTS_INCLUDE_SUBDOMAINS = True
    SECURE_HSTS_PRELOAD = True
    SESSION_COOKIE_SECURE = env.bool("SESSION_COOKIE_SECURE", default=True)
    CSRF_COOKIE_SECURE = env.bool("CSRF_COOKIE_SECURE", default=True)

LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "handlers": {"console": {"class": "logging.StreamHandler"}},
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "INFO"}},
}


# The back office (django-unfold): branding, sidebar and dashboard. Every asset it loads (fonts,
# icons, Chart.js, Alpine, htmx) ships in the package and is served from STATIC_URL.
UNFOLD = {
    "SITE_TITLE": "CRM back office",
    "SITE_HEADER": "CRM back office",
    "SITE_SUBHEADER": "People, sales and money",
    "SITE_SYMBOL": "diversity_3",
    "SITE_URL": "/admin/",
    "SITE_FAVICONS": [
        {"rel": "icon", "type": "image/svg+xml", "href": lambda request: static("core/favicon.svg")},
    ],
    "STYLES": [lambda request: static("core/admin.css")],
    "SHOW_HISTORY": True,
    "SHOW_VIEW_ON_SITE": True,
    "DASHBOARD_CALLBACK": "apps.insights.dashboard.dashboard_callback",
    "SIDEBAR": {
        "show_search": True,
        "show_all_applications": False,
        "navigation": "apps.core.admin_nav.navigation",
    },
}
# The back office's login page posts without a `next` when opened directly: land on its home.
LOGIN_REDIRECT_URL = "/admin/"
LOGIN_URL = "/admin/login/"
