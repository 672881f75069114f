"""Who sees and who edits which knowledge items (querysets.visible_to / editable_by)."""

import pytest
from django.contrib.auth.models import AnonymousUser
from guardian.models import UserObjectPermission

from communities.models import Community
from knowledge.models import KnowledgeItem
from knowledge.services import AuthorSpec, item_update
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member

from .helpers import make_coordinator, make_item, make_round

V = KnowledgeItem.Visibility
pytestmark = pytest.mark.django_db


def visible(user, community=None):
    items = KnowledgeItem.objects.visible_to(user)
    if community is not None:
        items = items.filter(community=community)
    return set(items.values_list("title", flat=True))


@pytest.fixture
def setting():
    community = CommunityFactory()
    group = GroupFactory(community=community)
    author = make_member(community)
    group_member = make_member(community)
    make_member(community, user=group_member, group=group)
    make_item(community, author=author, title="public", visibility=V.PUBLIC)
    make_item(community, author=author, title="community", visibility=V.COMMUNITY)
    make_item(community, author=author, title="group", visibility=V.GROUP, group=group)
    draft = make_item(community, author=author, title="draft", visibility=V.PUBLIC, published=False)
    return {"community": community, "group": group, "author": author, "group_member": group_member, "draft": draft}


def test_anonymous_visitors_see_only_published_public_items(setting):
    assert visible(AnonymousUser()) == {"public"}


def test_people_outside_the_community_see_only_public_items(setting):
    assert visible(UserFactory()) == {"public"}


def test_members_see_community_items_but_not_group_items_or_others_drafts(setting):
    member = make_member(setting["community"])
    assert visible(member) == {"public", "community"}


def test_group_members_see_the_group_items(setting):
    assert visible(setting["group_member"]) == {"public", "community", "group"}


def test_a_group_member_who_left_the_community_no_longer_sees_group_items(setting):
    from communities.models import Membership

    Membership.objects.filter(user=setting["group_member"], group__isnull=True).update(status=Membership.Status.LEFT)
    assert "group" not in visible(setting["group_member"])


def test_coordinators_see_everything_of_their_community_including_drafts(setting):
    coordinator = make_coordinator(setting["community"])
    assert visible(coordinator) == {"public", "community", "group", "draft"}


def test_authors_see_their_drafts(setting):
    assert "draft" in visible(setting["author"])


def test_members_only_community_shows_nothing_even_public_items_to_outsiders():
    community = CommunityFactory(visibility=Community.Visibility.MEMBERS)
    make_item(community, title="public of members-only", visibility=V.PUBLIC)
    assert visible(AnonymousUser()) == set()
    assert visible(UserFactory()) == set()
    assert visible(make_member(community)) == {"public of members-only"}


def test_hidden_community_items_reach_only_members():
    community = CommunityFactory(visibility=Community.Visibility.HIDDEN)
    make_item(community, title="hidden public", visibility=V.PUBLIC)
    assert visible(UserFactory()) == set()
    assert visible(make_member(CommunityFactory())) == set()


def test_reviewers_see_the_draft_they_were_asked_to_review(setting):
    reviewer = make_member(setting["community"])
    assert "draft" not in visible(reviewer)
    make_round(setting["draft"], author=setting["author"], reviewers=[reviewer])
    assert "draft" in visible(reviewer)


def test_co_authors_see_drafts_and_edit_through_a_per_item_grant(setting):
    community = setting["community"]
    co_author = make_member(community)
    other_draft = make_item(community, author=setting["author"], title="other draft", published=False)
    assert not KnowledgeItem.objects.editable_by(co_author).exists()
    item_update(
        item=setting["draft"],
        by=setting["author"],
        authors=[AuthorSpec(user=setting["author"]), AuthorSpec(user=co_author)],
    )
    assert set(KnowledgeItem.objects.editable_by(co_author).values_list("title", flat=True)) == {"draft"}
    assert "draft" in visible(co_author)
    assert "other draft" not in visible(co_author)
    assert co_author.has_perm("knowledge.change_knowledgeitem", setting["draft"])
    assert not co_author.has_perm("knowledge.change_knowledgeitem", other_draft)
    # One grant on one item; never a global permission.
    assert UserObjectPermission.objects.filter(user=co_author).count() == 1
    assert not co_author.user_permissions.exists()


def test_removing_a_co_author_removes_their_edit_right(setting):
    co_author = make_member(setting["community"])
    both = [AuthorSpec(user=setting["author"]), AuthorSpec(user=co_author)]
    item = KnowledgeItem.objects.get(title="community")
    item_update(item=item, by=setting["author"], authors=both)
    assert KnowledgeItem.objects.editable_by(co_author).filter(pk=item.pk).exists()
    item_update(item=item, by=setting["author"], authors=[AuthorSpec(user=setting["author"])])
    assert not KnowledgeItem.objects.editable_by(co_author).filter(pk=item.pk).exists()
    assert not UserObjectPermission.objects.filter(user=co_author).exists()


def test_coordinators_edit_every_item_of_their_community_only(setting):
    coordinator = make_coordinator(setting["community"])
    elsewhere = make_item(CommunityFactory(), title="elsewhere")
    editable = set(KnowledgeItem.objects.editable_by(coordinator).values_list("title", flat=True))
    assert editable == {"public", "community", "group", "draft"}
    assert elsewhere.title not in editable


def test_plain_members_and_anonymous_edit_nothing(setting):
    assert not KnowledgeItem.objects.editable_by(make_member(setting["community"])).exists()
    assert not KnowledgeItem.objects.editable_by(AnonymousUser()).exists()
