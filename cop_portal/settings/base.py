"""Settings shared by every profile; the environment is read here and only here.

Defaults serve development with nothing installed: SQLite under var/, tasks run
eagerly, email to the console. Set DATABASE_URL, REDIS_URL, EMAIL_URL, SECRET_KEY
and ALLOWED_HOSTS to switch to the real services.
"""

from pathlib import Path

import environ
from django.utils.translation import gettext_lazy as _

BASE_DIR = Path(__file__).resolve().parent.parent.parent
VAR_DIR = BASE_DIR / "var"
VAR_DIR.mkdir(exist_ok=True)

env = environ.Env()
environ.Env.read_env(BASE_DIR / ".env", overwrite=False) if (BASE_DIR / ".env").exists() else None

DEBUG = env.bool("DEBUG", default=False)
# The development key is only for the embedded defaults; production.py refuses it.
DEV_SECRET_KEY = "dev-only-insecure-key-never-use-in-production-0123456789abcdef"  # noqa: S105
SECRET_KEY = env.str("SECRET_KEY", default=DEV_SECRET_KEY)
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS", default=["localhost", "127.0.0.1", "[::1]", "testserver"])
CSRF_TRUSTED_ORIGINS = env.list("CSRF_TRUSTED_ORIGINS", default=[])
SITE_URL = env.str("SITE_URL", default="http://127.0.0.1:8000")

INSTALLED_APPS = [
    "django.contrib.admin",
    "django.contrib.auth",
    "django.contrib.contenttypes",
    "django.contrib.sessions",
    "django.contrib.messages",
    "whitenoise.runserver_nostatic",
    "django.contrib.staticfiles",
    "django.contrib.humanize",
    "django.contrib.postgres",
    "django.forms",
    "allauth",
    "allauth.account",
    "allauth.mfa",
    "guardian",
    "taggit",
    "parler",
    "django_countries",
    "rest_framework",
    "drf_spectacular",
    "drf_spectacular_sidecar",
    "members",
    "communities",
    "meetings",
    "knowledge",
    "discussions",
    "cop_portal",
]

MIDDLEWARE = [
    # Requests and latency by view for /metrics (cop_portal.operations.metrics): first and last.
    "django_prometheus.middleware.PrometheusBeforeMiddleware",
    # Every log line of a request (and of the tasks it queues) names its id; the response carries it.
    "cop_portal.operations.request_id.RequestIdMiddleware",
    "django.middleware.security.SecurityMiddleware",
    "whitenoise.middleware.WhiteNoiseMiddleware",
    # Below WhiteNoise (static files keep their long caching), above everything that reads the person.
    "cop_portal.hardening.PrivateCacheMiddleware",
    # Pages are compressed too (WhiteNoise serves static files pre-compressed): a community's home is
    # ~30 KB of HTML, 6 KB gzipped. Django's GZip pads each answer with random bytes against BREACH,
    # and CSRF tokens are masked per request.
    "django.middleware.gzip.GZipMiddleware",
    # Oversized bodies (413) and NUL characters (400) are refused before the session or a view reads them.
    "cop_portal.hardening.RequestLimitsMiddleware",
    "django.contrib.sessions.middleware.SessionMiddleware",
    "django.middleware.locale.LocaleMiddleware",
    "django.middleware.common.CommonMiddleware",
    "django.middleware.csrf.CsrfViewMiddleware",
    "django.contrib.auth.middleware.AuthenticationMiddleware",
    "members.middleware.UserPreferencesMiddleware",
    "django.contrib.messages.middleware.MessageMiddleware",
    "django.middleware.clickjacking.XFrameOptionsMiddleware",
    "cop_portal.security.ContentSecurityPolicyMiddleware",
    "allauth.account.middleware.AccountMiddleware",
    # Visitors' copies of the public pages (cop_portal.anonymous_cache): inside everything that gives
    # a copy the request's own nonce, CSRF cookie, language and headers; before the community's
    # lookup, which a copy does not need (a changed community makes every copy stale).
    "cop_portal.anonymous_cache.AnonymousPageCacheMiddleware",
    "communities.middleware.CommunityMiddleware",
    "django_prometheus.middleware.PrometheusAfterMiddleware",
]
# How long a visitor's copy of a public page may be served (0: never cached). A saved row that
# visitors could see makes every copy stale at once; the production profile sets 60 seconds.
ANONYMOUS_CACHE_SECONDS = env.int("ANONYMOUS_CACHE_SECONDS", default=0)
# A signed-in person's memberships and grants, remembered between their read-only requests for at most
# this long (communities/permissions/person_cache.py); only on the shared Redis cache. Off in development
# and tests (the tests that need it turn it on), on in production.
PERSON_CACHE_SECONDS = env.int("PERSON_CACHE_SECONDS", default=0)
# The pages whose copies are kept: the public pages most visitors read, each the same for all of them.
ANONYMOUS_CACHE_VIEWS = [
    "directory",
    "communities:home",
    "communities:groups",
    "communities:group",
    "communities:group_members",
    "meetings:list",
    "meetings:detail",
    "knowledge:list",
    "knowledge:item",
    "search:index",
]

