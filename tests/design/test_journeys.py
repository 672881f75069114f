"""The main journeys as a person walks them, in English and in Arabic, with axe-core on every page.

Sign up and confirm the address from the email, join a community, register for a meeting,
publish knowledge and find it with search, change the notification settings, and read the
community's report as its coordinator. Every step runs in `steps(...)`: a failing step leaves a
full-page screenshot in test-results/<test>-<step>.png. Selectors use names and addresses, not
the interface's words, so the same walk runs in both languages.
"""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from communities.models import Membership
from knowledge.models import KnowledgeItem
from meetings.models import Registration
from members.models import NotificationPreference, User
from tests.browser import assert_no_axe_violations, force_login_cookie, html_attributes
from tests.design.conftest import Steps
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.browser

NEW_PASSWORD = "Correct-Horse-Battery-9"


@pytest.fixture
def open_community(transactional_db):
    community = CommunityFactory(
        slug="citta-in-rete",
        name="Città in rete",
        tagline="Cities learning from each other.",
        languages=["en", "it", "ar"],
        accent_color="#0b5563",
    )
    GroupFactory(community=community, name="Mobility")
    coordinator = make_member(community, UserFactory(full_name="Cora Coordinator"), role=Membership.Role.COORDINATOR)
    start = (timezone.now() + timedelta(days=10)).replace(microsecond=0)
    meeting = MeetingFactory(community=community, title="Peer exchange on cycling", start=start, capacity=30)
    return {"community": community, "coordinator": coordinator, "meeting": meeting}


def goto(page, url: str):
    response = page.goto(url)
    assert response is not None and response.ok, f"{url} answered {response.status if response else 'nothing'}"
    return response


def submit(page, selector: str) -> None:
    with page.expect_navigation():
        page.locator(selector).first.click()


