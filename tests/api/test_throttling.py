"""Rate limits per token, per person and per address, counted in the shared Redis cache; 429 with Retry-After."""

import pytest
import redis
from django.conf import settings
from django.core.cache import caches

from cop_portal.cache import FailSafeRedisCache
from tests.api.conftest import client_for
from tests.conftest import require_service
from tests.factories import UserFactory


@pytest.fixture
def rates(settings):
    require_service(bool(settings.CACHE_URL), "Redis (CACHE_URL)")
    settings.API_THROTTLE_RATES = {"token": "3/minute", "user": "3/minute", "anon": "2/minute"}
    return settings.API_THROTTLE_RATES


def test_a_token_over_its_rate_gets_429_with_retry_after(rates, db):
    person = UserFactory()
    first, second = client_for(person), client_for(person)
    for _ in range(3):
        assert first.get("/api/v1/communities/").status_code == 200
    response = first.get("/api/v1/communities/")
    assert response.status_code == 429
    assert 0 < int(response["Retry-After"]) <= 60
    assert response.json()["error"]["code"] == "throttled"
    # each token has its own count: the person's second token still works
    assert second.get("/api/v1/communities/").status_code == 200


def test_the_counts_live_in_the_shared_redis_cache(rates, db):
    assert isinstance(caches["default"], FailSafeRedisCache)
    client = client_for(UserFactory())
    client.get("/api/v1/communities/")
    # Another web process asks Redis itself: the count is there, not in this process's memory.
    raw = redis.Redis.from_url(settings.CACHE_URL)
    keys = [key.decode() for key in raw.keys("*throttle_api-token_*")]
    assert len(keys) == 1, keys
    assert raw.ttl(keys[0]) > 0


def test_anonymous_requests_are_counted_per_address(rates, db):
    anonymous = client_for()
    assert anonymous.get("/api/v1/communities/", REMOTE_ADDR="192.0.2.1").status_code == 200
    assert anonymous.get("/api/v1/communities/", REMOTE_ADDR="192.0.2.1").status_code == 200
    assert anonymous.get("/api/v1/communities/", REMOTE_ADDR="192.0.2.1").status_code == 429
    assert anonymous.get("/api/v1/communities/", REMOTE_ADDR="192.0.2.2").status_code == 200


def test_the_session_is_counted_per_person(rates, client, db):
    person = UserFactory()
    client.force_login(person)
    statuses = [client.get("/api/v1/me/").status_code for _ in range(4)]
    assert statuses == [200, 200, 200, 429]


def test_concurrent_requests_from_many_processes_never_pass_more_than_the_rate(rates, db):
    """Thirty requests at the same instant, each with its own Redis connection: exactly the rate passes."""
    import threading
    from types import SimpleNamespace

    from django.contrib.auth.models import AnonymousUser
    from django.db import connection

    from cop_portal.api.throttling import ApiRateThrottle

    rates["anon"] = "5/minute"
    start = threading.Barrier(30)
    passed = []

    def request_once():
        request = SimpleNamespace(auth=None, user=AnonymousUser(), META={"REMOTE_ADDR": "192.0.2.77"}, headers={})
        start.wait()
        passed.append(ApiRateThrottle().allow_request(request, None))
        connection.close()

    threads = [threading.Thread(target=request_once) for _ in range(30)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert passed.count(True) == 5, passed
    assert len(passed) == 30
