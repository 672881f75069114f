"""The foundation in a real Chromium: directory, language switcher, right-to-left Arabic, axe-core, phones."""

import os
from pathlib import Path

import pytest

from communities.models import Group
from cop_portal import demo_data, demo_translations
from members.models import User
from tests.browser import assert_no_axe_violations, force_login_cookie, html_attributes, login
from tests.factories import CommunityFactory, UserFactory, make_member

pytestmark = pytest.mark.browser

DEMO_PASSWORD = "demo"
COMMUNITY = "rebuild"
MEMBER_EMAIL = f"member.{COMMUNITY}@cop.demo"


@pytest.fixture
def seeded(demo_data_live):
    """Seed the five demo communities into the database the live server reads."""


def switch_language(page, code: str) -> None:
    """Choose a language with the switcher form (a select and a submit button, no JavaScript needed)."""
    page.select_option("#language-select", code)
    with page.expect_navigation():
        page.locator("form.language-switcher button[type=submit]").click()


def member_group_path() -> str:
    member = User.objects.get(email=MEMBER_EMAIL)
    group = Group.objects.filter(community__slug=COMMUNITY, memberships__user=member).order_by("name").first()
    assert group is not None, "the demo member belongs to a group"
    return group.get_absolute_url()


def test_the_directory_shows_the_five_communities_and_switches_to_arabic_and_italian(page, live_server, seeded):
    page.goto(live_server.url + "/")

    cards = page.locator("article.community-card h2")
    # An English reader sees the English translation of a community's name where the demo has one.
    english = {slug: row[1] for slug, row in demo_translations.COMMUNITIES.items() if row[0] == "en"}
    expected = sorted(english.get(spec["slug"], spec["name"]) for spec in demo_data.COMMUNITIES)
    assert "Natural Capital" in expected
    assert sorted(cards.all_inner_texts()) == expected
    assert html_attributes(page) == {"lang": "en", "dir": "ltr"}

    switch_language(page, "ar")
    assert html_attributes(page) == {"lang": "ar", "dir": "rtl"}
    assert page.url.rstrip("/") == live_server.url, "the switcher comes back to the page it was used on"
    assert page.locator("article.community-card").count() == len(demo_data.COMMUNITIES)

    page.goto(f"{live_server.url}/c/{COMMUNITY}/")
    assert html_attributes(page) == {"lang": "ar", "dir": "rtl"}, "the choice holds on the next page"

    switch_language(page, "it")
    assert html_attributes(page) == {"lang": "it", "dir": "ltr"}
    assert page.url == f"{live_server.url}/c/{COMMUNITY}/"


def test_the_language_switcher_works_with_javascript_disabled(browser, live_server, transactional_db):
    context = browser.new_context(java_script_enabled=False)
    try:
        page = context.new_page()
        page.goto(live_server.url + "/")
        switch_language(page, "ar")
        assert page.locator("html").get_attribute("dir") == "rtl"
        assert page.locator("html").get_attribute("lang") == "ar"
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_public_pages_have_no_serious_accessibility_violations_for_visitors(page, live_server, seeded, language):
    page.goto(live_server.url + "/")
    if language != "en":
        switch_language(page, language)
    paths = ["/", f"/c/{COMMUNITY}/", member_group_path(), "/accounts/login/", "/accounts/signup/"]
    failures = []
    for path in paths:
        page.goto(live_server.url + path)
        assert html_attributes(page)["lang"] == language
        try:
            assert_no_axe_violations(page)
        except pytest.fail.Exception as error:
            failures.append(str(error))
    assert not failures, "\n\n".join(failures)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_member_pages_have_no_serious_accessibility_violations(page, live_server, seeded, language):
    member = User.objects.get(email=MEMBER_EMAIL)
    login(page, live_server, member, DEMO_PASSWORD)
    if language != "en":
        switch_language(page, language)
    paths = [
        "/",
        f"/c/{COMMUNITY}/",
        member_group_path(),
        # Signed in, these two send the member on; axe checks wherever they land.
        "/accounts/login/",
        "/accounts/signup/",
        "/accounts/email/",
        "/accounts/password/change/",
        "/accounts/2fa/",
    ]
    failures = []
    for path in paths:
        page.goto(live_server.url + path)
        assert html_attributes(page)["lang"] == language
        assert page.get_by_text(member.get_full_name()).first.is_visible(), f"signed in on {path}"
        try:
            assert_no_axe_violations(page)
        except pytest.fail.Exception as error:
            failures.append(str(error))
    assert not failures, "\n\n".join(failures)


def test_a_session_cookie_signs_a_member_in_without_the_form(browser_context, live_server, transactional_db):
    community = CommunityFactory()
    member = make_member(community, UserFactory(full_name="Cookie Member"))
    force_login_cookie(browser_context, live_server, member)
    page = browser_context.new_page()
    page.goto(live_server.url + community.get_absolute_url())
    assert page.get_by_text(member.get_full_name()).first.is_visible()
    assert page.locator("form[action='/accounts/logout/'] button").count() == 1


def test_the_directory_and_a_community_fit_a_phone_screen(browser, live_server, seeded, tmp_path):
    context = browser.new_context(viewport={"width": 360, "height": 740}, device_scale_factor=1, is_mobile=True)
    shots = Path(os.environ.get("BROWSER_SCREENSHOT_DIR") or tmp_path)
    shots.mkdir(parents=True, exist_ok=True)
    try:
        page = context.new_page()
        for name, path in [("directory", "/"), ("community", f"/c/{COMMUNITY}/")]:
            page.goto(live_server.url + path)
            # Nothing sticks out sideways: a phone user never scrolls horizontally to read.
            overflow = page.evaluate("() => document.documentElement.scrollWidth - window.innerWidth")
            assert overflow <= 0, f"{path} is {overflow}px wider than a 360px phone screen"
            assert page.locator("#language-select").is_visible()
            assert page.locator("h1").first.bounding_box()["width"] <= 360
            page.screenshot(path=str(shots / f"phone-360-{name}.png"), full_page=True)
    finally:
        context.close()
