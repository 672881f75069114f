"""Gaps found auditing issue 13 as the launch communities' coordinators would use the console."""

import pytest
from django.core import mail
from django.urls import reverse

from communities.models import Community, Membership
from communities.services import facilitator_name
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db

Role = Membership.Role


@pytest.fixture
def space(db):
    """REBUILD-like: a coordinator, two teams (one with its facilitator), a plain member and an outsider."""
    community = CommunityFactory(slug="rebuild", name="REBUILD", join_policy=Community.JoinPolicy.OPEN)
    coordinator = make_member(community, UserFactory(full_name="Cora Coordinator"), role=Role.COORDINATOR)
    team = GroupFactory(community=community, slug="team-1", name="Team 1")
    other = GroupFactory(community=community, slug="team-2", name="Team 2")
    facilitator = make_member(community, UserFactory(full_name="Fabio Facilitator"))
    make_member(community, facilitator, role=Role.FACILITATOR, group=team)
    member = make_member(community, UserFactory(full_name="Mia Member", language="it"))
    return {
        "community": community,
        "coordinator": coordinator,
        "facilitator": facilitator,
        "member": member,
        "team": team,
        "other": other,
    }


# --- Naming a facilitator tells the person, once, in their language ---------------------------------------


def test_a_brand_new_facilitator_is_told_once_in_their_language(space, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        facilitator_name(group=space["other"], user=space["member"], by=space["coordinator"])
    with django_capture_on_commit_callbacks(execute=True):
        facilitator_name(group=space["other"], user=space["member"], by=space["coordinator"])  # again: no email

    (message,) = mail.outbox
    assert message.to == [space["member"].email]
    assert message.extra_headers["Content-Language"] == "it"
    assert "Team 2" in message.subject
    assert "(it was: )" not in message.body


def test_a_member_of_the_group_raised_to_facilitator_is_told_once(space, django_capture_on_commit_callbacks):
    make_member(space["community"], space["member"], group=space["other"])
    with django_capture_on_commit_callbacks(execute=True):
        facilitator_name(group=space["other"], user=space["member"], by=space["coordinator"])

    (message,) = mail.outbox
    assert message.to == [space["member"].email]
    assert message.extra_headers["Content-Language"] == "it"


def test_naming_from_the_console_sends_the_email(client, space, django_capture_on_commit_callbacks):
    client.force_login(space["coordinator"])
    path = reverse(
        "communities:manage_group_facilitator_add",
        kwargs={"community_slug": "rebuild", "group_slug": space["other"].slug},
    )
    with django_capture_on_commit_callbacks(execute=True):
        client.post(path, {"user": space["member"].pk})
    assert [message.to for message in mail.outbox] == [[space["member"].email]]


# --- An archived group: its open invitations are withdrawn, nothing is announced to it ----------------------


def test_archiving_a_group_withdraws_its_open_invitations_once(space):
    from communities.models import CommunityEvent, Invitation
    from communities.services import group_archive, invitation_create

    team, coordinator = space["team"], space["coordinator"]
    open_one = invitation_create(community=space["community"], group=team, email="new@example.org", by=coordinator)
    elsewhere = invitation_create(
        community=space["community"], group=space["other"], email="new@example.org", by=coordinator
    )

    group_archive(group=team, by=coordinator)
    group_archive(group=team, by=coordinator)  # again: nothing more

    open_one.refresh_from_db()
    elsewhere.refresh_from_db()
    assert open_one.revoked_at is not None
    assert elsewhere.revoked_at is None
    assert not Invitation.objects.open().filter(group=team).exists()
    [event] = CommunityEvent.objects.filter(action=CommunityEvent.Action.GROUP_ARCHIVED)
    assert event.changes == {"archived": [False, True], "open_invitations": [1, 0]}


def test_nothing_is_announced_to_an_archived_group(space, django_capture_on_commit_callbacks):
    from communities.services import group_archive
    from discussions.models import Announcement
    from discussions.services import AudienceChoice, DiscussionError, announcement_send
    from discussions.services.announcements import announcement_groups

    team, coordinator = space["team"], space["coordinator"]
    group_archive(group=team, by=coordinator)

    assert list(announcement_groups(user=coordinator, community=space["community"])) == [space["other"]]
    with django_capture_on_commit_callbacks(execute=True), pytest.raises(DiscussionError) as caught:
        announcement_send(
            community=space["community"],
            by=coordinator,
            audience=AudienceChoice(kind="group", group=team),
            title="Meeting moved",
            body="Tuesday.",
        )
    assert caught.value.code == "group_archived"
    assert not Announcement.objects.exists()
    assert mail.outbox == []


# --- Renaming or merging a theme carries its followers along --------------------------------------------


@pytest.mark.parametrize("how", ["rename", "merge"])
def test_followers_of_a_renamed_or_merged_theme_follow_the_new_name(space, how):
    from taggit.models import Tag

    from communities.models import Theme
    from communities.services import theme_add, theme_merge, theme_rename
    from knowledge.models import Follow

    community, coordinator = space["community"], space["coordinator"]
    community.visibility = Community.Visibility.MEMBERS
    community.save(update_fields=["visibility"])
    space["team"].themes.set(["welfare"])
    old_tag = Tag.objects.get(name="welfare")
    member, stranger = space["member"], UserFactory(full_name="Stella Stranger")
    Follow.objects.create(user=member, theme=old_tag)
    Follow.objects.create(user=stranger, theme=old_tag)  # follows the name, cannot see this community
    theme = theme_add(community=community, by=coordinator, name="welfare")

    if how == "rename":
        theme_rename(theme=theme, by=coordinator, name="welfare di comunità")
        theme_rename(theme=Theme.objects.get(pk=theme.pk), by=coordinator, name="welfare di comunità")  # again
    else:
        into = theme_add(community=community, by=coordinator, name="welfare di comunità")
        theme_merge(theme=theme, into=into, by=coordinator)
        theme_merge(theme=theme, into=into, by=coordinator)  # again

    new_tag = Tag.objects.get(name="welfare di comunità")
    assert set(Follow.objects.filter(theme=new_tag).values_list("user__full_name", flat=True)) == {"Mia Member"}
    assert Follow.objects.filter(theme=old_tag).count() == 2  # the old name is still followed (other communities)
