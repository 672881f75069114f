"""Production: everything secure, and nothing without a real secret from the environment."""

from django.core.exceptions import ImproperlyConfigured

from .base import *  # noqa: F403
from .base import DEV_SECRET_KEY, STORAGES, env

DEBUG = False
SECRET_KEY = env.str("SECRET_KEY")
if SECRET_KEY == DEV_SECRET_KEY or len(SECRET_KEY) < 50:
    raise ImproperlyConfigured("Set SECRET_KEY to a random value of at least 50 characters.")
ALLOWED_HOSTS = env.list("ALLOWED_HOSTS")

SECURE_SSL_REDIRECT = env.bool("SECURE_SSL_REDIRECT", default=True)
SECURE_PROXY_SSL_HEADER = ("HTTP_X_FORWARDED_PROTO", "https")
SECURE_HSTS_SECONDS = env.int("SECURE_HSTS_SECONDS", default=31536000)
SECURE_HSTS_INCLUDE_SUBDOMAINS = True
SECURE_HSTS_PRELOAD = True
SECURE_REDIRECT_EXEMPT = [r"^healthz$", r"^readyz$", r"^metrics$"]
SESSION_COOKIE_SECURE = True
CSRF_COOKIE_SECURE = True
LANGUAGE_COOKIE_SECURE = True
ACCOUNT_DEFAULT_HTTP_PROTOCOL = "https"
STORAGES = {
    **STORAGES,
    "staticfiles": {"BACKEND": "whitenoise.storage.CompressedManifestStaticFilesStorage"},
}
WHITENOISE_USE_FINDERS = False
DEMO_DATA_ALLOWED = False
# Visitors' copies of the public pages, fresh on every saved row, at most this old otherwise.
ANONYMOUS_CACHE_SECONDS = env.int("ANONYMOUS_CACHE_SECONDS", default=60)
# A signed-in person's memberships and grants, remembered between their requests until one changes.
PERSON_CACHE_SECONDS = env.int("PERSON_CACHE_SECONDS", default=120)
# One JSON object per log line, for the log collector (LOG_FORMAT=text for lines a person reads).
LOG_FORMAT = env.str("LOG_FORMAT", default="json")
LOGGING["handlers"]["console"]["formatter"] = LOG_FORMAT  # noqa: F405
# Persistent database connections: a new PostgreSQL connection costs a few milliseconds per request,
# as much as a whole page's queries. Each worker keeps its connection for CONN_MAX_AGE seconds and
# checks it before reuse, so a restarted database costs one failed check, not an error page.
DATABASES["default"]["CONN_MAX_AGE"] = env.int("CONN_MAX_AGE", default=60)  # noqa: F405
DATABASES["default"]["CONN_HEALTH_CHECKS"] = True  # noqa: F405
# Login rate limits must hold across workers: cop_portal.checks refuses a per-process cache (E001).
REQUIRE_SHARED_CACHE = True
