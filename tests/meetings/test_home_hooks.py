"""The meetings app fills the community home and the directory cards through communities.hooks."""

from communities.models import Community
from meetings.models import Meeting
from tests.factories import CommunityFactory, make_member
from tests.meetings.factories import MeetingFactory


def test_the_community_home_lists_its_upcoming_meetings(client, db):
    community = CommunityFactory(slug="with-meetings")
    MeetingFactory(community=community, title="Monthly partnership meeting")
    MeetingFactory(community=community, title="Cancelled board", status=Meeting.Status.CANCELLED)
    body = client.get("/c/with-meetings/").content.decode()
    assert "Monthly partnership meeting" in body
    assert "Cancelled board" not in body
    assert "No meeting is scheduled yet." not in body


def test_members_only_meetings_reach_members_only(client, db):
    community = CommunityFactory(slug="mixed")
    MeetingFactory(community=community, title="Members-only steering committee", visibility=Meeting.Visibility.MEMBERS)
    assert "Members-only steering committee" not in client.get("/c/mixed/").content.decode()
    client.force_login(make_member(community))
    assert "Members-only steering committee" in client.get("/c/mixed/").content.decode()


def test_directory_cards_show_the_next_visible_meeting(client, db):
    community = CommunityFactory(name="Card community")
    MeetingFactory(community=community, title="First technical board")
    hidden = CommunityFactory(name="Hidden one", visibility=Community.Visibility.HIDDEN)
    MeetingFactory(community=hidden, title="Secret board")
    body = client.get("/").content.decode()
    assert "First technical board" in body
    assert "Secret board" not in body


def test_next_meetings_on_cards_cost_the_same_queries_for_5_or_25_communities(client, db, django_assert_num_queries):
    def fill(count):
        for _ in range(count):
            MeetingFactory(community=CommunityFactory())

    fill(5)
    client.get("/")
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    with CaptureQueriesContext(connection) as few:
        client.get("/")
    expected = len(few.captured_queries)  # read now: the next request empties the connection's log
    fill(20)
    client.get("/")  # the new cards' member counts are counted once (one query), then kept (directory_counts)
    with django_assert_num_queries(expected):
        client.get("/")
