"""Writes through knowledge.services: items, revisions, conversation, following, collections, peer review."""

from datetime import timedelta

import pytest
from django.core import mail
from django.core.exceptions import PermissionDenied, ValidationError
from django.db import connection
from django.utils import timezone

from communities.models import Membership
from knowledge import services, tasks
from knowledge.models import (
    Answer,
    Collection,
    CollectionEntry,
    Comment,
    Follow,
    ItemAuthor,
    KnowledgeItem,
    Review,
    ReviewRound,
    Revision,
)
from knowledge.services import AuthorSpec
from tests.conftest import require_service
from tests.factories import CommunityFactory, GroupFactory, OrganizationFactory, UserFactory, make_member

from .helpers import make_coordinator, make_item, make_round

pytestmark = pytest.mark.django_db
K = KnowledgeItem.Kind
V = KnowledgeItem.Visibility


@pytest.fixture
def community():
    return CommunityFactory()


@pytest.fixture
def author(community):
    return make_member(community)


# ----------------------------------------------------------------------------- items


def test_creating_an_item_keeps_the_authors_in_order_and_writes_the_first_revision(community, author):
    co_author = make_member(community)
    item = make_item(
        community,
        author=author,
        authors=[
            AuthorSpec(name="Ada External", affiliation="University of Tripoli"),
            AuthorSpec(user=author),
            AuthorSpec(user=co_author),
        ],
    )
    names = [a.display_name for a in item.authorships.order_by("order")]
    assert names == ["Ada External", author.get_full_name(), co_author.get_full_name()]
    assert item.authorships.get(name="Ada External").affiliation == "University of Tripoli"
    revision = item.revisions.get()
    assert (revision.number, revision.action, revision.author) == (1, Revision.Action.CREATED, author)
    assert revision.snapshot["title"] == item.title


def test_the_creator_is_the_first_author_by_default(community, author):
    item = make_item(community, author=author)
    assert list(item.authorships.values_list("user", flat=True)) == [author.pk]


def test_a_script_in_the_body_is_dropped_and_markdown_is_rendered(community, author):
    item = make_item(
        community,
        author=author,
        title="<script>alert(1)</script> Title",
        body="**Bold** <script>alert('x')</script> [click](javascript:alert(1)) <img src=x onerror=alert(1)>",
    )
    assert item.title == "<script>alert(1)</script> Title"  # stored as text, escaped when shown
    assert "<strong>Bold</strong>" in item.body_html
    assert "<script" not in item.body_html
    assert "javascript:" not in item.body_html
    assert "onerror" not in item.body_html


def test_people_outside_the_community_cannot_create_items_and_nothing_is_stored(community):
    with pytest.raises(PermissionDenied):
        make_item(community, author=UserFactory())
    assert not KnowledgeItem.objects.exists()


def test_a_group_item_needs_a_group_of_the_same_community(community, author):
    with pytest.raises(ValidationError) as error:
        make_item(community, author=author, visibility=V.GROUP)
    assert "group" in error.value.message_dict
    with pytest.raises(ValidationError):
        make_item(community, author=author, visibility=V.GROUP, group=GroupFactory())
    assert not KnowledgeItem.objects.exists()


def test_authors_must_be_members_and_nothing_is_stored_otherwise(community, author):
    with pytest.raises(ValidationError) as error:
        make_item(community, author=author, authors=[AuthorSpec(user=author), AuthorSpec(user=UserFactory())])
    assert "authors" in error.value.message_dict
    assert not KnowledgeItem.objects.exists()


def test_links_must_be_web_addresses(community, author):
    with pytest.raises(ValidationError) as error:
        services.item_create(community=community, by=author, kind=K.ARTICLE, title="T", links=["javascript:alert(1)"])
    assert "links" in error.value.message_dict
    item = services.item_create(
        community=community,
        by=author,
        kind=K.VIDEO,
        title="T",
        links=[{"title": "Video", "url": "https://v.example/1"}],
    )
    assert item.links == [{"title": "Video", "url": "https://v.example/1"}]


