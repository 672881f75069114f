"""The production profile passes Django's deployment checks and refuses to start without a real secret."""

import os
import secrets
import subprocess
import sys

import pytest

from cop_portal.settings.base import DEV_SECRET_KEY
from tests.processes import BASE_DIR


def manage(*args: str, **env: str) -> subprocess.CompletedProcess:
    """Run manage.py in a fresh process under the production settings with env on top of ours."""
    # The test run's own relaxations (DJANGO_ALLOW_ASYNC_UNSAFE) must not leak into a deployment check.
    dropped = {"SECRET_KEY", "ALLOWED_HOSTS", "DJANGO_ALLOW_ASYNC_UNSAFE", "DEBUG"}
    environment = {key: value for key, value in os.environ.items() if key not in dropped}
    environment.update({"DJANGO_SETTINGS_MODULE": "cop_portal.settings.production", **env})
    return subprocess.run(  # noqa: S603
        [sys.executable, "manage.py", *args],
        cwd=BASE_DIR,
        env=environment,
        capture_output=True,
        text=True,
        timeout=120,
    )


def test_the_production_profile_passes_check_deploy_at_warning_level():
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "WARNING",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="cop.example.org",
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "System check identified no issues" in result.stdout


@pytest.mark.parametrize(
    "secret_key",
    [
        pytest.param(DEV_SECRET_KEY, id="development-key"),
        pytest.param(secrets.token_urlsafe(16), id="short-key"),
        pytest.param("", id="empty-key"),
    ],
)
def test_the_production_profile_refuses_a_weak_secret_key(secret_key):
    result = manage("check", SECRET_KEY=secret_key, ALLOWED_HOSTS="cop.example.org")
    assert result.returncode != 0
    assert "ImproperlyConfigured" in result.stderr
    assert "SECRET_KEY" in result.stderr


def test_the_production_profile_refuses_to_start_without_a_secret_key():
    result = manage("check", ALLOWED_HOSTS="cop.example.org")
    assert result.returncode != 0
    assert "SECRET_KEY" in result.stderr


def test_the_production_profile_refuses_to_start_without_allowed_hosts():
    result = manage("check", SECRET_KEY=secrets.token_urlsafe(64))
    assert result.returncode != 0
    assert "ALLOWED_HOSTS" in result.stderr


def test_the_production_start_command_refuses_to_start_without_a_shared_cache():
    """Issue 14, item 9: the check the container runs before gunicorn fails without CACHE_URL/REDIS_URL."""
    result = manage(
        "check",
        "--deploy",
        "--fail-level",
        "ERROR",
        SECRET_KEY=secrets.token_urlsafe(64),
        ALLOWED_HOSTS="cop.example.org",
        CACHE_URL="",
        REDIS_URL="",
    )
    assert result.returncode != 0
    assert "cop_portal.E001" in result.stderr