def link_in(message, pattern: str) -> str:
    match = re.search(rf"https?://[^/\s]+({pattern}[^\s]*)", message.body)
    assert match, f"no link matching {pattern} in:\n{message.body}"
    return match.group(1)


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_newcomer_signs_up_joins_registers_shares_knowledge_and_chooses_emails(
    browser_context, page, live_server, open_community, language, request
):
    community, meeting = open_community["community"], open_community["meeting"]
    base = live_server.url
    email = f"newcomer-{language}@example.org"
    steps = Steps(page, request.node.name)
    browser_context.add_cookies([{"name": "cop_language", "value": language, "url": base}])
    direction = "rtl" if language == "ar" else "ltr"

    with steps("open the directory"):
        goto(page, base + "/")
        assert html_attributes(page) == {"lang": language, "dir": direction}
        assert page.locator(f"article.community-card.accent-{community.pk}").count() == 1
        assert_no_axe_violations(page)

    with steps("sign up"):
        goto(page, base + "/accounts/signup/")
        assert_no_axe_violations(page)
        page.fill("input[name=full_name]", "Nadia Newcomer")
        page.fill("input[name=email]", email)
        page.fill("input[name=password1]", NEW_PASSWORD)
        page.fill("input[name=password2]", NEW_PASSWORD)
        submit(page, "main form[action*='/accounts/signup/'] button[type=submit]")
        assert_no_axe_violations(page)  # "check your inbox"

    with steps("confirm the address from the email"):
        confirmation = next(m for m in mail.outbox if m.to == [email] and "confirm-email" in m.body)
        goto(page, base + link_in(confirmation, "/accounts/confirm-email/"))
        assert_no_axe_violations(page)
        submit(page, "main form button[type=submit]")
        person = User.objects.get(email=email)
        assert person.language == language, "the language chosen before signing up is kept"
        assert page.locator("details.portal-menu summary", has_text="Nadia Newcomer").count() == 1

    with steps("join the community"):
        goto(page, base + community.get_absolute_url())
        assert_no_axe_violations(page)
        submit(page, "section.membership-state button[type=submit]")
        assert Membership.objects.active().filter(user=person, community=community, group=None).exists()
        sections = page.locator("nav.community-sections a")
        assert sections.count() == 5, "a member sees home, members, meetings, knowledge and discussions"
        assert_no_axe_violations(page)

    with steps("find the community in the menu"):
        page.locator("details.portal-menu summary").first.click()
        assert page.locator(f"details.portal-menu[open] a[href='{community.get_absolute_url()}']").is_visible()
        page.keyboard.press("Escape")

    with steps("register for a meeting"):
        goto(page, base + meeting.get_absolute_url())
        assert_no_axe_violations(page)
        submit(page, "main form[action$='/register/'] button[type=submit]")
        assert Registration.objects.filter(meeting=meeting, user=person, status=Registration.Status.REGISTERED).exists()
        assert page.locator("main form[action$='/unregister/']").count() == 1
        assert_no_axe_violations(page)

    title = f"Protected bicycle lanes in Misrata ({language})"
    with steps("publish knowledge"):
        goto(page, base + f"/c/{community.slug}/knowledge/new/")
        assert_no_axe_violations(page)
        page.fill("#id_title", title)
        page.fill("#id_summary", "What the pilot taught us about cycling to school.")
        page.fill("#id_body", "Separate lanes, painted junctions and a school street on Fridays.")
        page.select_option("#id_visibility", KnowledgeItem.Visibility.PUBLIC)
        submit(page, "main button[name=action][value=publish]")
        item = KnowledgeItem.objects.get(title=title)
        assert item.status == KnowledgeItem.Status.PUBLISHED
        assert page.url.endswith(item.get_absolute_url())
        assert_no_axe_violations(page)

    with steps("find it with search"):
        goto(page, base + "/search/?q=Misrata")
        assert page.locator(f"main a[href='{item.get_absolute_url()}']").count() >= 1
        assert_no_axe_violations(page)

    with steps("a form sent with a mistake keeps what was typed"):
        goto(page, base + f"/c/{community.slug}/knowledge/new/")
        page.fill("#id_summary", "A summary worth keeping.")
        submit(page, "main button[name=action][value=publish]")
        summary = page.locator(".form-error-summary")
        assert summary.is_visible()
        assert page.input_value("#id_summary") == "A summary worth keeping."
        summary.locator("a[href='#id_title']").click()
        assert page.evaluate("document.activeElement.id") == "id_title"
        assert_no_axe_violations(page)

    with steps("change the notification settings"):
        goto(page, base + "/me/notifications/")
        assert_no_axe_violations(page)
        page.check("input[name=digest_frequency][value=weekly]")
        page.uncheck("input[name=updates_enabled]")
        submit(page, "main form button[type=submit]")
        preference = NotificationPreference.objects.get(user=person)
        assert preference.digest_frequency == NotificationPreference.DigestFrequency.WEEKLY
        assert preference.updates_enabled is False
        assert_no_axe_violations(page)

    with steps("read the accessibility statement and send feedback"):
        goto(page, base + "/accessibility/")
        assert_no_axe_violations(page)
        page.fill("#id_message", "The calendar grid is hard to read with a screen magnifier.")
        submit(page, "main form[action='/accessibility/'] button[type=submit]")
        assert page.locator(".portal-messages .alert-success").is_visible()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_coordinator_reads_the_report_and_opens_the_console(browser, live_server, open_community, language, request):
    community, coordinator = open_community["community"], open_community["coordinator"]
    coordinator.language = language
    coordinator.save(update_fields=["language"])
    context = browser.new_context(bypass_csp=True, locale="en-GB")
    try:
        force_login_cookie(context, live_server, coordinator)
        page = context.new_page()
        steps = Steps(page, request.node.name)
        with steps("open the community"):
            goto(page, live_server.url + community.get_absolute_url())
            assert page.locator("nav.community-sections a").count() == 7, "reports and console are in the bar"
        with steps("read the report"):
            page.locator(f"nav.community-sections a[href='/c/{community.slug}/reports/']").click()
            page.wait_for_load_state()
            assert page.url.endswith(f"/c/{community.slug}/reports/")
            assert page.locator("h1").count() == 1
            assert (
                page.locator("nav.community-sections a[aria-current=page]").get_attribute("href").endswith("/reports/")
            )
            assert_no_axe_violations(page)
        with steps("open the console"):
            page.locator(f"nav.community-sections a[href='/c/{community.slug}/manage/']").click()
            page.wait_for_load_state()
            assert_no_axe_violations(page)
    finally:
        context.close()