def test_an_edit_writes_a_revision_with_what_changed_and_a_repeat_writes_none(community, author):
    item = make_item(community, author=author, body="one\ntwo")
    services.item_update(item=item, by=author, title="New title", body="one\nthree\nfour", themes=["energy"])
    revision = item.revisions.order_by("-number").first()
    assert revision.number == 2
    assert set(revision.changed_fields) == {"title", "body", "themes"}
    assert (revision.lines_added, revision.lines_removed) == (2, 1)
    services.item_update(item=item, by=author, title="New title", body="one\nthree\nfour", themes=["energy"])
    assert item.revisions.count() == 2


def test_only_editors_may_edit(community, author):
    item = make_item(community, author=author)
    with pytest.raises(PermissionDenied):
        services.item_update(item=item, by=make_member(community), title="Hijacked")
    item.refresh_from_db()
    assert item.title != "Hijacked"
    services.item_update(item=item, by=make_coordinator(community), title="Curated")
    item.refresh_from_db()
    assert item.title == "Curated"


def test_publishing_sets_the_date_once(community, author):
    item = make_item(community, author=author, published=False)
    assert item.published_at is None
    services.item_publish(item=item, by=author)
    item.refresh_from_db()
    first = item.published_at
    assert item.status == KnowledgeItem.Status.PUBLISHED and first is not None
    services.item_publish(item=item, by=author)
    item.refresh_from_db()
    assert item.published_at == first
    assert item.revisions.filter(action=Revision.Action.PUBLISHED).count() == 1


def test_restoring_a_revision_brings_back_its_content_as_a_new_revision(community, author):
    item = make_item(community, author=author, title="First", body="Original text", themes=["water"])
    first = item.revisions.get(number=1)
    services.item_update(item=item, by=author, title="Second", body="Rewritten", themes=["soil"])
    services.item_restore_revision(item=item, revision=first, by=author)
    item.refresh_from_db()
    assert (item.title, item.body) == ("First", "Original text")
    assert "Original text" in item.body_html
    assert list(item.themes.names()) == ["water"]
    latest = item.revisions.order_by("-number").first()
    assert (latest.number, latest.action, latest.restored_from) == (3, Revision.Action.RESTORED, 1)
    services.item_restore_revision(item=item, revision=first, by=author)
    assert item.revisions.count() == 3


def test_a_revision_of_another_item_cannot_be_restored(community, author):
    item, other = make_item(community, author=author), make_item(community, author=author, title="Other")
    with pytest.raises(ValidationError):
        services.item_restore_revision(item=item, revision=other.revisions.first(), by=author)


def test_the_search_vector_is_stored_in_the_items_language(community, author):
    require_service(connection.vendor == "postgresql", "PostgreSQL (full-text search)")
    item = make_item(community, author=author, title="Le scuole del territorio", language="it")
    item.refresh_from_db()
    assert "scuol" in str(item.search_vector)  # Italian stemming
    services.item_update(item=item, by=author, title="Children's schools", language="en")
    item.refresh_from_db()
    assert "school" in str(item.search_vector)


# ----------------------------------------------------------------------------- conversation


def test_a_comment_notifies_the_authors_once_but_not_the_commenter(
    community, author, django_capture_on_commit_callbacks
):
    co_author = make_member(community)
    item = make_item(community, author=author, authors=[AuthorSpec(user=author), AuthorSpec(user=co_author)])
    commenter = make_member(community)
    with django_capture_on_commit_callbacks(execute=True):
        comment = services.comment_create(by=commenter, item=item, body="Very useful, thank you.")
    assert sorted(m.to[0] for m in mail.outbox) == sorted([author.email, co_author.email])
    assert item.title in mail.outbox[0].subject
    tasks.notify_comment_created.delay(comment.pk)  # a retried task sends nothing again
    assert len(mail.outbox) == 2


