"""People pages in a real Chromium, without JavaScript tricks: search forms submit, pages pass axe-core."""

import pytest

from members.models import User
from tests.browser import assert_no_axe_violations, force_login_cookie, html_attributes

pytestmark = pytest.mark.browser


@pytest.fixture
def seeded(demo_data_live):
    """Seed the demo communities into the database the live server reads (once, see tests/conftest.py)."""


@pytest.fixture
def signed_in(browser_context, live_server, seeded):
    person = User.objects.get(email="giulia.rossi@cop.demo")
    person.language = "en"  # the assertions read English labels
    person.save(update_fields=["language"])
    force_login_cookie(browser_context, live_server, person)
    return browser_context.new_page()


def test_directory_search_and_profile(signed_in, live_server):
    page = signed_in
    page.goto(f"{live_server.url}/c/er-step/members/")
    assert page.locator("h1").inner_text() == "Members of Emilia-Romagna STEP"
    assert page.get_by_text("Paolo Galli").count() == 1
    assert page.get_by_text("Sofia Conti").count() == 0, "an unlisted person is not in the directory"
    assert_no_axe_violations(page)

    page.fill("#id_q", "Reggio")
    with page.expect_navigation():
        page.locator("main form[role=search] button[type=submit]").click()
    assert "q=Reggio" in page.url
    names = page.locator("article.card h3 a").all_inner_texts()
    assert names == ["Paolo Galli"]

    with page.expect_navigation():
        page.get_by_role("link", name="Paolo Galli").click()
    assert page.locator("h1").inner_text() == "Paolo Galli"
    assert page.get_by_text("governance collaborativa").count() == 1
    assert_no_axe_violations(page)


def test_who_knows_what_and_profile_settings(signed_in, live_server):
    page = signed_in
    page.goto(f"{live_server.url}/people/")
    assert_no_axe_violations(page)
    page.fill("#id_expertise", "biodiversità")
    with page.expect_navigation():
        page.locator("main form[role=search] button[type=submit]").click()
    assert page.locator("article.card h3 a").all_inner_texts() == ["Francesca Verdi"]
    assert_no_axe_violations(page)

    page.goto(f"{live_server.url}/people/profile/")
    assert_no_axe_violations(page)
    page.fill("#id_spoken_languages", "Italian, Klingon")
    with page.expect_navigation():
        page.locator("main form button[type=submit]").click()
    # Next to the field, and again in the summary of errors at the top of the form.
    assert page.locator(".invalid-feedback", has_text="Unknown language: Klingon").count() == 1
    assert page.locator(".form-error-summary a", has_text="Unknown language: Klingon").count() == 1
    assert_no_axe_violations(page)


def test_directory_in_arabic_is_right_to_left(browser_context, live_server, seeded):
    person = User.objects.get(email="amal.bensaid@cop.demo")
    force_login_cookie(browser_context, live_server, person)
    page = browser_context.new_page()
    page.goto(f"{live_server.url}/c/rebuild/members/")
    assert html_attributes(page) == {"lang": "ar", "dir": "rtl"}
    assert_no_axe_violations(page)