ROOT_URLCONF = "cop_portal.urls"
WSGI_APPLICATION = "cop_portal.wsgi.application"
ASGI_APPLICATION = "cop_portal.asgi.application"

TEMPLATES = [
    {
        "BACKEND": "django.template.backends.django.DjangoTemplates",
        "DIRS": [BASE_DIR / "templates"],
        "APP_DIRS": True,
        "OPTIONS": {
            "context_processors": [
                "django.template.context_processors.request",
                "django.template.context_processors.i18n",
                "django.template.context_processors.tz",
                "django.contrib.auth.context_processors.auth",
                "django.contrib.messages.context_processors.messages",
                "cop_portal.context_processors.portal",
                "cop_portal.navigation.navigation",
            ],
            # Isolation of names and content, CLDR lists, zones and countries: used by every layer; and
            # Django's {% url %} with the addresses remembered (members.reversing).
            "builtins": ["members.templatetags.bidi", "members.templatetags.urls"],
        },
    },
]

FORM_RENDERER = "django.forms.renderers.TemplatesSetting"

DATABASES = {
    "default": env.db_url("DATABASE_URL", default=f"sqlite:///{VAR_DIR / 'db.sqlite3'}"),
}
DATABASES["default"]["ATOMIC_REQUESTS"] = False
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=0)
# The embedded SQLite default serves several people at once: each transaction takes the write
# lock when it begins (IMMEDIATE) and waits up to `timeout` seconds for it, instead of failing
# with "database is locked" when a reader tries to become a writer; WAL lets reads go on meanwhile.
SQLITE_OPTIONS = {
    "transaction_mode": "IMMEDIATE",
    "timeout": 20,
    "init_command": "PRAGMA journal_mode=WAL; PRAGMA synchronous=NORMAL;",
}
if DATABASES["default"]["ENGINE"] == "django.db.backends.sqlite3":
    DATABASES["default"]["OPTIONS"] = {**SQLITE_OPTIONS, **DATABASES["default"].get("OPTIONS", {})}
    # The knowledge list's covering index carries extra columns (INCLUDE) on PostgreSQL; SQLite
    # builds it without them, which is all the embedded default needs.
    SILENCED_SYSTEM_CHECKS = ["models.W040"]
elif DATABASES["default"]["ENGINE"] == "django.db.backends.postgresql":
    # No JIT compilation: the portal runs short OLTP queries, and PostgreSQL's cost estimate for the
    # permission-scoped subqueries of a search (nested EXISTS and IN over the visibility rules) passes
    # jit_above_cost, so it compiled ~13,000 functions per query: 116 s for a member's knowledge search
    # on the demo, 0.3 s without. DATABASE_JIT=on (or a libpq `options` in OPTIONS) brings it back.
    options = DATABASES["default"].setdefault("OPTIONS", {})
    jit = "on" if env.bool("DATABASE_JIT", default=False) else "off"
    # No parallel workers by default either: a worker process is started for each Gather, which cost a
    # member's selective search 17 ms of its queries where the same plans without one take 6 (issue 15),
    # and on a machine whose cores serve gunicorn's workers a request's helpers take another request's
    # core. DATABASE_PARALLEL_WORKERS=N allows N per Gather again (PostgreSQL's default is 2).
    parallel = env.int("DATABASE_PARALLEL_WORKERS", default=0)
    settings_options = f"-c jit={jit} -c max_parallel_workers_per_gather={parallel}"
    options["options"] = " ".join(filter(None, [options.get("options", ""), settings_options]))
