"""Groups as workspaces: the group page's blocks, join state, visitors' view, follow/mute, and group visibility."""

from datetime import date, timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse
from django.utils import timezone

from communities import permissions
from communities.models import Community, Group, Membership
from communities.services import MembershipError, membership_join, membership_request
from discussions import services as discussion_services
from discussions.models import Subscription, Thread
from knowledge.models import Follow, KnowledgeItem
from meetings.models import ActionItem, Meeting, MeetingOutcome
from members.models import NotificationPreference, Organization
from tests.factories import CommunityFactory, GroupFactory, OrganizationFactory, UserFactory, make_member
from tests.knowledge.helpers import make_item
from tests.meetings.factories import MeetingFactory


def _group_url(group):
    return reverse("communities:group", kwargs={"community_slug": group.community.slug, "group_slug": group.slug})


def _follow_url(group):
    return reverse(
        "notifications:group_follow", kwargs={"community_slug": group.community.slug, "group_slug": group.slug}
    )


@pytest.fixture
def world(db):
    """A public community with a coordinator, a group member (also a facilitator) and a plain member outside it."""
    community = CommunityFactory(slug="rebuild", name="REBUILD", visibility=Community.Visibility.PUBLIC)
    coordinator = make_member(community, UserFactory(full_name="Cora Coordinator"), role=Membership.Role.COORDINATOR)
    group = GroupFactory(
        community=community,
        slug="team-2",
        name="Team 2",
        description="The coordination team of the second call.",
        join_policy=Community.JoinPolicy.APPROVAL,
    )
    insider = make_member(community, UserFactory(full_name="Ines Insider"))
    make_member(community, insider, group=group)
    facilitator = make_member(community, UserFactory(full_name="Fabio Facilitator"))
    make_member(community, facilitator, group=group, role=Membership.Role.FACILITATOR)
    outsider = make_member(community, UserFactory(full_name="Olga Other"))
    return {
        "community": community,
        "group": group,
        "coordinator": coordinator,
        "insider": insider,
        "facilitator": facilitator,
        "outsider": outsider,
    }


def _fill(world, *, count: int):
    """Give the group count upcoming meetings, past meetings with minutes and open actions, items and threads."""
    community, group, insider = world["community"], world["group"], world["insider"]
    now = timezone.now().replace(microsecond=0)
    for n in range(count):
        MeetingFactory(community=community, group=group, title=f"Next {n}", start=now + timedelta(days=n + 1))
        past = MeetingFactory(
            community=community,
            group=group,
            title=f"Held {n}",
            start=now - timedelta(days=n + 2),
            status=Meeting.Status.HELD,
        )
        MeetingOutcome.objects.create(meeting=past, minutes=f"Minutes {n}")
        ActionItem.objects.create(
            meeting=past, description=f"Action {n}", owner=insider, due_date=date(2030, 1, 1) + timedelta(days=n)
        )
        make_item(community, author=insider, group=group, title=f"Item {n}")
        discussion_services.thread_start(
            community=community, by=insider, title=f"Thread {n}", body="Hello", group=group
        )


# --- The group page shows what the group does -------------------------------------------------------


