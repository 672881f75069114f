"""Issue 14, failure 9: login rate limits must hold across workers, so production refuses a per-process cache."""

from __future__ import annotations

import secrets

from django.conf import settings
from django.urls import reverse

from cop_portal.checks import shared_cache_check
from tests.conftest import require_service
from tests.factories import UserFactory
from tests.test_deploy import manage

LOCMEM = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "check"}}
DUMMY = {"default": {"BACKEND": "django.core.cache.backends.dummy.DummyCache"}}
REDIS = {"default": {"BACKEND": "cop_portal.cache.FailSafeRedisCache", "LOCATION": "redis://127.0.0.1:6379/9"}}
PRODUCTION = {"SECRET_KEY": secrets.token_urlsafe(64), "ALLOWED_HOSTS": "cop.example.org"}


def check_ids(settings, caches, *, required=True) -> list[str]:
    settings.REQUIRE_SHARED_CACHE = required
    settings.CACHES = caches
    return [message.id for message in shared_cache_check()]


def test_a_per_process_cache_is_an_error_where_a_shared_one_is_required(settings):
    assert check_ids(settings, LOCMEM) == ["cop_portal.E001"]
    assert check_ids(settings, DUMMY) == ["cop_portal.E001"]


def test_redis_passes_and_development_may_keep_its_memory_cache(settings):
    assert check_ids(settings, REDIS) == []
    assert check_ids(settings, LOCMEM, required=False) == []


def test_the_production_profile_refuses_check_deploy_without_a_shared_cache():
    result = manage("check", "--deploy", REDIS_URL="", CACHE_URL="", **PRODUCTION)
    assert result.returncode != 0, result.stdout + result.stderr
    assert "cop_portal.E001" in result.stderr
    assert "CACHE_URL" in result.stderr


def test_the_production_profile_passes_with_redis():
    result = manage("check", "--deploy", CACHE_URL="redis://127.0.0.1:6379/9", **PRODUCTION)
    assert result.returncode == 0, result.stdout + result.stderr


def test_failed_logins_are_counted_in_the_shared_cache_every_worker_reads(client, db):
    location = settings.CACHES["default"].get("LOCATION", "")
    require_service(str(location).startswith("redis://"), "Redis (CACHE_URL)")
    import redis

    UserFactory(email="target@example.org")
    for _ in range(3):
        client.post(reverse("account_login"), {"login": "target@example.org", "password": "wrong-one"})
    # Another worker has its own connection, nothing in common with this process but Redis.
    other_worker = redis.Redis.from_url(location)
    prefix = settings.CACHES["default"].get("KEY_PREFIX", "")
    keys = [key.decode() for key in other_worker.scan_iter(f"{prefix}:*allauth:rl:*")]
    assert any("login_failed" in key for key in keys), keys
