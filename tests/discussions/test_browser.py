"""Discussions in a real Chromium: a member starts a thread, another replies in English and in Arabic
(each post keeps its own direction), and axe-core finds nothing serious on the list, the thread and the form."""

import pytest

from discussions.models import Post, Thread
from tests.browser import assert_no_axe_violations, force_login_cookie
from tests.factories import CommunityFactory, UserFactory, make_member

pytestmark = pytest.mark.browser


@pytest.fixture
def community(transactional_db):
    return CommunityFactory(slug="rebuild-browser", name="REBUILD", languages=["en", "ar"])


def _page_as(browser, live_server, user):
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(20_000)
    force_login_cookie(context, live_server, user)
    return context, context.new_page()


def test_a_member_starts_a_thread_and_another_replies_in_english_and_arabic(browser, live_server, community):
    starter = make_member(community, UserFactory(full_name="Hans Weber"))
    replier = make_member(community, UserFactory(full_name="Amina Ben Ali"))
    context, page = _page_as(browser, live_server, starter)
    page.goto(f"{live_server.url}/c/{community.slug}/discussions/new/")
    assert_no_axe_violations(page)
    page.fill("#id_title", "Training of trainers: dates")
    page.fill("#id_body", "Which **week** suits everyone?")
    page.get_by_role("button", name="Start the discussion").click()
    page.wait_for_load_state()
    thread = Thread.objects.get()
    assert page.url.endswith(thread.get_absolute_url())
    context.close()

    context, page = _page_as(browser, live_server, replier)
    page.goto(f"{live_server.url}/c/{community.slug}/discussions/")
    assert page.get_by_text("Unread").first.is_visible()
    assert_no_axe_violations(page)
    page.get_by_role("link", name="Training of trainers: dates").click()
    page.wait_for_load_state()
    page.fill("#id_body", "The second week of May works for Tripoli.")
    page.get_by_role("button", name="Post reply").click()
    page.wait_for_load_state()
    page.fill("#id_body", "الأسبوع الثاني من مايو يناسب بلدية طرابلس.")
    page.get_by_role("button", name="Post reply").click()
    page.wait_for_load_state()

    english, arabic = Post.objects.filter(is_opening=False).order_by("pk")
    for post, direction in ((english, "ltr"), (arabic, "rtl")):
        # Each paragraph takes its own direction (knowledge.markup sets dir=auto on every block).
        paragraph = page.locator(f"#post-{post.pk} .discussion-post-body p").first
        assert paragraph.get_attribute("dir") == "auto"
        assert paragraph.evaluate("element => getComputedStyle(element).direction") == direction
    assert page.locator(f"#post-{arabic.pk}").is_visible()
    assert_no_axe_violations(page)
    context.close()
