"""Sending an announcement in Chromium without JavaScript, in English and Arabic; axe-core on each page."""

import pytest
from django.core import mail

from communities.models import Membership
from discussions.models import Announcement
from tests.browser import assert_no_axe_violations, force_login_cookie, html_attributes
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member

pytestmark = pytest.mark.browser


@pytest.fixture
def setting(transactional_db):
    community = CommunityFactory(name="REBUILD", slug="rebuild-browser", languages=["en", "ar"])
    GroupFactory(community=community, name="Coordination team")
    coordinator = make_member(community, UserFactory(full_name="Cora Coordinator"), role=Membership.Role.COORDINATOR)
    for name in ("Laila", "Omar"):
        make_member(community, UserFactory(full_name=name, country="LY", language="ar"))
    return community, coordinator


def _fill_and_preview(page, title):
    page.locator("input[name=audience][value=country]").check()
    page.locator("select[name=country]").select_option("LY")
    page.locator("input[name=title]").fill(title)
    page.locator("textarea[name=body]").fill("**Tuesday** at 10:00, online.")
    page.locator("form.card button[type=submit]").click()
    page.wait_for_load_state()


def test_a_coordinator_previews_and_sends_an_announcement_without_javascript(browser, live_server, setting):
    community, coordinator = setting
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    force_login_cookie(context, live_server, coordinator)
    page = context.new_page()
    page.goto(f"{live_server.url}/c/{community.slug}/announcements/new/")
    _fill_and_preview(page, "Steering committee")
    confirm = page.locator("button[name=confirm]")
    assert confirm.inner_text().strip() == "Send to 2 people"
    confirm.click()
    page.wait_for_load_state()
    announcement = Announcement.objects.get()
    assert page.url.endswith(announcement.get_absolute_url())
    assert announcement.recipient_count == 2
    page.goto(f"{live_server.url}/c/{community.slug}/announcements/")
    assert page.get_by_role("link", name="Steering committee").is_visible()
    context.close()
    assert len(mail.outbox) == 2


@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_announcement_pages_pass_axe_core(page, live_server, setting, language):
    community, coordinator = setting
    coordinator.language = language
    coordinator.save(update_fields=["language"])
    force_login_cookie(page.context, live_server, coordinator)
    page.goto(f"{live_server.url}/c/{community.slug}/announcements/new/")
    assert html_attributes(page)["lang"] == language
    assert_no_axe_violations(page)
    _fill_and_preview(page, "اجتماع اللجنة التوجيهية" if language == "ar" else "Steering committee")
    assert page.locator("button[name=confirm]").is_visible()
    assert_no_axe_violations(page)
    page.locator("button[name=confirm]").click()
    page.wait_for_load_state()
    assert_no_axe_violations(page)
    page.goto(f"{live_server.url}/c/{community.slug}/announcements/")
    assert_no_axe_violations(page)