# django-prometheus's backends are Django's with each query counted (by alias and vendor) for /metrics.
_COUNTED_ENGINES = {
    "django.db.backends.postgresql": "django_prometheus.db.backends.postgresql",
    "django.db.backends.sqlite3": "django_prometheus.db.backends.sqlite3",
}
DATABASES["default"]["ENGINE"] = _COUNTED_ENGINES.get(DATABASES["default"]["ENGINE"], DATABASES["default"]["ENGINE"])
DEFAULT_AUTO_FIELD = "django.db.models.BigAutoField"

REDIS_URL = env.str("REDIS_URL", default="")
# The cache may live in its own Redis database (tests flush it); it defaults to the broker's.
CACHE_URL = env.str("CACHE_URL", default=REDIS_URL)
if CACHE_URL:
    CACHES = {
        "default": {
            # Fails safe: with Redis down it answers from a per-process memory cache, logged.
            "BACKEND": "cop_portal.cache.FailSafeRedisCache",
            "LOCATION": CACHE_URL,
            "KEY_PREFIX": env.str("CACHE_KEY_PREFIX", default="cop"),
            "OPTIONS": {
                "socket_connect_timeout": env.float("REDIS_SOCKET_CONNECT_TIMEOUT", default=0.3),
                "socket_timeout": env.float("CACHE_SOCKET_TIMEOUT", default=1.0),
            },
        }
    }
else:
    # A real (if per-process) cache so allauth's rate limits work in development.
    CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "cop-portal"}}
# The production profile turns this on: a per-process cache is then a system check error (cop_portal.checks).
REQUIRE_SHARED_CACHE = False

AUTH_USER_MODEL = "members.User"
AUTHENTICATION_BACKENDS = [
    # Django's and allauth's backends, reading the person's privacy notice state in the same query.
    "cop_portal.privacy.backends.ModelBackend",
    "cop_portal.privacy.backends.AuthenticationBackend",
    "guardian.backends.ObjectPermissionBackend",
]
AUTH_PASSWORD_VALIDATORS = [
    {"NAME": "django.contrib.auth.password_validation.UserAttributeSimilarityValidator"},
    {"NAME": "django.contrib.auth.password_validation.MinimumLengthValidator", "OPTIONS": {"min_length": 10}},
    {"NAME": "django.contrib.auth.password_validation.CommonPasswordValidator"},
    {"NAME": "django.contrib.auth.password_validation.NumericPasswordValidator"},
]
LOGIN_URL = "account_login"
LOGIN_REDIRECT_URL = "/"

# django-allauth: email is the login, verification is mandatory, nothing reveals
# whether an address has an account, and the default rate limits stay on.
ACCOUNT_LOGIN_METHODS = {"email"}
ACCOUNT_SIGNUP_FIELDS = ["email*", "password1*", "password2*"]
ACCOUNT_USER_MODEL_USERNAME_FIELD = None
ACCOUNT_EMAIL_VERIFICATION = "mandatory"
ACCOUNT_EMAIL_VERIFICATION_BY_CODE_ENABLED = False
ACCOUNT_UNIQUE_EMAIL = True
ACCOUNT_PREVENT_ENUMERATION = True
ACCOUNT_CHANGE_EMAIL = True
ACCOUNT_LOGIN_ON_EMAIL_CONFIRMATION = True
ACCOUNT_LOGOUT_ON_PASSWORD_CHANGE = False
ACCOUNT_SESSION_REMEMBER = None
ACCOUNT_EMAIL_SUBJECT_PREFIX = "[CoP Portal] "
ACCOUNT_DEFAULT_HTTP_PROTOCOL = env.str("ACCOUNT_DEFAULT_HTTP_PROTOCOL", default="http")
ACCOUNT_FORMS = {
    "signup": "cop_portal.privacy.forms.PrivacySignupForm",
    "reset_password_from_key": "members.account_forms.PortalResetPasswordKeyForm",
}
ACCOUNT_ADAPTER = "members.adapters.PortalAccountAdapter"
MFA_SUPPORTED_TYPES = ["totp", "recovery_codes"]
MFA_TOTP_ISSUER = env.str("MFA_TOTP_ISSUER", default="CoP Portal")

