"""The API pages in Chromium: the docs under the real CSP, the tokens page without JavaScript and axe-clean."""

import pytest

from cop_portal.api.models import ApiToken
from tests.browser import DEFAULT_TIMEOUT_MS, assert_no_axe_violations, force_login_cookie, html_attributes
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


def test_the_docs_render_under_the_strict_csp_with_no_violation(browser, live_server, transactional_db):
    context = browser.new_context()  # the real policy applies (no bypass)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    page = context.new_page()
    refused = []
    page.on(
        "console", lambda message: refused.append(message.text) if "Content Security Policy" in message.text else None
    )
    page.goto(f"{live_server.url}/api/v1/docs/")
    page.wait_for_selector(".swagger-ui .info .title")
    assert "CoP Portal API" in page.inner_text(".swagger-ui .info .title")
    page.wait_for_selector(".opblock-tag")  # the operations came from /api/v1/schema/
    assert "communities" in page.inner_text(".swagger-ui").lower()
    assert refused == []
    context.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_person_creates_and_revokes_a_token_without_javascript(browser, live_server, transactional_db, language):
    person = UserFactory(language=language)
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(DEFAULT_TIMEOUT_MS)
    force_login_cookie(context, live_server, person)
    page = context.new_page()
    page.goto(f"{live_server.url}/me/api-tokens/")
    if language == "ar":
        assert html_attributes(page)["dir"] == "rtl"
    page.fill("input[name=name]", "Calendar sync")
    page.check("input[name=scope][value=write]")
    page.click("main form.card button[type=submit]")
    key = page.input_value("#new-token-key")
    token = ApiToken.objects.get(user=person)
    assert key.startswith(f"cop_{token.prefix}_") and token.scope == "write"
    page.click("main table button[type=submit]")
    token.refresh_from_db()
    assert token.revoked_at is not None
    context.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_tokens_page_passes_axe(page, browser_context, live_server, transactional_db, language):
    person = UserFactory(language=language)
    force_login_cookie(browser_context, live_server, person)
    page.goto(f"{live_server.url}/me/api-tokens/")
    assert_no_axe_violations(page)
    page.fill("input[name=name]", "Sync")
    page.click("main form.card button[type=submit]")
    page.wait_for_selector("#new-token-key")
    assert_no_axe_violations(page)
    page.fill("input[name=name]", "   ")
    page.click("main form.card button[type=submit]")
    assert_no_axe_violations(page)
