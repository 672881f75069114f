"""Test profile: the base settings with fast hashing; services come from the environment."""

from .base import *  # noqa: F403
from .base import env

DEBUG = False
PASSWORD_HASHERS = ["django.contrib.auth.hashers.MD5PasswordHasher"]
EMAIL_BACKEND = "django.core.mail.backends.locmem.EmailBackend"
# Unit tests run tasks in-process even when REDIS_URL is set; the worker round-trip test switches
# this off in the test process, and starts its worker with CELERY_TASK_ALWAYS_EAGER=false.
CELERY_TASK_ALWAYS_EAGER = env.bool("CELERY_TASK_ALWAYS_EAGER", default=True)
CACHES["default"]["KEY_PREFIX"] = env.str("CACHE_KEY_PREFIX", default="cop-test")  # noqa: F405
DEMO_DATA_ALLOWED = True