def test_keyboard_only_use_skip_link_focus_and_menus(page, live_server, open_community):
    member = make_member(open_community["community"], UserFactory(full_name="Kira Keyboard"))
    force_login_cookie(page.context, live_server, member)
    goto(page, live_server.url + open_community["community"].get_absolute_url())

    page.keyboard.press("Tab")
    skip = page.locator("a.skip-link")
    first_stop = page.evaluate("document.activeElement.classList.contains('skip-link')")
    assert first_stop, "the first Tab reaches the skip link"
    assert skip.is_visible(), "the skip link shows when focused"
    page.keyboard.press("Enter")
    assert page.evaluate("document.activeElement.id") == "main"

    # Every link and button shows where the focus is.
    page.keyboard.press("Tab")
    outline = page.evaluate("getComputedStyle(document.activeElement).outlineStyle")
    assert outline not in ("", "none"), f"focus is visible (outline: {outline})"

    # The menus open from the keyboard and close with Escape.
    summary = page.locator("details.portal-menu summary").first
    summary.focus()
    page.keyboard.press("Enter")
    assert page.locator("details.portal-menu").first.get_attribute("open") is not None
    page.keyboard.press("Tab")
    assert page.evaluate("document.activeElement.closest('details.portal-menu') !== null"), "Tab enters the menu"
    page.keyboard.press("Escape")
    assert page.locator("details.portal-menu").first.get_attribute("open") is None
    assert page.evaluate("document.activeElement.tagName") == "SUMMARY"


def test_the_menus_work_without_javascript(browser, live_server, open_community):
    member = make_member(open_community["community"], UserFactory(full_name="Nora Noscript"))
    context = browser.new_context(java_script_enabled=False, locale="en-GB")
    try:
        force_login_cookie(context, live_server, member)
        page = context.new_page()
        goto(page, live_server.url + "/")
        page.locator("details.portal-menu summary").first.click()
        link = page.locator(f"details.portal-menu[open] a[href='{open_community['community'].get_absolute_url()}']")
        assert link.is_visible()
        with page.expect_navigation():
            link.click()
        assert page.locator("nav.community-sections a[aria-current=page]").count() == 1
    finally:
        context.close()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_images_have_text_alternatives_and_pages_fit_a_phone(browser, live_server, open_community, language):
    community, meeting = open_community["community"], open_community["meeting"]
    group = GroupFactory(community=community, name="Coordination team 1 – Project management and financial reporting")
    coordinator = open_community["coordinator"]
    make_member(community, coordinator, role=Membership.Role.FACILITATOR, group=group)
    soon = timezone.now().replace(microsecond=0) + timedelta(hours=2)  # in this month's calendar
    MeetingFactory(community=community, title="Check-in of the working groups", start=soon)
    context = browser.new_context(viewport={"width": 360, "height": 740}, is_mobile=True, locale="en-GB")
    try:
        context.add_cookies([{"name": "cop_language", "value": language, "url": live_server.url}])
        page = context.new_page()
        public = ["/", community.get_absolute_url(), meeting.get_absolute_url(), "/accessibility/"]
        signed_in = [
            community.get_absolute_url(),
            f"/c/{community.slug}/meetings/calendar/",
            f"/c/{community.slug}/knowledge/",
            f"/c/{community.slug}/manage/",
            f"/c/{community.slug}/members/",
            "/me/",
            "/me/notifications/",
            "/search/?q=cycling",
        ]
        for n, path in enumerate(public + signed_in):
            if n == len(public):
                force_login_cookie(context, live_server, coordinator)
            goto(page, live_server.url + path)
            # Compared with 360, not window.innerWidth: a mobile browser widens its viewport to the content.
            overflow = page.evaluate("document.documentElement.scrollWidth") - 360
            assert overflow <= 0, f"{path} is {overflow}px wider than a 360px phone"
            assert page.locator("img:not([alt])").count() == 0, f"{path}: every image has an alt attribute"
    finally:
        context.close()
