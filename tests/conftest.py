import os
import shutil

import pytest
from django.core.cache import cache

from tests.factories import CommunityFactory, make_member

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}


def require_service(available: bool, what: str) -> None:
    """Skip a test whose service is missing here, but fail in CI, where it must run."""
    if available:
        return
    if IN_CI:
        pytest.fail(f"{what} is required in CI but is not available.")
    pytest.skip(f"{what} is not available on this machine.")


@pytest.fixture(autouse=True)
def _default_language():
    # A request in Arabic or Italian leaves that language active in the thread: start each test in English.
    from django.utils import translation

    with translation.override("en"):
        yield


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits live in the cache: every test starts with none used.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture
def chromium_path():
    path = shutil.which("chromium") or shutil.which("chromium-browser")
    require_service(bool(path), "Chromium")
    return path


@pytest.fixture
def community(db):
    return CommunityFactory(slug="public-cop", name="Public CoP")


@pytest.fixture
def member(community):
    return make_member(community)


# Shared fixtures: browser, browser_context and page for Playwright tests; services for tests
# that start real worker, beat and gunicorn processes.
pytest_plugins = ["tests.browser", "tests.processes"]