GUARDIAN_RAISE_403 = False
GUARDIAN_RENDER_403 = False
ANONYMOUS_USER_NAME = None  # no anonymous user row: anonymous visitors never hold object permissions

LANGUAGE_CODE = "en"
LANGUAGES = [("en", _("English")), ("it", _("Italian")), ("ar", _("Arabic"))]
LANGUAGES_BIDI = ["ar"]
# Date formats that read the same everywhere: "15 Jan 2027", never 01/15/2027 (see the modules).
FORMAT_MODULE_PATH = ["cop_portal.formats"]
# django-parler holds the translations of what people write (communities.models.translations).
# Its cache is off: pages read translations inside the query that loads the rows, and a
# second copy in Redis would only be one more thing to keep in step.
PARLER_ENABLE_CACHING = False
PARLER_LANGUAGES = {None: tuple({"code": code} for code, _name in LANGUAGES), "default": {"fallbacks": []}}
LOCALE_PATHS = [BASE_DIR / "locale"]
LANGUAGE_COOKIE_NAME = "cop_language"
LANGUAGE_COOKIE_SAMESITE = "Lax"
TIME_ZONE = "UTC"
USE_I18N = True
USE_TZ = True

STATIC_URL = "/static/"
STATIC_ROOT = env.path("STATIC_ROOT", default=VAR_DIR / "staticfiles")
Path(STATIC_ROOT).mkdir(parents=True, exist_ok=True)
STATICFILES_DIRS = [BASE_DIR / "static"]
MEDIA_URL = "/media/"
MEDIA_ROOT = env.path("MEDIA_ROOT", default=VAR_DIR / "media")
# Knowledge files: kept outside MEDIA_ROOT (never served directly), checked by content, size-limited.
KNOWLEDGE_FILES_ROOT = env.path("KNOWLEDGE_FILES_ROOT", default=VAR_DIR / "private")
# Uploaded files (members.storage): "default" holds logos, report PDFs and open-data bundles;
# "private" holds knowledge files and personal-data exports. On the local disk unless an S3-compatible object store is
# given, as STORAGE_URL=s3://bucket?endpoint_url=http://minio:9000&region=eu-south-1 (credentials
# from AWS_ACCESS_KEY_ID and AWS_SECRET_ACCESS_KEY, or in the URL as s3://key:secret@bucket) or as
# AWS_STORAGE_BUCKET_NAME with AWS_S3_ENDPOINT_URL and AWS_S3_REGION_NAME. The bucket stays private:
# every download passes the portal's permission check and is answered with a presigned URL that
# expires after STORAGE_SIGNED_URL_EXPIRY seconds. STORAGE_PUBLIC_ENDPOINT_URL is the store's address
# as browsers reach it, when it differs from the one the portal uses (compose: http://minio:9000).
STORAGE_URL = env.str("STORAGE_URL", default="")
STORAGE_SIGNED_URL_EXPIRY = env.int("STORAGE_SIGNED_URL_EXPIRY", default=60)
# Logos are linked from pages (<img src>), so their signed URLs last as long as a page stays open.
STORAGE_MEDIA_URL_EXPIRY = env.int("STORAGE_MEDIA_URL_EXPIRY", default=6 * 3600)
STORAGE_PUBLIC_ENDPOINT_URL = env.str("STORAGE_PUBLIC_ENDPOINT_URL", default="") or None


def object_storage_options(url: str) -> dict | None:
    """Return django-storages S3 options from STORAGE_URL, or from the AWS_* variables; None for the disk."""
    from urllib.parse import parse_qs, unquote, urlsplit

    if url:
        parts = urlsplit(url)
        if parts.scheme != "s3" or not parts.hostname:
            raise ValueError("STORAGE_URL must look like s3://bucket?endpoint_url=...&region=...")
        query = {key: values[-1] for key, values in parse_qs(parts.query).items()}
        options = {
            "bucket_name": parts.hostname,
            "endpoint_url": query.get("endpoint_url") or None,
            "region_name": query.get("region") or query.get("region_name") or None,
        }
        if parts.username:
            options["access_key"] = unquote(parts.username)
            options["secret_key"] = unquote(parts.password or "")
    elif env.str("AWS_STORAGE_BUCKET_NAME", default=""):
        options = {
            "bucket_name": env.str("AWS_STORAGE_BUCKET_NAME"),
            "endpoint_url": env.str("AWS_S3_ENDPOINT_URL", default="") or None,
            "region_name": env.str("AWS_S3_REGION_NAME", default="") or None,
        }
    else:
        return None
    if options["endpoint_url"]:
        # MinIO and most S3-compatible services serve buckets as paths, not as host names.
        options["addressing_style"] = "path"
    return options


