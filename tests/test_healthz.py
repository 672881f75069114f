"""GET /healthz: 200 when the database and (when configured) the broker and cache answer, 503 naming what is down."""

import os
import socket
from contextlib import contextmanager

import pytest
from django.db import DEFAULT_DB_ALIAS, connections
from django.db.utils import load_backend

from tests.conftest import require_service


@pytest.fixture
def closed_port():
    """Return a local TCP port on which nothing listens (held, so nothing else takes it)."""
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind(("127.0.0.1", 0))
        yield sock.getsockname()[1]


@contextmanager
def database_unreachable(port: int, tmp_path):
    """Point the default connection at a database server that is not there, then restore it.

    The view really tries to connect and fails, as it would with the server down; nothing
    inside the health check is mocked.
    """
    original = connections[DEFAULT_DB_ALIAS]
    settings_dict = {**original.settings_dict}
    if original.vendor == "sqlite":
        settings_dict["NAME"] = str(tmp_path / "no-such-directory" / "db.sqlite3")
    else:
        settings_dict.update({"HOST": "127.0.0.1", "PORT": str(port)})
    settings_dict["OPTIONS"] = {**settings_dict.get("OPTIONS", {})}
    if original.vendor == "postgresql":
        settings_dict["OPTIONS"]["connect_timeout"] = 2
    down = load_backend(settings_dict["ENGINE"]).DatabaseWrapper(settings_dict, DEFAULT_DB_ALIAS)
    connections[DEFAULT_DB_ALIAS] = down
    try:
        yield
    finally:
        down.close()
        connections[DEFAULT_DB_ALIAS] = original


LOCAL_CACHE = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "healthz"}}


def redis_cache_at(url: str) -> dict:
    options = {"socket_connect_timeout": 0.3, "socket_timeout": 0.5}
    return {"default": {"BACKEND": "cop_portal.cache.FailSafeRedisCache", "LOCATION": url, "OPTIONS": options}}


@pytest.fixture(autouse=True)
def _cache_in_memory(settings):
    # The cache is checked only when it lives on Redis; the tests below that need it say so.
    settings.CACHES = LOCAL_CACHE


def test_healthz_answers_200_with_the_database_when_no_broker_is_configured(client, db, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok"}}


def test_healthz_answers_200_when_the_database_and_the_broker_answer(client, db, settings):
    redis_url = os.environ.get("REDIS_URL", "")
    require_service(bool(redis_url), "Redis (REDIS_URL)")
    settings.REDIS_URL = redis_url
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "broker": "ok"}}


def test_healthz_answers_503_when_the_broker_is_down(client, db, settings, closed_port):
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port}/0"
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down", "checks": {"database": "ok", "broker": "down"}}


def test_healthz_answers_200_when_the_cache_on_redis_answers(client, db, settings):
    cache_url = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL", "")
    require_service(bool(cache_url), "Redis (CACHE_URL)")
    settings.REDIS_URL = ""
    settings.CACHES = redis_cache_at(cache_url)
    response = client.get("/healthz")
    assert response.status_code == 200
    assert response.json() == {"status": "ok", "checks": {"database": "ok", "cache": "ok"}}


def test_healthz_answers_503_naming_the_cache_when_the_cache_is_down(client, db, settings, closed_port):
    settings.REDIS_URL = ""
    settings.CACHES = redis_cache_at(f"redis://127.0.0.1:{closed_port}/0")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down", "checks": {"database": "ok", "cache": "down"}}


def test_healthz_answers_503_naming_both_when_the_broker_and_the_cache_are_down(client, db, settings, closed_port):
    settings.REDIS_URL = f"redis://127.0.0.1:{closed_port}/0"
    settings.CACHES = redis_cache_at(f"redis://127.0.0.1:{closed_port}/1")
    response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down", "checks": {"database": "ok", "broker": "down", "cache": "down"}}


def test_healthz_answers_503_when_the_database_is_down(client, db, settings, closed_port, tmp_path):
    settings.REDIS_URL = ""
    with database_unreachable(closed_port, tmp_path):
        response = client.get("/healthz")
    assert response.status_code == 503
    assert response.json() == {"status": "down", "checks": {"database": "down"}}


def test_healthz_is_never_cached_and_only_reads(client, db, settings):
    settings.REDIS_URL = ""
    response = client.get("/healthz")
    assert "no-cache" in response["Cache-Control"] and "no-store" in response["Cache-Control"]
    assert client.post("/healthz").status_code == 405
