"""Access ends with the membership: every read and write a past member tries is refused, nothing changes.

Each test reproduces one leak of issue #11 through HTTP requests, as the person would try it:
the page or form was open before they left (or were removed), and they submit it afterwards.
"""

from __future__ import annotations

import pytest
from django.urls import reverse
from guardian.shortcuts import assign_perm

from communities import services as community_services
from communities.models import Community, Membership, MembershipEvent
from knowledge import services
from knowledge.models import Collection, ItemFile, KnowledgeItem, Review, ReviewRound
from knowledge.services import AuthorSpec
from meetings.models import Meeting
from meetings.services import calendar_feed_token_create, meeting_add_coorganiser
from tests.factories import CommunityFactory, GroupFactory, make_member
from tests.knowledge.helpers import PDF, make_coordinator, make_item, make_round, upload
from tests.knowledge.test_views import item_form_data, url
from tests.meetings.factories import MeetingFactory

V = KnowledgeItem.Visibility


@pytest.fixture
def community(db):
    return CommunityFactory(slug="rebuild", name="REBUILD", visibility=Community.Visibility.MEMBERS)


@pytest.fixture(autouse=True)
def private_files(settings, tmp_path):
    settings.KNOWLEDGE_FILES_ROOT = tmp_path / "private"


def leave(user, community):
    community_services.membership_leave(user=user, community=community)


def remove(user, community, by):
    membership = Membership.objects.get(user=user, community=community, group__isnull=True)
    community_services.membership_remove(membership=membership, by=by, reason="Moved on")


# ----------------------------------------------------------------------------- knowledge items


def test_a_co_author_who_left_cannot_read_edit_publish_or_make_public_a_community_item(client, community):
    author, co_author = make_member(community), make_member(community)
    item = make_item(
        community,
        author=author,
        authors=[AuthorSpec(user=author), AuthorSpec(user=co_author)],
        published=False,
        title="Draft plan",
    )
    client.force_login(co_author)
    assert client.get(url("item_edit", community, item.pk)).status_code == 200  # the form is open
    leave(co_author, community)

    assert client.get(url("item", community, item.pk)).status_code == 404
    response = client.post(
        url("item_edit", community, item.pk), item_form_data(members=[co_author], title="Hijacked", visibility=V.PUBLIC)
    )
    assert response.status_code in (302, 403, 404)
    client.post(url("item_publish", community, item.pk), {"action": "publish"})
    item.refresh_from_db()
    assert (item.title, item.visibility, item.status) == ("Draft plan", V.COMMUNITY, KnowledgeItem.Status.DRAFT)
    # Authorship credit stays; the edit grant is gone and the change is on record.
    assert item.authorships.filter(user=co_author).exists()
    event = MembershipEvent.objects.get(membership__user=co_author, action=MembershipEvent.Action.ROLES_ENDED)
    assert "Co-author edit rights on 1 item revoked." in event.reason


def test_the_creator_who_left_cannot_edit_their_community_item(client, community):
    author = make_member(community)
    item = make_item(community, author=author, title="Field notes")
    client.force_login(author)
    leave(author, community)
    client.post(url("item_edit", community, item.pk), item_form_data(members=[author], visibility=V.PUBLIC))
    item.refresh_from_db()
    assert (item.title, item.visibility) == ("Field notes", V.COMMUNITY)
    assert client.get(url("item", community, item.pk)).status_code == 404


def test_a_co_author_grant_left_behind_counts_for_nothing_once_the_membership_ended(client, community):
    """Even a grant nobody revoked (made outside the services) opens nothing to a past member."""
    author, co_author = make_member(community), make_member(community)
    item = make_item(community, author=author, title="Budget")
    leave(co_author, community)
    assign_perm("knowledge.change_knowledgeitem", co_author, item)
    client.force_login(co_author)
    client.post(url("item_edit", community, item.pk), item_form_data(members=[co_author], title="Hijacked"))
    item.refresh_from_db()
    assert item.title == "Budget"


# ----------------------------------------------------------------------------- review rounds