OBJECT_STORAGE = object_storage_options(STORAGE_URL)


def storage_origin(object_storage: dict | None) -> str | None:
    """Return the origin browsers load logos from (for the Content-Security-Policy), None on the disk."""
    from urllib.parse import urlsplit

    if not object_storage:
        return None
    endpoint = STORAGE_PUBLIC_ENDPOINT_URL or object_storage["endpoint_url"]
    if not endpoint:
        return "https://*.amazonaws.com"
    parts = urlsplit(endpoint)
    return f"{parts.scheme}://{parts.netloc}"


STORAGE_ORIGIN = storage_origin(OBJECT_STORAGE)


def file_storages(object_storage: dict | None) -> dict:
    """Return the "default" and "private" entries of STORAGES for the disk or an object store."""
    if not object_storage:
        return {
            "default": {"BACKEND": "django.core.files.storage.FileSystemStorage"},
            "private": {"BACKEND": "members.storage.LocalPrivateStorage"},
        }
    backend = "members.storage.PortalS3Storage"
    return {
        "default": {
            "BACKEND": backend,
            "OPTIONS": {**object_storage, "location": "media", "querystring_expire": STORAGE_MEDIA_URL_EXPIRY},
        },
        "private": {
            "BACKEND": backend,
            "OPTIONS": {**object_storage, "location": "private", "querystring_expire": STORAGE_SIGNED_URL_EXPIRY},
        },
    }