def test_group_page_shows_meetings_minutes_actions_knowledge_discussions_and_people(client, world):
    community, group, insider = world["community"], world["group"], world["insider"]
    now = timezone.now().replace(microsecond=0)
    MeetingFactory(community=community, group=group, title="Steering committee", start=now + timedelta(days=3))
    held = MeetingFactory(
        community=community, group=group, title="Kick-off", start=now - timedelta(days=10), status=Meeting.Status.HELD
    )
    MeetingOutcome.objects.create(meeting=held, minutes="We agreed.")
    ActionItem.objects.create(meeting=held, description="Draft the work plan", owner=insider, due_date=date(2030, 3, 1))
    ActionItem.objects.create(
        meeting=held, description="Book the venue", owner_name="Comune", status=ActionItem.Status.DONE
    )
    MeetingFactory(community=community, title="Another group's webinar", start=now + timedelta(days=2))
    make_item(community, author=insider, group=group, title="Lessons of the pilot")
    discussion_services.thread_start(community=community, by=insider, title="Agenda ideas", body="Hi", group=group)
    hidden = make_member(community, UserFactory(full_name="Hugo Hidden", listed_in_directory=False))
    make_member(community, hidden, group=group)

    client.force_login(insider)
    html = client.get(_group_url(group)).content.decode()

    assert "Steering committee" in html and "Another group&#x27;s webinar" not in html
    assert "Kick-off" in html and f"{held.get_absolute_url()}#minutes-heading" in html
    assert "Draft the work plan" in html and "Ines Insider" in html and "Book the venue" not in html
    assert "Lessons of the pilot" in html
    assert "Agenda ideas" in html
    assert "Fabio Facilitator" in html and "Hugo Hidden" not in html
    slug = group.slug
    assert f"/c/{community.slug}/meetings/?group={slug}" in html
    assert f"/c/{community.slug}/meetings/?when=past&amp;group={slug}" in html
    assert f"/c/{community.slug}/knowledge/?group={slug}" in html
    assert f"/c/{community.slug}/discussions/?group={slug}" in html


def test_group_page_blocks_are_limited_to_five(client, world):
    _fill(world, count=7)
    client.force_login(world["insider"])
    html = client.get(_group_url(world["group"])).content.decode()
    assert "Next 4" in html and "Next 5" not in html
    assert "Held 4" in html and "Held 5" not in html
    assert "Action 4" in html and "Action 5" not in html
    assert "Item 6" in html and "Item 1" not in html  # newest first


@pytest.mark.parametrize("viewer", ["insider", "coordinator", "anonymous"])
def test_group_page_queries_do_not_grow_with_its_content(client, world, viewer, django_assert_max_num_queries):
    if viewer != "anonymous":
        client.force_login(world[viewer])
    url = _group_url(world["group"])
    _fill(world, count=2)
    client.get(url)  # warm the caches (content types, sessions)
    with CaptureQueriesContext(connection) as few:
        assert client.get(url).status_code == 200
    _fill(world, count=6)
    for _n in range(6):
        make_member(world["community"], group=world["group"])
    with django_assert_max_num_queries(len(few.captured_queries)):
        assert client.get(url).status_code == 200
    assert len(few.captured_queries) <= 40


# --- Join state: managers, reasons, archived groups ---------------------------------------------------


def test_coordinator_is_offered_manage_not_ask_to_join(client, world):
    community, group = world["community"], world["group"]
    client.force_login(world["coordinator"])
    manage = f"/c/{community.slug}/manage/?group={group.slug}"
    page = client.get(_group_url(group)).content.decode()
    assert "You manage this group" in page and manage in page
    assert "Ask to join" not in page
    home = client.get(community.get_absolute_url()).content.decode()
    assert manage in home
    assert reverse("communities:group_join", args=[community.slug, group.slug]) not in home


def test_a_plain_member_is_still_offered_ask_to_join(client, world):
    client.force_login(world["outsider"])
    page = client.get(_group_url(world["group"])).content.decode()
    assert "Ask to join" in page and "You manage this group" not in page


def test_people_who_may_not_join_see_why(client, world):
    community = world["community"]
    reserved = GroupFactory(
        community=community,
        slug="mayors",
        name="Mayors",
        eligible_organization_kinds=[Organization.Kind.MUNICIPALITY],
    )
    invited = GroupFactory(community=community, slug="board", name="Board", join_policy=Community.JoinPolicy.INVITATION)
    ngo = make_member(community, UserFactory(organization=OrganizationFactory(kind=Organization.Kind.NGO)))
    client.force_login(ngo)
    page = client.get(_group_url(reserved)).content.decode()
    assert "is reserved to people from these kinds of organisation" in page and "Municipality" in page
    assert "Join<span" not in page
    page = client.get(_group_url(invited)).content.decode()
    assert "Only people the coordinators invite can join." in page and "Ask to join" not in page


