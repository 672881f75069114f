"""Selectors other apps use: my upcoming meetings, a community's next ones, the next meeting per community."""

from datetime import timedelta

import pytest
from django.contrib.auth.models import AnonymousUser
from django.template.loader import render_to_string
from django.utils import timezone

from communities.models import Community
from meetings import selectors
from meetings.models import Meeting
from tests.factories import CommunityFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory, RegistrationFactory


def _at(days, **kwargs):
    start = timezone.now() + timedelta(days=days)
    return {"start": start, "end": start + timedelta(hours=1), **kwargs}


def test_upcoming_meetings_for_spans_my_communities_soonest_first_with_my_status(community, member):
    other = CommunityFactory(name="MULTIPLY test")
    make_member(other, member)
    later = MeetingFactory(community=community, title="Later", **_at(20))
    sooner = MeetingFactory(community=other, title="Sooner", visibility=Meeting.Visibility.MEMBERS, **_at(2))
    MeetingFactory(community=community, title="Past", **_at(-2))
    MeetingFactory(community=community, title="Cancelled", status=Meeting.Status.CANCELLED, **_at(3))
    MeetingFactory(community=CommunityFactory(), title="Not mine", **_at(1))
    RegistrationFactory(meeting=later, user=member)
    meetings = selectors.upcoming_meetings_for(member, limit=5)
    assert [m.title for m in meetings] == ["Sooner", "Later"]
    assert meetings[1].my_status == "registered" and meetings[0].my_status is None
    assert [m.title for m in selectors.upcoming_meetings_for(member, limit=1)] == ["Sooner"]
    assert selectors.upcoming_meetings_for(AnonymousUser()) == []
    assert sooner.community == other


def test_community_upcoming_respects_visibility(community, member):
    MeetingFactory(community=community, title="Public", **_at(3))
    MeetingFactory(community=community, title="Members", visibility=Meeting.Visibility.MEMBERS, **_at(4))
    assert [m.title for m in selectors.community_upcoming(community, member)] == ["Public", "Members"]
    assert [m.title for m in selectors.community_upcoming(community, AnonymousUser())] == ["Public"]


def test_next_meeting_by_community_takes_two_queries_whatever_the_number(member, django_assert_num_queries):
    communities = [CommunityFactory() for _ in range(5)]
    for community in communities:
        make_member(community, member)
        for days in (9, 3, 6):
            MeetingFactory(community=community, title=f"{community.slug} in {days}", **_at(days))
        MeetingFactory(community=community, title="cancelled", status=Meeting.Status.CANCELLED, **_at(1))
    ids = [c.pk for c in communities]
    with django_assert_num_queries(2):
        result = selectors.next_meeting_by_community(member, ids)
    assert {pk: meeting.title for pk, meeting in result.items()} == {c.pk: f"{c.slug} in 3" for c in communities}
    with django_assert_num_queries(2):
        selectors.next_meeting_by_community(member, ids[:1])


def test_next_meeting_by_community_hides_members_only_meetings_from_outsiders(db):
    community = CommunityFactory()
    MeetingFactory(community=community, visibility=Meeting.Visibility.MEMBERS, **_at(2))
    public = MeetingFactory(community=community, visibility=Meeting.Visibility.PUBLIC, **_at(5))
    assert selectors.next_meeting_by_community(UserFactory(), [community.pk]) == {community.pk: public}
    restricted = CommunityFactory(visibility=Community.Visibility.MEMBERS)
    MeetingFactory(community=restricted, visibility=Meeting.Visibility.PUBLIC, **_at(2))
    assert selectors.next_meeting_by_community(AnonymousUser(), [restricted.pk]) == {}


@pytest.mark.django_db
def test_upcoming_for_me_runs_a_fixed_number_of_queries(django_assert_num_queries):
    member = UserFactory()
    community = CommunityFactory()
    make_member(community, member)
    MeetingFactory(community=community, **_at(2)).themes.set(["a"])
    with django_assert_num_queries(2):
        selectors.upcoming_meetings_for(member, limit=5)
    for index in range(10):
        MeetingFactory(community=community, **_at(3 + index)).themes.set([f"t{index}"])
    with django_assert_num_queries(2):
        meetings = selectors.upcoming_meetings_for(member, limit=5)
    with django_assert_num_queries(1):  # the meetings' translations into the reader's language, for all of them
        render_to_string("meetings/partials/_upcoming_list.html", {"meetings": meetings, "show_community": True})


def test_the_upcoming_partial_lists_meetings_with_their_community(community, member):
    MeetingFactory(community=community, title="Technical board", **_at(2))
    html = render_to_string(
        "meetings/partials/_upcoming_list.html",
        {"meetings": selectors.upcoming_meetings_for(member), "show_community": True},
    )
    assert "Technical board" in html and community.name in html
    assert "No upcoming meetings" in render_to_string("meetings/partials/_upcoming_list.html", {"meetings": []})


def test_the_may_manage_column_answers_as_can_manage_for_every_row_without_a_subquery_on_meetings(db):
    """Issue 15: an EXISTS on manageable_by read every meeting a coordinator organises for each list."""
    from django.db import connection
    from django.test.utils import CaptureQueriesContext

    from communities import permissions
    from communities.models import Membership
    from tests.factories import GroupFactory

    here, there = CommunityFactory(), CommunityFactory()
    group = GroupFactory(community=here)
    coordinator = make_member(here, role=Membership.Role.COORDINATOR)
    facilitator = make_member(here)
    permissions.grant(permissions.GROUP_PERM, facilitator, group)
    co_organiser = make_member(there)
    meetings = [
        MeetingFactory(community=here),
        MeetingFactory(community=here, group=group),
        MeetingFactory(community=there),
        MeetingFactory(community=there),
    ]
    permissions.grant("meetings.organise_meeting", co_organiser, meetings[3])
    admin = UserFactory(is_superuser=True)
    for person in (coordinator, facilitator, co_organiser, UserFactory(), admin, AnonymousUser()):
        with CaptureQueriesContext(connection) as queries:
            column = dict(Meeting.objects.annotate(mine=selectors.can_manage_column(person)).values_list("pk", "mine"))
        assert column == {m.pk: selectors.can_manage(user=person, meeting=m) for m in meetings}, person
        listing = queries[-1]["sql"]
        assert "EXISTS" not in listing, "a subquery per row over the meetings the person organises"
