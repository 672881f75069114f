import io
import os
import shutil

import pytest
from django.core.cache import cache
from django.core.management import call_command
from django.test import override_settings

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
def _default_time_zone():
    # A request activates its person's time zone in the thread and a test client's request may leave it
    # active: start each test in the default zone, or "today" moves with the previous test's person
    # (late in the UTC day a series test built its dates in a zone already on the next day).
    from django.utils import timezone

    timezone.deactivate()
    yield
    timezone.deactivate()


@pytest.fixture(autouse=True)
def _fresh_cache():
    # Rate limits live in the cache: every test starts with none used.
    cache.clear()
    yield
    cache.clear()


@pytest.fixture(autouse=True)
def _own_open_data_store(settings):
    # Stored open-data bundles (cop_portal/reports/opendata_store.py) go to a folder of this test only.
    from pathlib import Path
    from uuid import uuid4

    settings.OPEN_DATA_PREFIX = f"open-data-tests/{uuid4().hex}"
    yield
    shutil.rmtree(Path(settings.MEDIA_ROOT) / settings.OPEN_DATA_PREFIX, ignore_errors=True)


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


# --- the demo data, seeded once ---------------------------------------------------------------------------
# seed_demo takes several seconds; tests that read it share one committed copy instead of seeding their
# own. Each test still runs in its own transaction (rolled back), so a test changing demo rows leaves
# them as they were. The committed copy would show in every other test, so the tests using it run last
# (pytest_collection_modifyitems), the ones with a live server (transactional_db, which empties the
# database after each test) after the others; a test finding the copy gone seeds it again.
DEMO_FIXTURES = ("demo_data", "demo_data_live")


def pytest_collection_modifyitems(items):
    def order(item) -> int:
        names = item.fixturenames
        return 2 if "demo_data_live" in names else 1 if "demo_data" in names else 0

    items.sort(key=order)  # stable: the order within each group stays the collection order


@pytest.fixture(scope="session")
def demo_files(tmp_path_factory):
    """Return the directories the demo's knowledge files and media are written to, for the session."""
    root = tmp_path_factory.mktemp("demo")
    return {"KNOWLEDGE_FILES_ROOT": root / "private", "MEDIA_ROOT": root / "media"}


def _seed_demo_committed(django_db_blocker, demo_files) -> None:
    from communities.models import Community

    with django_db_blocker.unblock(), override_settings(**demo_files):
        if not Community.objects.filter(slug="multiply").exists():
            call_command("seed_demo", stdout=io.StringIO())


@pytest.fixture(scope="session")
def _demo_committed(django_db_setup, django_db_blocker, demo_files):
    # Session-scoped, so it runs before any test's transaction opens (even under a module's
    # django_db mark): the seed is committed and outlives the tests.
    _seed_demo_committed(django_db_blocker, demo_files)


@pytest.fixture
def demo_data(_demo_committed, db, settings, demo_files):
    """Give the test the seeded demo data (seed_demo's five communities, meetings and knowledge)."""
    for name, path in demo_files.items():
        setattr(settings, name, path)


@pytest.fixture
def demo_data_live(_demo_committed, transactional_db, settings, demo_files, django_db_blocker):
    """Give a live-server (browser) test the seeded demo data; the database is emptied after it."""
    _seed_demo_committed(django_db_blocker, demo_files)  # again when the previous live test emptied it
    for name, path in demo_files.items():
        setattr(settings, name, path)


# Shared fixtures: browser, browser_context and page for Playwright tests; services for tests
# that start real worker, beat and gunicorn processes.
pytest_plugins = ["tests.browser", "tests.processes"]