def test_archived_group_shows_archived_and_no_join_control_and_refuses_joining(client, world):
    community, outsider = world["community"], world["outsider"]
    archived = GroupFactory(community=community, slug="old", name="Old team", archived_at=timezone.now())
    asking = GroupFactory(
        community=community,
        slug="old-2",
        name="Old team 2",
        archived_at=timezone.now(),
        join_policy=Community.JoinPolicy.APPROVAL,
    )
    client.force_login(outsider)
    page = client.get(_group_url(archived)).content.decode()
    assert "Archived" in page and "nobody joins it any more" in page
    assert reverse("communities:group_join", args=[community.slug, archived.slug]) not in page
    home = client.get(community.get_absolute_url()).content.decode()
    assert reverse("communities:group_join", args=[community.slug, archived.slug]) not in home
    with pytest.raises(MembershipError) as error:
        membership_join(user=outsider, community=community, group=archived)
    assert error.value.code == "archived"
    with pytest.raises(MembershipError):
        membership_request(user=outsider, community=community, group=asking)
    client.post(reverse("communities:group_join", args=[community.slug, archived.slug]))
    assert not Membership.objects.filter(user=outsider, group=archived).exists()


# --- Visitors see which groups are open and which reserved -------------------------------------------


def test_visitor_sees_open_and_reserved_groups_with_description_and_member_count(client, world):
    community = world["community"]
    GroupFactory(
        community=community,
        slug="open-cop",
        name="Open CoP",
        kind=Group.Kind.THEMATIC,
        description="Everyone talks about schools.",
    )
    GroupFactory(
        community=community,
        slug="reserved-cop",
        name="Reserved CoP",
        kind=Group.Kind.THEMATIC,
        eligible_organization_kinds=[Organization.Kind.MUNICIPALITY],
    )
    GroupFactory(community=community, slug="secret", name="Secret cell", visibility=Group.Visibility.PRIVATE)
    GroupFactory(community=community, slug="inner", name="Inner circle", visibility=Group.Visibility.MEMBERS)
    html = client.get(community.get_absolute_url()).content.decode()
    assert "Open CoP" in html and "Everyone talks about schools." in html and "Open</span>" in html
    assert "Reserved CoP" in html and "Reserved to people from: Municipality" in html
    assert "The coordination team of the second call." in html and "2 members" in html  # Team 2
    assert "On request" in html
    assert "Secret cell" not in html and "Inner circle" not in html


# --- Follow and mute a group ----------------------------------------------------------------------


def test_member_follows_then_mutes_then_clears_a_group(client, world):
    community, group, insider = world["community"], world["group"], world["insider"]
    client.force_login(insider)
    assert "You do not follow this group." in client.get(_group_url(group)).content.decode()

    for _twice in range(2):
        response = client.post(_follow_url(group), {"level": "follow"})
        assert response.status_code == 302 and response.url == _group_url(group)
    assert Subscription.objects.get(user=insider, group=group).level == "follow"
    assert Follow.objects.filter(user=insider, group=group).count() == 1
    assert "You follow this group" in client.get(_group_url(group)).content.decode()

    client.post(_follow_url(group), {"level": "mute"})
    client.post(_follow_url(group), {"level": "mute"})
    assert Subscription.objects.get(user=insider, group=group).level == "mute"
    assert not Follow.objects.filter(user=insider, group=group).exists()
    assert NotificationPreference.objects.get(user=insider).muted_groups == [group.pk]
    assert "You muted this group" in client.get(_group_url(group)).content.decode()

    client.post(_follow_url(group), {"level": "clear"})
    assert not Subscription.objects.filter(user=insider, group=group).exists()
    assert NotificationPreference.objects.get(user=insider).muted_groups == []
    assert "You do not follow this group." in client.get(_group_url(group)).content.decode()
    assert community.pk  # the community itself is untouched


def test_follow_refuses_a_bad_level_and_non_members(client, world):
    group = world["group"]
    client.force_login(world["insider"])
    client.post(_follow_url(group), {"level": "shout"})
    assert not Subscription.objects.filter(group=group).exists()
    stranger = UserFactory()
    client.force_login(stranger)
    assert client.post(_follow_url(group), {"level": "follow"}).status_code == 404
    assert "You do not follow this group." not in client.get(_group_url(group)).content.decode()
    client.logout()
    assert client.post(_follow_url(group), {"level": "follow"}).status_code == 302
    assert not Subscription.objects.filter(group=group).exists()


