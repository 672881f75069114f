"""Content translations in a real Chromium: the translation form, the console's list and the pages that show
translations pass axe-core (no serious or critical violation) in English and Arabic; the direction the browser
computes for translated and untranslated text follows its language; everything works without JavaScript."""

from __future__ import annotations

from uuid import uuid4

import pytest

from communities.models import Community, CommunityTranslation, Membership
from communities.services.translations import translation_save
from meetings.models import AgendaItem
from tests.browser import assert_no_axe_violations, force_login_cookie, html_attributes
from tests.factories import CommunityFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.browser


@pytest.fixture
def world(transactional_db):
    community = CommunityFactory(
        slug=f"rebuild-a11y-{uuid4().hex[:8]}",
        name="REBUILD",
        description="Libyan municipalities and universities.",
        visibility=Community.Visibility.PUBLIC,
        languages=["en", "ar"],
        default_language="en",
        language="en",
    )
    coordinator = make_member(
        community,
        UserFactory(full_name="Cora Coordinator", email=f"cora-{uuid4().hex[:8]}@example.org"),
        role=Membership.Role.COORDINATOR,
    )
    make_member(
        community, UserFactory(full_name="Amina Member", email=f"amina-{uuid4().hex[:8]}@example.org", language="ar")
    )
    meeting = MeetingFactory(community=community, title="Monthly partnership meeting", language="en")
    AgendaItem.objects.create(meeting=meeting, order=1, title="Welcome and introductions")
    arabic_meeting = MeetingFactory(community=community, title="ورشة عمل حول التخطيط", language="ar")
    translation_save(obj=meeting, language="ar", by=coordinator, texts={"title": "اجتماع الشراكة الشهري"})
    return {"community": community, "coordinator": coordinator, "meeting": meeting, "arabic": arabic_meeting}


def goto(page, url: str, *, expected: int = 200):
    response = page.goto(url)
    assert response is not None and response.status == expected, f"{url} answered {response and response.status}"


def direction_of(page, selector: str) -> str:
    return page.locator(selector).first.evaluate("element => getComputedStyle(element).direction")


@pytest.mark.parametrize(("language", "direction"), [("en", "ltr"), ("ar", "rtl")])
def test_translation_pages_pass_axe_and_text_runs_in_its_own_direction(
    browser, live_server, world, language, direction
):
    coordinator, community = world["coordinator"], world["community"]
    coordinator.language = language
    coordinator.save(update_fields=["language"])
    base = live_server.url
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(20_000)
    force_login_cookie(context, live_server, coordinator)
    page = context.new_page()
    try:
        for path in (
            f"/c/{community.slug}/manage/translations/",
            f"/c/{community.slug}/translate/community/{community.pk}/ar/",
            f"/c/{community.slug}/translate/meeting/{world['meeting'].pk}/ar/",
            world["meeting"].get_absolute_url(),
            world["arabic"].get_absolute_url(),
            community.get_absolute_url(),
        ):
            goto(page, base + path)
            assert html_attributes(page) == {"lang": language, "dir": direction}, path
            assert_no_axe_violations(page)
        # An Arabic title reads right to left in the English interface, an English one left to right in Arabic.
        goto(page, base + world["arabic"].get_absolute_url())
        assert direction_of(page, "main h1") == "rtl"
        goto(page, base + world["meeting"].get_absolute_url())
        assert direction_of(page, "main h1") == ("rtl" if language == "ar" else "ltr")
        goto(page, base + world["meeting"].get_absolute_url() + "?original=1")
        assert direction_of(page, "main h1") == "ltr"
    finally:
        context.close()


def test_the_translation_form_and_the_ask_work_without_javascript(browser, live_server, world):
    community, coordinator = world["community"], world["coordinator"]
    base = live_server.url
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    context.set_default_timeout(20_000)
    force_login_cookie(context, live_server, coordinator)
    page = context.new_page()
    try:
        goto(page, f"{base}/c/{community.slug}/translate/community/{community.pk}/ar/")
        page.fill("#id_name", "ريبيلد")
        page.fill("#id_description", "بلديات وجامعات ليبية.")
        with page.expect_navigation():
            page.locator("main form button[type=submit]").last.click()
        row = CommunityTranslation.objects.get(master=community, language_code="ar")
        assert row.translated_by == coordinator and row.reviewed_at is None
        with page.expect_navigation():
            page.locator("button[name=review]").click()
        row.refresh_from_db()
        assert row.reviewed_by == coordinator  # (axe needs JavaScript: the other test checks these pages)
        goto(page, f"{base}/c/{community.slug}/manage/translations/")
        page.select_option("#id_item", f"meeting:{world['arabic'].pk}:en")
        page.select_option("#id_member", label="Amina Member")
        with page.expect_navigation():
            page.locator("main form button[type=submit]").first.click()
        assert page.locator(".alert-success, .alert").count() >= 1
    finally:
        context.close()
