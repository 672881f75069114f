"""Knowledge in a real Chromium: publishing with a file and co-authors, search and comments,
an accepted answer, a completed review round, and axe-core on the list and item pages."""

from datetime import timedelta

import pytest
from django.utils import timezone

from knowledge import services
from knowledge.models import Answer, Comment, ItemAuthor, KnowledgeItem, ReviewRound
from tests.browser import assert_no_axe_violations, force_login_cookie
from tests.factories import CommunityFactory, UserFactory, make_member

from .helpers import PDF, make_item

pytestmark = pytest.mark.browser


@pytest.fixture
def community(transactional_db, settings, tmp_path):
    settings.KNOWLEDGE_FILES_ROOT = tmp_path / "private"
    return CommunityFactory(slug="multiply-browser", name="MULTIPLY")


def _page_as(browser, live_server, user):
    context = browser.new_context(locale="en-GB")
    context.set_default_timeout(20_000)
    if user is not None:
        force_login_cookie(context, live_server, user)
    return context, context.new_page()


def test_a_member_publishes_with_a_file_and_co_authors_and_another_finds_it_and_comments(
    browser, live_server, community
):
    author = make_member(community, UserFactory(full_name="Hans Weber"))
    first = make_member(community, UserFactory(full_name="Claire Martin"))
    second = make_member(community, UserFactory(full_name="Nikos Papadopoulos"))
    context, page = _page_as(browser, live_server, author)
    page.goto(f"{live_server.url}/c/{community.slug}/knowledge/")
    page.get_by_role("link", name="Share knowledge").first.click()
    page.select_option("#id_kind", "tool")
    page.fill("#id_title", "Peer review checklist for energy plans")
    page.fill("#id_summary", "The questions reviewers answer.")
    page.fill("#id_body", "- Is the **baseline** complete?\n- Are targets set per sector?")
    page.fill("#id_themes", "peer review, energy planning")
    page.set_input_files("#id_file", files=[{"name": "checklist.pdf", "mimeType": "application/pdf", "buffer": PDF}])
    page.select_option("#id_authors-1-user", str(first.pk))
    page.select_option("#id_authors-2-user", str(second.pk))
    page.fill("#id_authors-1-order", "2")
    page.fill("#id_authors-2-order", "3")
    page.get_by_role("button", name="Publish").click()
    page.wait_for_load_state()

    item = KnowledgeItem.objects.get()
    assert page.url.endswith(item.get_absolute_url())
    assert item.is_published
    assert list(ItemAuthor.objects.filter(item=item).values_list("user", flat=True)) == [author.pk, first.pk, second.pk]
    assert page.get_by_role("heading", level=1).inner_text() == "Peer review checklist for energy plans"
    assert page.get_by_role("link", name="checklist.pdf").is_visible()
    assert_no_axe_violations(page)
    context.close()

    reader = make_member(community, UserFactory(full_name="Giulia Rossi"))
    context, page = _page_as(browser, live_server, reader)
    page.goto(f"{live_server.url}/search/")
    page.fill("#search-q", "checklist")
    page.get_by_role("button", name="Search").click()
    page.wait_for_load_state()
    page.get_by_role("link", name="Peer review checklist for energy plans").click()
    page.wait_for_load_state()
    page.fill("#id_body", "We used it in Padova: very helpful.")
    page.get_by_role("button", name="Add comment").click()
    page.wait_for_load_state()
    assert Comment.objects.get().author == reader
    assert page.get_by_text("We used it in Padova: very helpful.").is_visible()
    context.close()


def test_a_question_gets_an_accepted_answer(browser, live_server, community):
    asker = make_member(community)
    helper = make_member(community)
    question = make_item(
        community, author=asker, kind=KnowledgeItem.Kind.QUESTION, title="Who reviewed a communication strategy?"
    )
    context, page = _page_as(browser, live_server, helper)
    page.goto(f"{live_server.url}{question.get_absolute_url()}")
    page.fill("#id_body", "Grenoble did, with its communication staff.")
    page.get_by_role("button", name="Post answer").click()
    page.wait_for_load_state()
    context.close()

    context, page = _page_as(browser, live_server, asker)
    page.goto(f"{live_server.url}{question.get_absolute_url()}")
    page.get_by_role("button", name="Accept this answer").click()
    page.wait_for_load_state()
    assert Answer.objects.get().is_accepted
    assert page.get_by_text("Accepted answer").is_visible()
    context.close()


def test_a_review_round_is_requested_answered_and_completed(browser, live_server, community):
    author = make_member(community)
    reviewer = make_member(community, UserFactory(full_name="Hans Weber"))
    item = make_item(community, author=author, title="Energy plan of Trikala")
    context, page = _page_as(browser, live_server, author)
    page.goto(f"{live_server.url}{item.get_absolute_url()}")
    page.get_by_role("link", name="Ask for peer review").click()
    page.get_by_label("Hans Weber").check()
    page.fill("#id_due_date", (timezone.localdate() + timedelta(days=14)).isoformat())
    page.fill("#id_message", "Please check the targets.")
    page.get_by_role("button", name="Ask for review").click()
    page.wait_for_load_state()
    review_round = ReviewRound.objects.get()
    assert page.url.endswith(review_round.get_absolute_url())
    context.close()

    context, page = _page_as(browser, live_server, reviewer)
    page.goto(f"{live_server.url}{review_round.get_absolute_url()}")
    page.fill("#id_strengths", "A complete baseline inventory.")
    page.fill("#id_weaknesses", "No yearly targets.")
    page.fill("#id_recommendations", "Add targets per sector.")
    page.get_by_label("Good, with minor changes").check()
    page.get_by_role("button", name="Submit review").click()
    page.wait_for_load_state()
    review_round.refresh_from_db()
    assert review_round.state == ReviewRound.State.COMPLETED
    assert page.get_by_text("Completed", exact=True).is_visible()
    assert_no_axe_violations(page)
    context.close()


def test_the_list_item_search_and_form_pages_pass_axe(browser, live_server, community):
    author = make_member(community)
    question = make_item(
        community,
        author=author,
        kind=KnowledgeItem.Kind.QUESTION,
        title="How do you monitor an energy plan?",
        themes=["monitoring"],
        visibility=KnowledgeItem.Visibility.PUBLIC,
    )
    make_item(community, author=author, title="Integrated planning in Heidelberg", visibility="public")
    services.comment_create(by=author, item=question, body="Good question.")
    services.answer_create(item=question, by=make_member(community), body="With yearly indicators.")
    for user in (None, author):
        context, page = _page_as(browser, live_server, user)
        page.goto(f"{live_server.url}/c/{community.slug}/knowledge/")
        assert_no_axe_violations(page)
        page.goto(f"{live_server.url}{question.get_absolute_url()}")
        assert_no_axe_violations(page)
        page.goto(f"{live_server.url}/search/?q=energy")
        assert_no_axe_violations(page)
        if user is not None:
            page.goto(f"{live_server.url}/c/{community.slug}/knowledge/new/")
            assert_no_axe_violations(page)
        context.close()