# --- Group visibility: private groups and their content ----------------------------------------------


@pytest.fixture
def private(world):
    """A private group of world's community with a meeting, a public item and a thread of its own."""
    community, insider = world["community"], world["insider"]
    group = GroupFactory(community=community, slug="cabinet", name="Cabinet", visibility=Group.Visibility.PRIVATE)
    make_member(community, insider, group=group)
    meeting = MeetingFactory(community=community, group=group, title="Cabinet meeting")
    item = make_item(
        community, author=insider, group=group, title="Cabinet notes", visibility=KnowledgeItem.Visibility.PUBLIC
    )
    thread = discussion_services.thread_start(
        community=community, by=insider, title="Cabinet chat", body="Between us", group=group
    )
    return {"group": group, "meeting": meeting, "item": item, "thread": thread}


def test_private_group_and_its_content_are_404_for_a_non_member(client, world, private):
    client.force_login(world["outsider"])
    for obj in (private["group"], private["meeting"], private["item"], private["thread"]):
        url = _group_url(obj) if isinstance(obj, Group) else obj.get_absolute_url()
        assert client.get(url).status_code == 404, url
    community = world["community"]
    for listing in ("meetings:list", "knowledge:list", "discussions:list"):
        html = client.get(reverse(listing, args=[community.slug])).content.decode()
        assert "Cabinet" not in html, listing
    assert "Cabinet" not in client.get(community.get_absolute_url()).content.decode()


@pytest.mark.parametrize("viewer", ["insider", "coordinator"])
def test_private_group_and_its_content_are_visible_to_its_member_and_the_coordinator(client, world, private, viewer):
    client.force_login(world[viewer])
    for obj in (private["group"], private["meeting"], private["item"], private["thread"]):
        url = _group_url(obj) if isinstance(obj, Group) else obj.get_absolute_url()
        assert client.get(url).status_code == 200, url
    assert "Cabinet meeting" in client.get(_group_url(private["group"])).content.decode()


def test_private_group_content_is_hidden_from_anonymous_search_feeds_and_querysets(client, world, private):
    community = world["community"]
    from django.contrib.auth.models import AnonymousUser

    anonymous = AnonymousUser()
    assert not Meeting.objects.visible_to(anonymous).filter(pk=private["meeting"].pk).exists()
    assert not KnowledgeItem.objects.visible_to(anonymous).filter(pk=private["item"].pk).exists()
    assert not Thread.objects.visible_to(anonymous).filter(pk=private["thread"].pk).exists()
    feed = client.get(reverse("calendar_feeds:community", args=[community.slug])).content.decode()
    assert "Cabinet meeting" not in feed
    client.force_login(world["outsider"])
    found = client.get(reverse("search:index") + "?q=Cabinet").content.decode()
    assert "Cabinet meeting" not in found and "Cabinet notes" not in found and "Cabinet chat" not in found


def test_members_group_shows_to_members_but_not_to_visitors(client, world):
    community = world["community"]
    inner = GroupFactory(community=community, slug="inner", name="Inner circle", visibility=Group.Visibility.MEMBERS)
    assert client.get(_group_url(inner)).status_code == 404
    client.force_login(world["outsider"])
    assert client.get(_group_url(inner)).status_code == 200


def test_visible_group_ids_follow_the_rules(world, private):
    community, group = world["community"], private["group"]
    public = world["group"]
    inner = GroupFactory(community=community, visibility=Group.Visibility.MEMBERS)
    from django.contrib.auth.models import AnonymousUser

    def seen(user):
        return set(Group.objects.filter(pk__in=permissions.visible_group_ids(user)).values_list("pk", flat=True))

    assert seen(AnonymousUser()) == {public.pk}
    assert seen(world["outsider"]) == {public.pk, inner.pk}
    assert seen(world["insider"]) == {public.pk, inner.pk, group.pk}
    assert seen(world["coordinator"]) == {public.pk, inner.pk, group.pk}
    assert seen(UserFactory()) == {public.pk}
