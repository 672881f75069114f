"""Issue 12's journey in a real Chromium, in English and in Arabic, with axe-core on every page.

A starts a discussion in the browser; B chooses "every post by email" on the email settings page
and replies, mentioning C by name; C gets the mention email (the live server runs in this process
with the locmem backend and eager tasks, so it is in django.core.mail.outbox), replies from a mail
client with smtplib to the personal Reply-To, through a real `manage.py receive_mail` process on
the same test database; A reloads the thread and sees C's reply, in its own direction. Selectors
use names and addresses, not the interface's words, so the same walk runs in both languages; a
failing step leaves a screenshot in test-results/.
"""

from __future__ import annotations

import pytest
from django.core import mail

from discussions.models import DeliveryMode, DiscussionPreference, Post, Thread
from tests.browser import assert_no_axe_violations, force_login_cookie, html_attributes
from tests.design.conftest import Steps
from tests.discussions.inbound_smtp import send_email, wait_for_inbound
from tests.factories import CommunityFactory, UserFactory, make_member
from tests.processes import wait_for

pytestmark = pytest.mark.browser

# What each person writes, in the journey's language; C is mentioned by the name the portal shows.
WORDS = {
    "en": {
        "names": ("Amina Ben Ali", "Hans Weber", "Rami Haddad"),
        "title": "Water plans for the summer",
        "body": "Which municipality already has a **drought plan**?",
        "reply": "Ours is still a draft. @Rami Haddad, could you share the one of Misrata?",
        "by_email": "Yes: the Misrata plan is in our library, with the budget.",
        "direction": "ltr",
    },
    "ar": {
        "names": ("أمينة بن علي", "هانس فيبر", "رامي حداد"),
        "title": "خطط المياه للصيف",
        "body": "أي بلدية لديها **خطة للجفاف** بالفعل؟",
        "reply": "خطتنا ما زالت مسودة. @رامي حداد هل يمكنك مشاركة خطة مصراتة؟",
        "by_email": "نعم، خطة مصراتة موجودة في مكتبتنا مع الميزانية.",
        "direction": "rtl",
    },
}


def goto(page, url: str):
    response = page.goto(url)
    assert response is not None and response.ok, f"{url} answered {response.status if response else 'nothing'}"
    return response


def submit(page, selector: str) -> None:
    """Click the first match (a button or a link) and wait for the page it leads to."""
    with page.expect_navigation():
        page.locator(selector).first.click()


def open_as(browser, live_server, user):
    """Open a page signed in as user, with the portal's CSP on (axe-core is evaluated, not injected)."""
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(20_000)
    force_login_cookie(context, live_server, user)
    return context, context.new_page()


@pytest.mark.parametrize("language", ["en", "ar"])
def test_a_thread_a_mention_and_a_reply_by_email_appear_in_the_browser(
    browser, live_server, smtp_server, language, request
):
    port, server = smtp_server
    words = WORDS[language]
    base = live_server.url
    community = CommunityFactory(slug=f"rebuild-journey-{language}", name="REBUILD", languages=["en", "ar"])
    starter, replier, mentioned = (
        make_member(community, UserFactory(full_name=name, email=f"{who}-{language}@example.org", language=language))
        for who, name in zip(("a", "b", "c"), words["names"], strict=True)
    )
    discussions = f"/c/{community.slug}/discussions/"
    contexts = []
    try:
        context, page = open_as(browser, live_server, replier)
        contexts.append(context)
        steps = Steps(page, request.node.name)
        with steps("B chooses every post by email"):
            goto(page, base + f"{discussions}email-settings/")
            assert html_attributes(page) == {"lang": language, "dir": "rtl" if language == "ar" else "ltr"}
            assert_no_axe_violations(page)
            page.check(f"input[name=mode][value={DeliveryMode.EVERY_POST}]")
            submit(page, "main form.card button[type=submit]")
            preference = DiscussionPreference.objects.get(user=replier, community=community)
            assert preference.mode == DeliveryMode.EVERY_POST
            assert page.locator(f"input[name=mode][value={DeliveryMode.EVERY_POST}]").is_checked()

        context, page = open_as(browser, live_server, starter)
        contexts.append(context)
        steps.page = page
        with steps("A starts a thread"):
            goto(page, base + discussions)
            assert_no_axe_violations(page)
            submit(page, f"main a[href='{discussions}new/']")
            assert page.url.endswith(f"{discussions}new/")
            assert_no_axe_violations(page)
            page.fill("#id_title", words["title"])
            page.fill("#id_body", words["body"])
            submit(page, "main form.discussion-form button[type=submit]")
            thread = Thread.objects.get(community=community)
            assert thread.title == words["title"]
            assert thread.posts.get().author_id == starter.pk
            assert page.url.endswith(thread.get_absolute_url())
            thread_page = page

        context, page = open_as(browser, live_server, replier)
        contexts.append(context)
        steps.page = page
        with steps("B replies mentioning C"):
            goto(page, base + discussions)
            assert_no_axe_violations(page)  # the list with the new, unread thread
            submit(page, f"main a[href='{thread.get_absolute_url()}']")
            mail.outbox.clear()
            page.fill("#id_body", words["reply"])
            submit(page, "main section#reply form button[type=submit]")
            reply = Post.objects.get(thread=thread, author=replier)
            assert list(reply.mentions.values_list("pk", flat=True)) == [mentioned.pk]
            assert page.locator(f"#post-{reply.pk}").is_visible()

        with steps("C reads the mention email"):
            notices = []

            def notice_arrived():
                notices[:] = [m for m in mail.outbox if m.to == [mentioned.email]]
                return bool(notices)

            assert wait_for(notice_arrived, timeout=20), [(m.to, m.subject) for m in mail.outbox]
            [notice] = notices
            assert words["title"] in notice.subject
            assert words["reply"] in notice.body
            reply_to = notice.extra_headers["Reply-To"]
            assert reply_to.startswith("reply+"), reply_to

        with steps("C replies by email"):
            send_email(
                port,
                sender=mentioned.email,
                to=reply_to,
                subject=f"Re: {notice.subject}",
                body=words["by_email"],
                message_id=f"<journey-{language}@mail.example.org>",
                server=server,
            )
            inbound = wait_for_inbound(f"<journey-{language}@mail.example.org>", server)
            assert inbound.outcome == "posted", (inbound.reason, server.describe())

        page = thread_page
        steps.page = page
        with steps("A sees C's reply on the thread"):
            shown = page.locator(".discussion-post-body p", has_text=words["by_email"])

            def reply_shown() -> bool:
                page.reload()
                return shown.count() == 1

            assert wait_for(reply_shown, timeout=20, interval=0.5), server.describe()
            emailed = Post.objects.get(thread=thread, author=mentioned)
            assert emailed.source == Post.Source.EMAIL and emailed.body == words["by_email"]
            paragraph = page.locator(f"#post-{emailed.pk} .discussion-post-body p").first
            assert paragraph.inner_text() == words["by_email"]
            assert paragraph.get_attribute("dir") == "auto"
            assert paragraph.evaluate("element => getComputedStyle(element).direction") == words["direction"]
            assert_no_axe_violations(page)
    finally:
        for context in contexts:
            context.close()
