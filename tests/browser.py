"""Shared Playwright helpers for every browser test: Chromium, pages, sign-in and axe-core.

Declared as a pytest plugin in tests/conftest.py, so any test can ask for the `browser`
and `page` fixtures and import the helpers:

    from tests.browser import assert_no_axe_violations, login

    @pytest.mark.browser
    def test_the_directory_is_accessible(page, live_server, transactional_db):
        page.goto(live_server.url)
        assert_no_axe_violations(page)

Locally the browser tests skip when Chromium (or axe-core from npm) is missing; in CI
(CI=true) they fail instead, so they can never silently stop running there.
"""

import asyncio
import os
import shutil
from importlib.util import find_spec
from pathlib import Path

import pytest

from tests.conftest import require_service

# Playwright's sync API runs an event loop in the test thread; Django's ORM calls made by the
# test itself (factories, assertions) are still synchronous and safe there.
os.environ.setdefault("DJANGO_ALLOW_ASYNC_UNSAFE", "true")

BASE_DIR = Path(__file__).resolve().parent.parent
AXE_PATH = BASE_DIR / "node_modules" / "axe-core" / "axe.min.js"
CHROMIUM_ARGS = [
    "--headless",
    "--no-sandbox",
    "--disable-gpu",
    "--disable-background-networking",
    "--disable-component-update",
    "--disable-sync",
    "--disable-dev-shm-usage",
]
# A slow shared CI machine: give navigations room, but fail rather than hang.
DEFAULT_TIMEOUT_MS = 20_000


def chromium_executable() -> str | None:
    """Return the path of Debian's Chromium, or None when it is not installed."""
    return shutil.which("chromium") or shutil.which("chromium-browser")


@pytest.fixture(scope="session")
def browser():
    """Launch one headless Chromium for the whole session."""
    executable = chromium_executable()
    require_service(bool(executable), "Chromium (apt-get install chromium)")
    require_service(find_spec("playwright") is not None, "Playwright (pip)")
    from playwright.sync_api import sync_playwright

    with sync_playwright() as playwright:
        chromium = playwright.chromium.launch(executable_path=executable, args=CHROMIUM_ARGS)
        yield chromium
        chromium.close()


@pytest.fixture(autouse=True)
def _no_playwright_loop_outside_browser_tests(request):
    """Hide the session browser's event loop from tests that do not drive the browser.

    Playwright's sync API leaves its asyncio loop marked as running in the main thread for
    as long as the session browser lives; without this, every later test would see a running
    loop, and async_to_sync (Django's signals with async receivers, for one) would refuse to run.
    """
    loop = asyncio.events._get_running_loop()
    if loop is None or "browser" in request.fixturenames:
        yield
        return
    asyncio.events._set_running_loop(None)
    try:
        yield
    finally:
        asyncio.events._set_running_loop(loop)


@pytest.fixture
def browser_context(browser):
    """Give each test a fresh browser context: no cookies, storage or cache from another test."""
    # bypass_csp lets axe-core be injected even when a page sends a Content-Security-Policy.
    context = browser.new_context(bypass_csp=True, locale="en-GB")
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    context.set_default_navigation_timeout(DEFAULT_TIMEOUT_MS)
    yield context
    context.close()


@pytest.fixture
def page(browser_context):
    """Open a page in the test's own browser context."""
    return browser_context.new_page()


def login(page, live_server, user, password: str) -> None:
    """Sign user in through the real allauth login form, as a person would."""
    page.goto(f"{live_server.url}/accounts/login/")
    page.fill("input[name=login]", user.email)
    page.fill("input[name=password]", password)
    page.locator("form[action*='/accounts/login/'] button[type=submit]").first.click()
    page.wait_for_load_state()
    assert "/accounts/login/" not in page.url, f"Signing in as {user.email} failed; still on {page.url}"


def force_login_cookie(context, live_server, user) -> None:
    """Sign user in without the form: store a session with Django's engine and set its cookie."""
    from importlib import import_module

    from django.conf import settings
    from django.contrib.auth import BACKEND_SESSION_KEY, HASH_SESSION_KEY, SESSION_KEY

    engine = import_module(settings.SESSION_ENGINE)
    session = engine.SessionStore()
    session[SESSION_KEY] = user._meta.pk.value_to_string(user)
    session[BACKEND_SESSION_KEY] = settings.AUTHENTICATION_BACKENDS[0]
    session[HASH_SESSION_KEY] = user.get_session_auth_hash()
    session.save()
    context.add_cookies(
        [
            {
                "name": settings.SESSION_COOKIE_NAME,
                "value": session.session_key,
                "url": live_server.url,
                "httpOnly": True,
                "sameSite": "Lax",
            }
        ]
    )


def axe_violations(page, impacts=("serious", "critical")) -> list[dict]:
    """Run axe-core on the page as it is now and return its violations of the given impacts."""
    require_service(AXE_PATH.exists(), "axe-core (npm ci)")
    if not page.evaluate("() => typeof window.axe !== 'undefined'"):
        # Evaluated through the DevTools protocol rather than added as a <script> tag: the pages'
        # Content-Security-Policy refuses inline scripts, even in contexts opened without bypass_csp.
        page.evaluate(AXE_PATH.read_text(encoding="utf-8"))
    results = page.evaluate(
        """async () => {
            const results = await axe.run(document, {resultTypes: ["violations"]});
            return results.violations.map(v => ({
                id: v.id, impact: v.impact, help: v.help, helpUrl: v.helpUrl,
                targets: v.nodes.map(n => n.target.join(" ")),
                html: v.nodes.slice(0, 3).map(n => n.html),
            }));
        }"""
    )
    return [violation for violation in results if violation["impact"] in impacts]


def format_violations(violations: list[dict]) -> str:
    lines = []
    for violation in violations:
        lines.append(f"- {violation['id']} ({violation['impact']}): {violation['help']} <{violation['helpUrl']}>")
        for target in violation["targets"][:10]:
            lines.append(f"    at {target}")
        for html in violation["html"]:
            lines.append(f"    {html[:200]}")
    return "\n".join(lines)


def assert_no_axe_violations(page, impacts=("serious", "critical")) -> None:
    """Fail listing every axe-core violation of the given impacts on the current page."""
    violations = axe_violations(page, impacts=impacts)
    if violations:
        pytest.fail(
            f"axe-core found {len(violations)} violation(s) on {page.url} "
            f"(lang={page.evaluate('document.documentElement.lang')!s}):\n{format_violations(violations)}",
            pytrace=False,
        )


def html_attributes(page) -> dict:
    """Return the lang and dir attributes of the page's <html> element."""
    return page.evaluate("() => ({lang: document.documentElement.lang, dir: document.documentElement.dir})")
