"""Members-only meetings, registrations, attendee lists, feeds and join links never reach outsiders."""

import pytest
from django.urls import reverse

from communities.models import Community
from meetings import selectors, services
from meetings.models import Meeting
from tests.factories import CommunityFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory, RegistrationFactory

SECRET_LINK = "https://meet.example.org/only-for-registered"


@pytest.fixture
def setting(db):
    community = CommunityFactory(slug="public-cop", visibility=Community.Visibility.PUBLIC)
    members_only = MeetingFactory(
        community=community, title="Members-only board", visibility=Meeting.Visibility.MEMBERS, online_url=SECRET_LINK
    )
    public = MeetingFactory(
        community=community, title="Open webinar", visibility=Meeting.Visibility.PUBLIC, online_url=SECRET_LINK
    )
    attendee = make_member(community, UserFactory(full_name="Attendee Anwar"))
    RegistrationFactory(meeting=public, user=attendee)
    RegistrationFactory(meeting=members_only, user=attendee)
    other = CommunityFactory(slug="other-cop")
    return {
        "community": community,
        "members_only": members_only,
        "public": public,
        "outsider": UserFactory(),
        "other_member": make_member(other),
        "member": make_member(community),
    }


def _as(client, user):
    client.logout()
    if user is not None:
        client.force_login(user)


@pytest.mark.parametrize("who", ["anonymous", "outsider", "other_member"])
def test_outsiders_never_see_a_members_only_meeting(client, setting, who):
    community, meeting = setting["community"], setting["members_only"]
    _as(client, setting.get(who))
    listing = client.get(reverse("meetings:list", kwargs={"community_slug": community.slug})).content.decode()
    assert "Open webinar" in listing and "Members-only board" not in listing
    calendar = client.get(reverse("meetings:calendar", kwargs={"community_slug": community.slug}))
    assert "Members-only board" not in calendar.content.decode()
    kwargs = {"community_slug": community.slug, "meeting_pk": meeting.pk}
    for name in ("detail", "ics", "registrations", "registrations_csv", "attendance", "edit", "close"):
        response = client.get(reverse(f"meetings:{name}", kwargs=kwargs))
        assert response.status_code in {404, 302}, name
        assert b"Members-only board" not in response.content
        if response.status_code == 302:
            assert response["Location"].startswith("/accounts/login/")
    feed = client.get(f"/c/{community.slug}/meetings.ics").content.decode()
    assert "Members-only board" not in feed and "Open webinar" in feed
    response = client.post(reverse("meetings:register", kwargs=kwargs))
    assert response.status_code in {404, 302}
    assert meeting.registrations.count() == 1


@pytest.mark.parametrize("who", ["anonymous", "outsider", "member"])
def test_join_links_reach_only_registered_people(client, setting, who):
    community, meeting = setting["community"], setting["public"]
    _as(client, setting.get(who))
    kwargs = {"community_slug": community.slug, "meeting_pk": meeting.pk}
    for name in ("detail", "ics"):
        response = client.get(reverse(f"meetings:{name}", kwargs=kwargs))
        assert response.status_code == 200
        assert SECRET_LINK not in response.content.decode(), name
    assert SECRET_LINK not in client.get(f"/c/{community.slug}/meetings.ics").content.decode()


def test_the_registered_person_alone_gets_the_join_link(client, setting):
    meeting = setting["public"]
    attendee = meeting.registrations.get().user
    client.force_login(attendee)
    assert SECRET_LINK in client.get(meeting.get_absolute_url()).content.decode()


@pytest.mark.parametrize("who", ["outsider", "other_member", "member"])
def test_attendee_lists_are_for_organisers_only(client, setting, who):
    community, meeting = setting["community"], setting["public"]
    _as(client, setting[who])
    kwargs = {"community_slug": community.slug, "meeting_pk": meeting.pk}
    for name in ("registrations", "registrations_csv", "attendance"):
        response = client.get(reverse(f"meetings:{name}", kwargs=kwargs), follow=True)
        assert "Attendee Anwar" not in response.content.decode(), name
    assert "Attendee Anwar" not in client.get(meeting.get_absolute_url()).content.decode()


def test_a_personal_feed_never_carries_meetings_of_communities_one_does_not_belong_to(client, setting):
    url = reverse(
        "calendar_feeds:personal", kwargs={"token": services.calendar_feed_token_create(user=setting["outsider"])}
    )
    body = client.get(url).content.decode()
    assert "Members-only board" not in body and "Open webinar" not in body


def test_a_hidden_community_shows_nothing_even_its_public_meetings(client, db):
    hidden = CommunityFactory(visibility=Community.Visibility.HIDDEN)
    meeting = MeetingFactory(community=hidden, title="Hidden plenary", visibility=Meeting.Visibility.PUBLIC)
    outsider = UserFactory()
    client.force_login(outsider)
    assert client.get(meeting.get_absolute_url()).status_code == 404
    assert client.get(f"/c/{hidden.slug}/meetings.ics").status_code == 404
    assert not Meeting.objects.visible_to(outsider).exists()
    assert selectors.next_meeting_by_community(outsider, [hidden.pk]) == {}
    from django.contrib.auth.models import AnonymousUser

    assert not Meeting.objects.visible_to(AnonymousUser()).exists()


def test_a_members_only_community_hides_its_public_meetings_from_outsiders(client, db):
    restricted = CommunityFactory(visibility=Community.Visibility.MEMBERS)
    meeting = MeetingFactory(community=restricted, title="Closed plenary", visibility=Meeting.Visibility.PUBLIC)
    outsider = UserFactory()
    assert not Meeting.objects.visible_to(outsider).exists()
    client.force_login(outsider)
    assert client.get(meeting.get_absolute_url()).status_code == 404
    member = make_member(restricted)
    assert list(Meeting.objects.visible_to(member)) == [meeting]


def test_manageable_by_follows_the_guardian_roles(db):
    from communities.models import Membership
    from tests.factories import GroupFactory

    community = CommunityFactory()
    group = GroupFactory(community=community)
    other_group = GroupFactory(community=community)
    in_group = MeetingFactory(community=community, group=group)
    in_other = MeetingFactory(community=community, group=other_group)
    whole = MeetingFactory(community=community)
    elsewhere = MeetingFactory(community=CommunityFactory())
    coordinator = make_member(community, role=Membership.Role.COORDINATOR)
    facilitator = make_member(community)
    make_member(community, facilitator, role=Membership.Role.FACILITATOR, group=group)
    member = make_member(community)
    assert set(Meeting.objects.manageable_by(coordinator)) == {in_group, in_other, whole}
    assert set(Meeting.objects.manageable_by(facilitator)) == {in_group}
    assert not Meeting.objects.manageable_by(member).exists()
    assert elsewhere not in Meeting.objects.manageable_by(coordinator)
