"""The production profile, served locally for benchmarks/pages.py: plain HTTP, and the floor view's URL."""

from cop_portal.settings.production import *  # noqa: F403

ROOT_URLCONF = "benchmarks.urls"
SECURE_SSL_REDIRECT = False
ALLOWED_HOSTS = ["127.0.0.1", "localhost", "testserver"]