def test_a_double_submitted_comment_is_stored_once(community, author):
    item = make_item(community, author=author)
    member = make_member(community)
    first = services.comment_create(by=member, item=item, body="Same words")
    second = services.comment_create(by=member, item=item, body="  Same words ")
    assert first.pk == second.pk
    assert Comment.objects.count() == 1


def test_only_members_who_see_the_item_comment(community, author):
    group = GroupFactory(community=community)
    make_member(community, user=author, group=group)
    item = make_item(community, author=author, visibility=V.GROUP, group=group)
    with pytest.raises(PermissionDenied):
        services.comment_create(by=UserFactory(), item=item, body="Hello")
    with pytest.raises(PermissionDenied):
        services.comment_create(by=make_member(community), item=item, body="Hello")
    with pytest.raises(ValidationError):
        services.comment_create(by=author, item=item, body="   ")
    assert not Comment.objects.exists()


def test_answers_go_to_questions_and_tell_the_asker(community, author, django_capture_on_commit_callbacks):
    question = make_item(community, author=author, kind=K.QUESTION, title="How do you run a patto educativo?")
    helper = make_member(community)
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_create(item=question, by=helper, body="We start from the school council.")
    assert [m.to[0] for m in mail.outbox] == [author.email]
    lesson = make_item(community, author=author)
    with pytest.raises(ValidationError):
        services.answer_create(item=lesson, by=helper, body="Not a question")


def test_the_asker_accepts_one_answer_and_its_author_hears_once(community, author, django_capture_on_commit_callbacks):
    question = make_item(community, author=author, kind=K.QUESTION)
    first = services.answer_create(item=question, by=make_member(community), body="One")
    second = services.answer_create(item=question, by=make_member(community), body="Two")
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        services.answer_accept(answer=first, by=author)
        services.answer_accept(answer=first, by=author)
    assert [m.to[0] for m in mail.outbox] == [first.author.email]
    services.answer_accept(answer=second, by=author)
    assert list(Answer.objects.filter(is_accepted=True).values_list("pk", flat=True)) == [second.pk]


def test_a_facilitator_may_accept_but_another_member_may_not(community, author):
    question = make_item(community, author=author, kind=K.QUESTION)
    answer = services.answer_create(item=question, by=make_member(community), body="One")
    with pytest.raises(PermissionDenied):
        services.answer_accept(answer=answer, by=make_member(community))
    facilitator = make_member(community, role=Membership.Role.FACILITATOR)
    services.answer_accept(answer=answer, by=facilitator)
    answer.refresh_from_db()
    assert answer.is_accepted and answer.accepted_by == facilitator


def test_following_is_idempotent_and_limited_to_what_one_sees(community, author):
    item = make_item(community, author=author)
    member = make_member(community)
    services.follow(user=member, item=item)
    services.follow(user=member, item=item)
    assert Follow.objects.filter(user=member, item=item).count() == 1
    group = GroupFactory(community=community)
    services.follow(user=member, group=group)
    from taggit.models import Tag

    theme = Tag.objects.create(name="biodiversity", slug="biodiversity")
    services.follow(user=member, theme=theme)
    assert Follow.objects.filter(user=member).count() == 3
    assert services.unfollow(user=member, item=item) is True
    assert services.unfollow(user=member, item=item) is False
    with pytest.raises(PermissionDenied):
        services.follow(user=UserFactory(), item=item)


# ----------------------------------------------------------------------------- collections


def test_collections_are_started_by_coordinators_and_facilitators(community, author):
    with pytest.raises(PermissionDenied):
        services.collection_create(community=community, by=author, title="Quaderno")
    facilitator = make_member(community, role=Membership.Role.FACILITATOR)
    collection = services.collection_create(
        community=community, by=facilitator, title="Quaderno dell'osservatorio", introduction="*Intro*"
    )
    assert collection.editor == facilitator
    assert "<em>Intro</em>" in collection.introduction_html