STORAGES = {
    **file_storages(OBJECT_STORAGE),
    "staticfiles": {"BACKEND": "django.contrib.staticfiles.storage.StaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = True
KNOWLEDGE_MAX_UPLOAD_SIZE = env.int("KNOWLEDGE_MAX_UPLOAD_SIZE", default=20 * 1024 * 1024)
# Any request body larger than this is refused (413) by its Content-Length before a byte of it is read
# (cop_portal.hardening): the largest file plus room for the form around it. Keep the proxy's limit
# (nginx client_max_body_size) at or above it. Form fields without files are held in memory up to
# DATA_UPLOAD_MAX_MEMORY_SIZE; uploaded files above FILE_UPLOAD_MAX_MEMORY_SIZE go to a temporary file.
MAX_REQUEST_BODY_SIZE = env.int("MAX_REQUEST_BODY_SIZE", default=KNOWLEDGE_MAX_UPLOAD_SIZE + 2 * 1024 * 1024)
DATA_UPLOAD_MAX_MEMORY_SIZE = env.int("DATA_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)
FILE_UPLOAD_MAX_MEMORY_SIZE = env.int("FILE_UPLOAD_MAX_MEMORY_SIZE", default=2_621_440)

EMAIL_CONFIG = env.email_url("EMAIL_URL", default="consolemail://")
vars().update(EMAIL_CONFIG)
DEFAULT_FROM_EMAIL = env.str("DEFAULT_FROM_EMAIL", default="CoP Portal <noreply@cop.localhost>")
SERVER_EMAIL = DEFAULT_FROM_EMAIL
# Discussions by email: the domain of the personal Reply-To addresses (reply+<token>@...) and of the
# incoming addresses of communities and groups; the inbound webhook's bearer secret (empty: the
# webhook refuses everything); the largest inbound message taken (larger ones are refused).
REPLY_DOMAIN = env.str("REPLY_DOMAIN", default="reply.cop.localhost").lower()
INBOUND_EMAIL_SECRET = env.str("INBOUND_EMAIL_SECRET", default="")
INBOUND_MAX_BYTES = env.int("INBOUND_MAX_BYTES", default=2 * 1024 * 1024)

# Celery: tasks run eagerly in-process until a broker is configured.
CELERY_BROKER_URL = REDIS_URL or "memory://"
CELERY_RESULT_BACKEND = REDIS_URL or None
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=not REDIS_URL)
CELERY_TASK_EAGER_PROPAGATES = True
CELERY_TASK_SERIALIZER = "json"
CELERY_RESULT_SERIALIZER = "json"
CELERY_ACCEPT_CONTENT = ["json"]
CELERY_TASK_ACKS_LATE = True
CELERY_TASK_REJECT_ON_WORKER_LOST = True
CELERY_WORKER_PREFETCH_MULTIPLIER = 1
CELERY_TASK_TIME_LIMIT = 300
CELERY_TASK_SOFT_TIME_LIMIT = 240
CELERY_RESULT_EXPIRES = 3600
CELERY_TIMEZONE = "UTC"
CELERY_BROKER_CONNECTION_RETRY_ON_STARTUP = True
# Nothing in a web request may hang on a dead broker: tasks are published from the outbox
# (members/outbox.py) without retries and with short timeouts; the outbox dispatcher is the retry.
CELERY_TASK_PUBLISH_RETRY = False
CELERY_BROKER_CONNECTION_TIMEOUT = env.float("REDIS_SOCKET_CONNECT_TIMEOUT", default=0.3)
CELERY_BROKER_TRANSPORT_OPTIONS = {
    "socket_connect_timeout": env.float("REDIS_SOCKET_CONNECT_TIMEOUT", default=0.3),
    "socket_timeout": env.float("REDIS_SOCKET_TIMEOUT", default=5.0),
    # Opening a channel tries twice (a pooled connection may be stale after a Redis restart), not
    # forever: kombu's default would hold a request for seconds on a dead broker.
    "max_retries": 1,
    "interval_start": 0,
    "interval_step": 0.2,
}
CELERY_REDIS_SOCKET_CONNECT_TIMEOUT = env.float("REDIS_SOCKET_CONNECT_TIMEOUT", default=0.3)
CELERY_REDIS_SOCKET_TIMEOUT = env.float("REDIS_SOCKET_TIMEOUT", default=5.0)
# Tasks published from the outbox ignore their results (nothing waits for them).
CELERY_BEAT_SCHEDULE: dict = {}
CELERY_BEAT_SCHEDULE["meetings-remind-unclosed"] = {"task": "meetings.remind_unclosed_meetings", "schedule": 3600.0}
# Tasks that send email go to their own queue (workers consume `-Q celery,mail`), so a slow SMTP
# server never holds up the dispatchers; the router reads MAIL_QUEUE when a task is sent.
MAIL_QUEUE = env.str("MAIL_QUEUE", default="mail")
CELERY_TASK_ROUTES = ("members.notifications.route_task",)
# Reminders are database rows claimed every minute; digests are checked every 15 minutes against each
# person's local morning. A dispatcher run that waited longer than its period is dropped (the next one
# does the same work).
CELERY_BEAT_SCHEDULE["meetings-dispatch-reminders"] = {
    "task": "meetings.dispatch_reminders",
    "schedule": 60.0,
    "options": {"expires": 55},
}
# Owners of action items are reminded before the due date and told once when it has passed.
CELERY_BEAT_SCHEDULE["meetings-dispatch-action-reminders"] = {
    "task": "meetings.dispatch_action_reminders",
    "schedule": 3600.0,
    "options": {"expires": 3300},
}
# Accepted applicants who did not confirm by their date lose their seat to the next person waiting.
CELERY_BEAT_SCHEDULE["meetings-release-unconfirmed-applications"] = {
    "task": "meetings.release_unconfirmed_applications",
    "schedule": 300.0,
    "options": {"expires": 290},
}
# The outbox dispatcher publishes what a dead broker or a crashed web process left pending.
CELERY_BEAT_SCHEDULE["outbox-dispatch"] = {
    "task": "members.dispatch_outbox",
    "schedule": 30.0,
    "options": {"expires": 25},
}
# A row handed to the broker but not done after this many seconds is published again (the ledger
# makes a second run safe).
OUTBOX_REDELIVER_AFTER = env.int("OUTBOX_REDELIVER_AFTER", default=3600)
# Open-data bundles are files built in the background (cop_portal/reports/opendata_store.py): those of
# communities that changed every 15 minutes, all of them nightly.
CELERY_BEAT_SCHEDULE["open-data-refresh"] = {
    "task": "reports.refresh_open_data",
    "schedule": 900.0,
    "options": {"expires": 840},
}
# Report tables are counted in the background (cop_portal/reports/store.py): every 5 minutes, those of
# the communities changed since their last count (or never counted, or counted over an hour ago).
CELERY_BEAT_SCHEDULE["reports-refresh"] = {
    "task": "reports.refresh_reports",
    "schedule": 300.0,
    "options": {"expires": 280},
}
CELERY_BEAT_SCHEDULE["open-data-nightly"] = {"task": "reports.build_all_open_data", "schedule": 86400.0}
CELERY_BEAT_SCHEDULE["digests-dispatch"] = {
    "task": "cop_portal.dispatch_digests",
    "schedule": 900.0,
    "options": {"expires": 840},
}

# Webhooks (communities.webhooks): due retries are handed to the outbox every minute. Plain http to
# this machine and private addresses are refused unless DEBUG or WEBHOOKS_ALLOW_HTTP (tests, demos).
CELERY_BEAT_SCHEDULE["webhooks-retry"] = {
    "task": "communities.retry_webhooks",
    "schedule": 60.0,
    "options": {"expires": 55},
}
WEBHOOKS_ALLOW_HTTP = env.bool("WEBHOOKS_ALLOW_HTTP", default=False)
WEBHOOKS_TIMEOUT = env.float("WEBHOOKS_TIMEOUT", default=5.0)
WEBHOOKS_DISABLE_AFTER = env.int("WEBHOOKS_DISABLE_AFTER", default=15)
# Deliveries go to this queue when set (a slow receiver then never holds up other tasks); else the default.
WEBHOOK_QUEUE = env.str("WEBHOOK_QUEUE", default="")

# An invitation link works once and for this many days (resending renews it).
INVITATION_MAX_AGE_DAYS = env.int("INVITATION_MAX_AGE_DAYS", default=14)

# Demo data and its well-known password must never reach production.
DEMO_DATA_ALLOWED = env.bool("DEMO_DATA_ALLOWED", default=True)

SESSION_COOKIE_HTTPONLY = True
# Database sessions that know their person (members.sessions): one person's sessions can be ended at once;
# read with their person in one query (cop_portal.privacy.sessions).
SESSION_ENGINE = "cop_portal.privacy.sessions"
CSRF_COOKIE_HTTPONLY = False
SECURE_CONTENT_TYPE_NOSNIFF = True
SECURE_REFERRER_POLICY = "same-origin"
X_FRAME_OPTIONS = "DENY"
# cop_portal.security: a strict Content-Security-Policy on every page but the admin's.
CONTENT_SECURITY_POLICY = env.bool("CONTENT_SECURITY_POLICY", default=True)
CONTENT_SECURITY_POLICY_REPORT_ONLY = env.bool("CONTENT_SECURITY_POLICY_REPORT_ONLY", default=False)

# Feedback from the accessibility statement (/accessibility/) goes to this address; when it is empty,
# to ADMINS, and when there are none, to the active superusers.
ACCESSIBILITY_FEEDBACK_EMAIL = env.str("ACCESSIBILITY_FEEDBACK_EMAIL", default="")
ADMINS = [("Administrators", address) for address in env.list("ADMINS", default=[])]

# Logs go to the console: readable lines here, one JSON object per line in production (LOG_FORMAT),
# each with the request id (cop_portal.operations.request_id), in the web processes and the workers.
LOG_FORMAT = env.str("LOG_FORMAT", default="text")
LOGGING = {
    "version": 1,
    "disable_existing_loggers": False,
    "filters": {"request_id": {"()": "cop_portal.operations.request_id.RequestIdFilter"}},
    "formatters": {
        "text": {"format": "%(asctime)s %(levelname)s %(name)s [%(request_id)s] %(message)s"},
        "json": {
            "()": "pythonjsonlogger.json.JsonFormatter",
            "fmt": "%(asctime)s %(levelname)s %(name)s %(message)s %(request_id)s",
            "rename_fields": {"asctime": "time", "levelname": "level", "name": "logger"},
        },
    },
    "handlers": {
        "console": {"class": "logging.StreamHandler", "filters": ["request_id"], "formatter": LOG_FORMAT},
    },
    "root": {"handlers": ["console"], "level": env.str("LOG_LEVEL", default="INFO")},
    "loggers": {"django.db.backends": {"level": "WARNING"}},
}

# Error reports (cop_portal.operations.sentry): only when SENTRY_DSN is set; personal data scrubbed.
SENTRY_DSN = env.str("SENTRY_DSN", default="")
if SENTRY_DSN:
    from cop_portal.operations import sentry as _sentry

    _sentry.init(
        SENTRY_DSN,
        environment=env.str("SENTRY_ENVIRONMENT", default="production"),
        release=env.str("SENTRY_RELEASE", default=""),
        traces_sample_rate=env.float("SENTRY_TRACES_SAMPLE_RATE", default=0.0),
    )

# /metrics (cop_portal.operations.metrics) answers a bearer token or an address in these networks;
# with neither set it answers 404 to everyone.
METRICS_TOKEN = env.str("METRICS_TOKEN", default="")
METRICS_ALLOWED_NETWORKS = env.list("METRICS_ALLOWED_NETWORKS", default=[])
TAGGIT_TAGS_FROM_STRING = "cop_portal.tags.parse_tags"
TAGGIT_STRING_FROM_TAGS = "cop_portal.tags.edit_string_for_tags"

# The REST API at /api/v1/ (cop_portal/api/): personal tokens or the browser's session (with CSRF); reads
# open to whom the querysets allow, writes need a token with the write scope; rates per token, person or
# address in the shared cache; cursor pages; one error shape.
REST_FRAMEWORK = {
    "DEFAULT_AUTHENTICATION_CLASSES": [
        "cop_portal.api.authentication.TokenAuthentication",
        "cop_portal.api.authentication.SessionAuthentication",
    ],
    "DEFAULT_PERMISSION_CLASSES": ["cop_portal.api.access.TokenScope"],
    "DEFAULT_THROTTLE_CLASSES": ["cop_portal.api.throttling.ApiRateThrottle"],
    "DEFAULT_PAGINATION_CLASS": "cop_portal.api.pagination.StableCursorPagination",
    "DEFAULT_RENDERER_CLASSES": ["rest_framework.renderers.JSONRenderer"],
    "DEFAULT_PARSER_CLASSES": ["rest_framework.parsers.JSONParser", "rest_framework.parsers.FormParser"],
    "DEFAULT_SCHEMA_CLASS": "drf_spectacular.openapi.AutoSchema",
    "EXCEPTION_HANDLER": "cop_portal.api.errors.api_exception_handler",
    "UNAUTHENTICATED_USER": "django.contrib.auth.models.AnonymousUser",
}
API_THROTTLE_RATES = {
    "token": env.str("API_RATE_TOKEN", default="1000/hour"),
    "user": env.str("API_RATE_USER", default="1000/hour"),
    "anon": env.str("API_RATE_ANON", default="100/hour"),
}
# A token's "last used" time is written at most this often (not one write per request).
API_TOKEN_TOUCH_SECONDS = env.int("API_TOKEN_TOUCH_SECONDS", default=60)
SPECTACULAR_SETTINGS = {
    "TITLE": "CoP Portal API",
    "DESCRIPTION": (
        "Communities, groups, memberships, meetings and registrations, knowledge, discussions and announcements. "
        "Authenticate with a personal token (Authorization: Token <key>, created on /me/api-tokens/) or the "
        'browser\'s session. Errors: {"error": {"code", "message", "fields"}}. Lists are cursor pages.'
    ),
    "VERSION": "1",
    "SERVE_INCLUDE_SCHEMA": False,
    "SCHEMA_PATH_PREFIX": "/api/v1",
    "SWAGGER_UI_DIST": "SIDECAR",
    "SWAGGER_UI_FAVICON_HREF": "SIDECAR",
    "REDOC_DIST": "SIDECAR",
    "COMPONENT_SPLIT_REQUEST": True,
    "ENUM_NAME_OVERRIDES": {
        "CommunityVisibilityEnum": "communities.models.Community.Visibility",
        "GroupVisibilityEnum": "communities.models.Group.Visibility",
        "GroupKindEnum": "communities.models.Group.Kind",
        "MeetingVisibilityEnum": "meetings.models.Meeting.Visibility",
        "MeetingKindEnum": "meetings.models.Meeting.Kind",
        "KnowledgeItemVisibilityEnum": "knowledge.models.KnowledgeItem.Visibility",
        "KnowledgeItemKindEnum": "knowledge.models.KnowledgeItem.Kind",
    },
}
