"""The personal-data pages in a real Chromium, with axe-core, in English and in Arabic (right to left)."""

import pytest

from tests.browser import assert_no_axe_violations, force_login_cookie, html_attributes
from tests.factories import UserFactory

pytestmark = pytest.mark.browser


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_erasure_page_is_accessible_and_erases_without_javascript(browser, live_server, transactional_db, language):
    person = UserFactory(language=language)
    context = browser.new_context(java_script_enabled=False)
    context.set_default_timeout(20_000)
    force_login_cookie(context, live_server, person)
    page = context.new_page()
    page.goto(f"{live_server.url}/me/delete/")
    if language == "ar":
        assert html_attributes(page)["dir"] == "rtl"
    page.fill("input[type=password]", "wrong password")
    page.click("main button.btn-danger")
    person.refresh_from_db()
    assert not person.is_erased
    page.fill("input[type=password]", "a-long-test-password")
    page.click("main button.btn-danger")
    person.refresh_from_db()
    assert person.is_erased
    context.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_erasure_page_passes_axe(page, browser_context, live_server, transactional_db, language):
    person = UserFactory(language=language)
    force_login_cookie(browser_context, live_server, person)
    page.goto(f"{live_server.url}/me/delete/")
    assert_no_axe_violations(page)
    page.fill("input[type=password]", "wrong password")
    page.click("main button.btn-danger")
    assert_no_axe_violations(page)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_data_and_notice_pages_pass_axe(page, browser_context, live_server, transactional_db, language):
    from cop_portal.models import PrivacyNotice

    PrivacyNotice.objects.create(body="We keep what the communities need.\n\nAsk us anything.")
    person = UserFactory(language=language)
    force_login_cookie(browser_context, live_server, person)
    for path in ("/me/data/", "/privacy/", "/me/"):
        page.goto(f"{live_server.url}{path}")
        if language == "ar":
            assert html_attributes(page)["dir"] == "rtl"
        assert_no_axe_violations(page)