def test_collection_items_are_ordered_added_once_and_moved(community, author):
    editor = make_coordinator(community)
    collection = services.collection_create(community=community, by=editor, title="Tools and strategies")
    a, b, c = (make_item(community, author=author, title=t) for t in "ABC")
    for item in (a, b, c, a):
        services.collection_add_item(collection=collection, item=item, by=editor)

    def order():
        return [e.item.title for e in CollectionEntry.objects.filter(collection=collection).order_by("order")]

    assert order() == ["A", "B", "C"]
    services.collection_move_item(collection=collection, item=c, by=editor, direction="up")
    assert order() == ["A", "C", "B"]
    services.collection_set_order(collection=collection, by=editor, item_ids=[b.pk, a.pk])
    assert order() == ["B", "A", "C"]
    services.collection_remove_item(collection=collection, item=a, by=editor)
    assert order() == ["B", "C"]
    assert list(CollectionEntry.objects.order_by("order").values_list("order", flat=True)) == [1, 2]


def test_only_the_editor_or_coordinators_change_a_collection_and_only_with_its_communitys_items(community, author):
    editor = make_coordinator(community)
    collection = services.collection_create(community=community, by=editor, title="Quaderno")
    elsewhere = make_item(CommunityFactory(), title="Elsewhere")
    with pytest.raises(ValidationError):
        services.collection_add_item(collection=collection, item=elsewhere, by=editor)
    with pytest.raises(PermissionDenied):
        services.collection_add_item(collection=collection, item=make_item(community, author=author), by=author)
    assert not CollectionEntry.objects.exists()
    services.collection_update(
        collection=collection, by=editor, title="Quaderno 2021", introduction="", visibility="public"
    )
    collection.refresh_from_db()
    assert (collection.title, collection.visibility) == ("Quaderno 2021", Collection.Visibility.PUBLIC)


# ----------------------------------------------------------------------------- peer review


def test_a_review_round_asks_chosen_members_and_whole_organisations_but_not_the_authors(
    community, author, django_capture_on_commit_callbacks
):
    city = OrganizationFactory(name="Comune di Padova")
    chosen = make_member(community)
    from_city = [make_member(community, user=UserFactory(organization=city)) for _ in range(2)]
    author.organization = city
    author.save()
    make_member(CommunityFactory(), user=UserFactory(organization=city))  # not a member here: not asked
    item = make_item(community, author=author, title="Sustainable energy and climate action plan")
    with django_capture_on_commit_callbacks(execute=True):
        review_round = services.review_round_request(
            item=item,
            by=author,
            reviewers=[chosen],
            organizations=[city],
            due_date=timezone.localdate() + timedelta(days=10),
        )
    assert set(review_round.reviewers.all()) == {chosen, *from_city}
    assert sorted(m.to[0] for m in mail.outbox) == sorted(u.email for u in [chosen, *from_city])


def test_review_requests_are_checked(community, author):
    item = make_item(community, author=author)
    reviewer = make_member(community)
    tomorrow = timezone.localdate() + timedelta(days=1)
    with pytest.raises(PermissionDenied):
        services.review_round_request(item=item, by=reviewer, reviewers=[author], due_date=tomorrow)
    with pytest.raises(ValidationError) as error:
        services.review_round_request(
            item=item, by=author, reviewers=[reviewer], due_date=timezone.localdate() - timedelta(days=1)
        )
    assert "due_date" in error.value.message_dict
    with pytest.raises(ValidationError):
        services.review_round_request(item=item, by=author, reviewers=[UserFactory()], due_date=tomorrow)
    with pytest.raises(ValidationError):
        services.review_round_request(item=item, by=author, reviewers=[author], due_date=tomorrow)
    assert not ReviewRound.objects.exists()
    services.review_round_request(item=item, by=author, reviewers=[reviewer], due_date=tomorrow)
    with pytest.raises(ValidationError):
        services.review_round_request(item=item, by=author, reviewers=[reviewer], due_date=tomorrow)
    assert ReviewRound.objects.count() == 1


