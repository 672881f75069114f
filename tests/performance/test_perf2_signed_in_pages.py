"""Signed-in pages: permission answers asked once per request, the follow state in one query, /me/ bounded."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone
from taggit.models import Tag

from communities import permissions
from communities.models import Membership
from cop_portal.notifications.groups import FOLLOW, MUTE, group_follow_set, group_follow_state
from cop_portal.reports import dashboard
from knowledge.models import KnowledgeItem
from knowledge.services import follow, item_create
from tests.factories import CommunityFactory, GroupFactory, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def community():
    return CommunityFactory(visibility="public")


def test_a_permission_question_is_asked_once_within_a_read_only_request(community):
    member = make_member(community)
    with permissions.request_answers():
        permissions.is_active_member(member, community)  # warm the process (content types), as a server is
    with CaptureQueriesContext(connection) as outside:
        permissions.is_active_member(member, community)
        permissions.is_active_member(member, community)
    with permissions.request_answers(), CaptureQueriesContext(connection) as inside:
        assert permissions.is_active_member(member, community)
        assert permissions.is_active_member(member, community)
        assert permissions.can_post_in(member, community)
        assert permissions.can_post_in(member, community=community)
    assert len(outside.captured_queries) == 2
    assert len(inside.captured_queries) == 1  # can_post_in reuses the answer of is_active_member


def test_answers_are_not_shared_between_people_or_kept_after_the_request(community):
    member, stranger = make_member(community), make_member(CommunityFactory())
    with permissions.request_answers():
        assert permissions.is_active_member(member, community)
        assert not permissions.is_active_member(stranger, community)
        Membership.objects.filter(user=member, community=community).update(status=Membership.Status.LEFT)
        assert permissions.is_active_member(member, community)  # the request's own answer stays
    assert not permissions.is_active_member(member, community)  # the next request asks again


def test_a_write_request_asks_every_time(client, community):
    member = make_member(community)
    client.force_login(member)
    seen = []

    def spy(request):
        seen.append(permissions._answers.get())
        from django.http import HttpResponse

        return HttpResponse()

    from communities.middleware import CommunityMiddleware

    middleware = CommunityMiddleware(spy)
    from django.test import RequestFactory

    middleware(RequestFactory().post("/"))
    middleware(RequestFactory().get("/"))
    assert seen[0] is None and seen[1] == {}


def test_the_group_follow_state_is_read_in_one_query_with_the_same_answers(community):
    member = make_member(community)
    team = GroupFactory(community=community)
    make_member(community, member, group=team)
    states = []
    for level in (None, FOLLOW, MUTE):
        if level:
            group_follow_set(user=member, group=team, level=level)
        with permissions.request_answers():
            permissions.is_active_member(member, community)  # asked by the page before
            with CaptureQueriesContext(connection) as queries:
                states.append(group_follow_state(user=member, group=team).level)
        assert len(queries.captured_queries) == 1
    assert states == ["", FOLLOW, MUTE]


def test_new_in_what_i_follow_merges_groups_and_themes_newest_first_without_reading_every_tag_link(community):
    reader, writer = make_member(community), make_member(community)
    team = GroupFactory(community=community)
    make_member(community, writer, group=team)
    follow(user=reader, group=team)
    now = timezone.now()
    made = {}
    for index, (title, fields) in enumerate(
        [
            ("group 1", {"group": team}),
            ("theme 1", {"themes": ["water"]}),
            ("both", {"group": team, "themes": ["water"]}),
            ("other theme", {"themes": ["fire"]}),
            ("group 2", {"group": team}),
        ]
        + [(f"theme {n}", {"themes": ["water"]}) for n in range(2, 10)]
    ):
        item = item_create(community=community, by=writer, kind="lesson", title=title, publish=True, **fields)
        KnowledgeItem.objects.filter(pk=item.pk).update(published_at=now - timedelta(hours=index))
        made[title] = item
    follow(user=reader, theme=Tag.objects.get(name="water"))

    with CaptureQueriesContext(connection) as queries:
        titles = [item.title for item in dashboard.new_in_what_i_follow(reader)]

    assert titles == ["group 1", "theme 1", "both", "group 2", "theme 2", "theme 3", "theme 4", "theme 5"]
    sql = [query["sql"] for query in queries.captured_queries if "taggit_taggeditem" in query["sql"]]
    assert len(sql) == 1 and "LIMIT 8" in sql[0]
    # The tag links are read for the recent items only (correlated with each item), never as a list of ids.
    assert '"object_id" = ("knowledge_knowledgeitem"."id")' in sql[0]


def test_memberships_read_by_the_page_answer_later_membership_questions(community):
    from communities.selectors import memberships_of

    member, outsider = make_member(community), make_member(CommunityFactory())
    team, other = GroupFactory(community=community), GroupFactory(community=community)
    make_member(community, member, group=team)
    with permissions.request_answers():
        memberships_of(user=member, community=community)
        memberships_of(user=outsider, community=community)
        with CaptureQueriesContext(connection) as queries:
            answers = [
                permissions.is_active_member(member, community),
                permissions.is_active_member(outsider, community),
                permissions.can_post_in(member, community, team),
            ]
        assert answers == [True, False, True]
        assert len(queries.captured_queries) == 0
        assert not permissions.can_post_in(member, community, other)  # not in it: asks can_manage only


def test_the_navigation_is_computed_once_per_request(rf, community):
    from cop_portal.navigation import navigation

    member = make_member(community)
    request = rf.get("/")
    request.user, request.community = member, community
    first = navigation(request)
    with CaptureQueriesContext(connection) as queries:
        assert navigation(request) is first
    assert len(queries.captured_queries) == 0


def test_minutes_to_write_lists_five_and_counts_all_in_one_query(community):
    from meetings.models import Meeting
    from tests.meetings.factories import MeetingFactory

    coordinator = make_member(community, role=Membership.Role.COORDINATOR)
    start = timezone.now() - timedelta(days=3)
    for n in range(7):
        MeetingFactory(community=community, start=start - timedelta(days=n), end=start - timedelta(days=n, hours=-1))
    MeetingFactory(community=CommunityFactory(), start=start, end=start + timedelta(hours=1))  # not theirs
    dashboard.minutes_to_write(coordinator)  # content types are read once per process
    with CaptureQueriesContext(connection) as queries:
        minutes, total = dashboard.minutes_to_write(coordinator)
    expected = Meeting.objects.manageable_by(coordinator).filter(status="scheduled", end__lt=timezone.now())
    assert total == expected.count() == 7
    assert [m.pk for m in minutes] == list(expected.order_by("-end", "-pk").values_list("pk", flat=True)[:5])
    assert len(queries.captured_queries) == 1
    assert dashboard.minutes_to_write(make_member(community)) == ([], 0)


@pytest.mark.parametrize("visibility", ["public", "members"])
def test_who_sees_a_communitys_content_is_answered_as_the_queryset_does(visibility):
    from django.contrib.auth.models import AnonymousUser

    from communities.models import Community
    from communities.selectors import user_can_see_content
    from tests.factories import UserFactory

    place = CommunityFactory(visibility=visibility)
    member, left, inactive = make_member(place), make_member(place), make_member(place)
    Membership.objects.filter(user=left, community=place).update(status=Membership.Status.LEFT)
    inactive.is_active = False
    admin = UserFactory(is_superuser=True)
    for user in (AnonymousUser(), UserFactory(), member, left, inactive, admin):
        expected = Community.objects.content_visible_to(user).filter(pk=place.pk).exists()
        assert user_can_see_content(user=user, community=place) == expected, (visibility, user)


@pytest.mark.parametrize(
    ("host", "asked"),
    [("testserver", False), ("localhost", False), ("192.168.1.10", False), ("portal.example.org", False)]
    + [("cop.example.org", True), ("other.example.org", True)],
)
def test_only_a_host_that_may_be_a_communitys_asks_which_community_it_is(rf, settings, host, asked):
    from communities.middleware import _host_community

    settings.SITE_URL = "https://portal.example.org"
    settings.ALLOWED_HOSTS = ["*"]
    own = CommunityFactory(domain="cop.example.org")
    with CaptureQueriesContext(connection) as queries:
        found = _host_community(rf.get("/", HTTP_HOST=f"{host}:8000"))
    assert len(queries.captured_queries) == int(asked)
    assert found == (own if host == "cop.example.org" else None)