def test_a_removed_reviewer_cannot_read_the_item_download_its_files_or_submit_a_review(client, community):
    author, reviewer, coordinator = make_member(community), make_member(community), make_coordinator(community)
    item = make_item(community, author=author, published=False, title="Energy plan")
    attached = services.file_attach(item=item, by=author, upload=upload("plan.pdf", PDF))
    review_round = make_round(item, reviewers=[reviewer])
    client.force_login(reviewer)
    assert client.get(url("review_round", community, review_round.pk)).status_code == 200
    assert client.get(reverse("knowledge:file_download", args=[community.slug, attached.uuid])).status_code == 200
    remove(reviewer, community, coordinator)

    assert client.get(url("item", community, item.pk)).status_code == 404
    assert client.get(url("review_round", community, review_round.pk)).status_code == 404
    assert client.get(reverse("knowledge:file_download", args=[community.slug, attached.uuid])).status_code == 404
    client.post(
        url("review_submit", community, review_round.pk),
        {"strengths": "x", "weaknesses": "y", "recommendations": "z", "opinion": "minor"},
    )
    assert not Review.objects.filter(round=review_round).exists()
    review_round.refresh_from_db()
    assert review_round.state == ReviewRound.State.OPEN
    assert not review_round.reviewers.filter(pk=reviewer.pk).exists()  # taken off the open round
    assert ItemFile.objects.filter(pk=attached.pk).exists()


# ----------------------------------------------------------------------------- collections


def test_a_removed_collection_editor_cannot_edit_or_delete_the_collection(client, community):
    coordinator = make_coordinator(community)
    editor = make_member(community, role=Membership.Role.FACILITATOR)
    collection = services.collection_create(
        community=community, by=coordinator, title="Quaderno 2021", introduction="Intro", editor=editor
    )
    client.force_login(editor)
    assert client.get(url("collection_edit", community, collection.pk)).status_code == 200
    remove(editor, community, coordinator)

    client.post(
        url("collection_edit", community, collection.pk),
        {"title": "Hijacked", "introduction": "x", "visibility": Collection.Visibility.PUBLIC},
    )
    client.post(url("collection_delete", community, collection.pk))
    collection.refresh_from_db()
    assert collection.title == "Quaderno 2021"
    assert collection.editor is None


# ----------------------------------------------------------------------------- groups and meetings


def test_a_facilitator_who_left_cannot_manage_the_groups_memberships_or_meetings(client, community):
    group = GroupFactory(community=community, slug="tech", name="Technical staff")
    facilitator = make_member(community)
    make_member(community, user=facilitator, group=group, role=Membership.Role.FACILITATOR)
    someone = make_member(community)
    make_member(community, user=someone, group=group)
    meeting = MeetingFactory(community=community, group=group, title="Group call", created_by=None)
    client.force_login(facilitator)
    assert client.get(reverse("communities:manage", args=[community.slug])).status_code == 200
    leave(facilitator, community)

    target = Membership.objects.get(user=someone, group=group)
    client.post(reverse("communities:manage_remove", args=[community.slug, target.pk]), {"reason": "x"})
    target.refresh_from_db()
    assert target.status == Membership.Status.ACTIVE
    response = client.post(reverse("meetings:cancel", args=[community.slug, meeting.pk]))
    assert response.status_code in (302, 403, 404)
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED
    assert client.get(reverse("meetings:registrations", args=[community.slug, meeting.pk])).status_code == 404


def test_a_co_organiser_who_left_cannot_manage_the_meeting(client, community):
    coordinator, helper = make_coordinator(community), make_member(community)
    meeting = MeetingFactory(community=community, title="Plenary", created_by=coordinator)
    meeting_add_coorganiser(meeting=meeting, user=helper, by=coordinator)
    client.force_login(helper)
    assert client.get(reverse("meetings:registrations", args=[community.slug, meeting.pk])).status_code == 200
    leave(helper, community)

    assert client.get(reverse("meetings:registrations", args=[community.slug, meeting.pk])).status_code == 404
    client.post(reverse("meetings:cancel", args=[community.slug, meeting.pk]))
    meeting.refresh_from_db()
    assert meeting.status == Meeting.Status.SCHEDULED
    event = MembershipEvent.objects.get(membership__user=helper, action=MembershipEvent.Action.ROLES_ENDED)
    assert "Co-organiser rights on 1 meeting revoked." in event.reason


# ----------------------------------------------------------------------------- feeds, search, header


def test_a_left_members_feed_search_and_menus_no_longer_show_the_community(client, community):
    member = make_member(community)
    MeetingFactory(community=community, title="Members strategy call", visibility=Meeting.Visibility.MEMBERS)
    make_item(community, title="Members lessons from Misrata")
    token = calendar_feed_token_create(user=member)
    feed = reverse("calendar_feeds:personal", kwargs={"token": token})
    client.force_login(member)
    assert "Members strategy call" in client.get(feed).content.decode()
    assert "Members lessons" in client.get(reverse("search:index"), {"q": "Misrata"}).content.decode()
    assert "You have not joined a community yet." not in client.get(reverse("directory")).content.decode()
    leave(member, community)

    assert "Members strategy call" not in client.get(feed).content.decode()
    assert "Members lessons" not in client.get(reverse("search:index"), {"q": "Misrata"}).content.decode()
    assert "You have not joined a community yet." in client.get(reverse("directory")).content.decode()