def _review(review_round, reviewer, opinion=Review.Opinion.MINOR):
    return services.review_submit(
        review_round=review_round,
        by=reviewer,
        strengths="Clear baseline emission inventory.",
        weaknesses="Monitoring indicators are vague.",
        recommendations="Add yearly targets per sector.",
        opinion=opinion,
    )


def test_the_round_completes_when_every_reviewer_answered_and_the_authors_hear_once(
    community, author, django_capture_on_commit_callbacks
):
    first, second = make_member(community), make_member(community)
    item = make_item(community, author=author)
    review_round = make_round(item, author=author, reviewers=[first, second])
    with pytest.raises(PermissionDenied):
        _review(review_round, make_member(community))
    mail.outbox.clear()
    with django_capture_on_commit_callbacks(execute=True):
        _review(review_round, first)
        _review(review_round, first, opinion=Review.Opinion.MAJOR)  # an update, still one review
        review_round.refresh_from_db()
        assert review_round.state == ReviewRound.State.OPEN
        _review(review_round, second)
    review_round.refresh_from_db()
    assert review_round.state == ReviewRound.State.COMPLETED
    assert Review.objects.filter(round=review_round).count() == 2
    assert [m.to[0] for m in mail.outbox] == [author.email]
    with pytest.raises(ValidationError):
        _review(review_round, first)


def test_incomplete_rounds_need_a_review_to_complete_and_may_be_cancelled(community, author):
    reviewer = make_member(community)
    review_round = make_round(make_item(community, author=author), author=author, reviewers=[reviewer])
    with pytest.raises(ValidationError):
        services.review_round_complete(review_round=review_round, by=author)
    with pytest.raises(PermissionDenied):
        services.review_round_cancel(review_round=review_round, by=reviewer)
    services.review_round_cancel(review_round=review_round, by=author)
    review_round.refresh_from_db()
    assert review_round.state == ReviewRound.State.CANCELLED


def test_authors_respond_once_there_is_a_review(community, author):
    reviewer = make_member(community)
    review_round = make_round(make_item(community, author=author), author=author, reviewers=[reviewer])
    with pytest.raises(ValidationError):
        services.review_respond(review_round=review_round, by=author, response="Thanks")
    _review(review_round, reviewer)
    with pytest.raises(PermissionDenied):
        services.review_respond(review_round=review_round, by=reviewer, response="Thanks")
    services.review_respond(review_round=review_round, by=author, response="We added yearly targets.")
    review_round.refresh_from_db()
    assert review_round.author_response == "We added yearly targets."
    assert review_round.responded_by == author


def test_reviews_are_read_only_by_authors_reviewers_and_coordinators(community, author):
    reviewer = make_member(community)
    review_round = make_round(make_item(community, author=author), author=author, reviewers=[reviewer])
    _review(review_round, reviewer)

    def sees(user):
        return Review.objects.visible_to(user).exists()

    assert sees(author) and sees(reviewer) and sees(make_coordinator(community))
    assert not sees(make_member(community))
    assert not sees(UserFactory())
    # The round itself (state, due date) is visible to whoever sees the item.
    assert ReviewRound.objects.visible_to(make_member(community)).exists()


def test_removing_an_author_keeps_the_remaining_authors_in_order(community, author):
    second, third = make_member(community), make_member(community)
    item = make_item(
        community, author=author, authors=[AuthorSpec(user=author), AuthorSpec(user=second), AuthorSpec(user=third)]
    )
    services.item_update(item=item, by=author, authors=[AuthorSpec(user=third), AuthorSpec(user=author)])
    assert list(ItemAuthor.objects.filter(item=item).order_by("order").values_list("user", flat=True)) == [
        third.pk,
        author.pk,
    ]
    assert item.revisions.order_by("-number").first().changed_fields == ["authors"]
