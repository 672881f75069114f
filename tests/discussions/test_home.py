"""Discussions on the community home ("Latest discussions") and on a group's page, through communities.hooks."""

from datetime import timedelta

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communities.models import Community
from communities.services import membership_leave
from discussions import services
from discussions.models import Thread
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db


def _thread(community, by, title, *, group=None, age_minutes=0):
    thread = services.thread_start(community=community, group=group, by=by, title=title, body=f"About {title}")
    moment = timezone.now() - timedelta(minutes=age_minutes)
    Thread.objects.filter(pk=thread.pk).update(last_post_at=moment)
    return thread


def test_the_home_lists_the_five_most_recently_active_threads_with_their_links(client, community, member):
    threads = [_thread(community, member, f"Topic number {n}", age_minutes=10 * n) for n in range(7)]
    body = client.get("/c/public-cop/").content.decode()
    assert "Latest discussions" in body
    for thread in threads[:5]:
        assert thread.title in body
        assert f'href="/c/public-cop/discussions/{thread.pk}/"' in body
    assert "Topic number 5" not in body and "Topic number 6" not in body
    assert body.index("Topic number 0") < body.index("Topic number 4")
    assert 'href="/c/public-cop/discussions/"' in body


def test_an_empty_community_says_nobody_has_started_a_discussion(client, community):
    assert "Nobody has started a discussion yet." in client.get("/c/public-cop/").content.decode()


def test_only_members_see_the_start_link_on_the_home(client, community, member):
    assert 'href="/c/public-cop/discussions/new/"' not in client.get("/c/public-cop/").content.decode()
    client.force_login(member)
    assert 'href="/c/public-cop/discussions/new/"' in client.get("/c/public-cop/").content.decode()


def test_members_only_threads_reach_members_only_and_not_after_leaving(client):
    closed = CommunityFactory(slug="closed-cop", visibility=Community.Visibility.MEMBERS)
    insider = make_member(closed)
    _thread(closed, insider, "Budget of the steering committee")
    other = make_member(CommunityFactory(slug="other-cop"))
    client.force_login(other)
    assert "Budget of the steering committee" not in client.get("/c/closed-cop/").content.decode()
    reader = make_member(closed)
    client.force_login(reader)
    assert "Budget of the steering committee" in client.get("/c/closed-cop/").content.decode()
    membership_leave(user=reader, community=closed)
    assert "Budget of the steering committee" not in client.get("/c/closed-cop/").content.decode()


def test_another_communitys_threads_are_not_on_this_home(client, community, member):
    elsewhere = CommunityFactory(slug="elsewhere")
    _thread(elsewhere, make_member(elsewhere), "Talk of elsewhere")
    assert "Talk of elsewhere" not in client.get("/c/public-cop/").content.decode()


def test_the_home_costs_the_same_queries_for_3_or_30_threads(client, community, member, django_assert_num_queries):
    for n in range(3):
        _thread(community, make_member(community), f"Few {n}")
    client.force_login(member)
    client.get("/c/public-cop/")
    with CaptureQueriesContext(connection) as few:
        client.get("/c/public-cop/")
    for n in range(27):
        _thread(community, make_member(community), f"Many {n}", group=None)
    with django_assert_num_queries(len(few.captured_queries)):
        client.get("/c/public-cop/")


def test_a_group_page_shows_its_own_threads_and_a_start_link_for_its_members(client, community):
    group = GroupFactory(community=community, slug="water-team", name="Water team")
    other_group = GroupFactory(community=community, slug="energy-team")
    team_member = make_member(community, group=group)
    mine = _thread(community, team_member, "Pumps in Sfax", group=group)
    _thread(community, make_member(community, group=other_group), "Solar roofs", group=other_group)
    _thread(community, team_member, "Community-wide question")
    body = client.get("/c/public-cop/groups/water-team/").content.decode()
    assert "Pumps in Sfax" in body and f'href="/c/public-cop/discussions/{mine.pk}/"' in body
    assert "Solar roofs" not in body and "Community-wide question" not in body
    assert "/c/public-cop/discussions/new/?group=water-team" not in body
    client.force_login(team_member)
    body = client.get("/c/public-cop/groups/water-team/").content.decode()
    assert 'href="/c/public-cop/discussions/new/?group=water-team"' in body
    assert 'href="/c/public-cop/discussions/?group=water-team"' in body


def test_a_group_page_lists_at_most_ten_threads_most_recent_first(client, community):
    group = GroupFactory(community=community, slug="busy-team")
    author = make_member(community, group=group)
    for n in range(12):
        _thread(community, author, f"Subject {n:02d}", group=group, age_minutes=n)
    body = client.get("/c/public-cop/groups/busy-team/").content.decode()
    assert "Subject 00" in body and "Subject 09" in body
    assert "Subject 10" not in body and "Subject 11" not in body
    assert body.index("Subject 00") < body.index("Subject 09")


def test_a_group_page_of_a_members_only_community_hides_threads_from_outsiders(client):
    closed = CommunityFactory(slug="closed-cop", visibility=Community.Visibility.MEMBERS)
    group = GroupFactory(community=closed, slug="inner")
    _thread(closed, make_member(closed, group=group), "Inner circle", group=group)
    client.force_login(UserFactory())
    response = client.get("/c/closed-cop/groups/inner/")
    assert response.status_code == 404
    assert "Inner circle" not in response.content.decode()


@pytest.mark.browser
@pytest.mark.parametrize("language", ["en", "ar"])
def test_the_home_group_page_and_search_with_discussions_pass_axe(page, live_server, transactional_db, language):
    from tests.browser import assert_no_axe_violations

    community = CommunityFactory(slug="axe-cop", name="Axe CoP")
    group = GroupFactory(community=community, slug="team-one", name="Team one")
    member = make_member(community, group=group)
    _thread(community, member, "Monthly partnership meeting across time zones", group=group)
    _thread(community, member, "تبادل الخبرات حول خدمات المياه")
    page.context.add_cookies([{"name": "cop_language", "value": language, "url": live_server.url}])
    for path in ("/c/axe-cop/", "/c/axe-cop/groups/team-one/", "/search/?q=partnership"):
        page.goto(live_server.url + path)
        assert "Monthly partnership meeting" in page.content()
        assert_no_axe_violations(page)
