"""The coordinator (and facilitator) console links the flags page with the open flags the viewer moderates."""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.urls import reverse

from communities.models import Membership
from discussions import services
from tests.discussions.conftest import url
from tests.factories import CommunityFactory, GroupFactory, make_member

pytestmark = pytest.mark.django_db


def console(community):
    return reverse("communities:manage", kwargs={"community_slug": community.slug})


def flag_posts(thread, count):
    """Reply count times in thread and have a member flag each reply; return the flags."""
    community = thread.community
    flagger = make_member(community)
    flags = []
    for n in range(count):
        post = services.post_reply(thread=thread, by=thread.created_by, body=f"Reply {n}")
        flags.append(services.flag_create(post=post, by=flagger, reason="Off topic"))
    return flags


def test_the_console_links_the_flags_page_with_the_open_flags(client, community, thread):
    coordinator = make_member(community, role=Membership.Role.COORDINATOR)
    flags = flag_posts(thread, 3)
    services.flag_resolve(flag=flags[0], by=coordinator)
    client.force_login(coordinator)

    page = client.get(console(community)).content.decode()

    assert f'<a href="{url("flags", community)}">Flagged posts (2 open)</a>' in page


def test_the_console_shows_no_open_flags_as_zero_and_the_link_reaches_the_flags_page(client, community):
    client.force_login(make_member(community, role=Membership.Role.COORDINATOR))

    assert "Flagged posts (0 open)" in client.get(console(community)).content.decode()
    assert client.get(url("flags", community)).status_code == 200


def test_a_facilitator_counts_only_the_flags_of_their_groups(client, community, member, thread):
    group = GroupFactory(community=community)
    facilitator = make_member(community)
    make_member(community, facilitator, group=group, role=Membership.Role.FACILITATOR)
    in_group = services.thread_start(community=community, group=group, by=facilitator, title="Team", body="Hi")
    flag_posts(in_group, 1)
    flag_posts(thread, 2)  # the community's own thread: its coordinators' to moderate
    client.force_login(facilitator)

    page = client.get(console(community)).content.decode()

    assert "Facilitator console" in page and "Flagged posts (1 open)" in page


def test_a_member_sees_no_console_and_no_flags(client, community, thread):
    flag_posts(thread, 1)
    client.force_login(make_member(community))

    response = client.get(console(community))

    assert response.status_code == 404 and b"Flagged posts" not in response.content


def test_the_console_runs_the_same_number_of_queries_with_more_flags(client, django_assert_num_queries):
    def seed(size):
        community = CommunityFactory()
        coordinator = make_member(community, role=Membership.Role.COORDINATOR)
        author = make_member(community)
        thread = services.thread_start(community=community, by=author, title="Where do we start?", body="Hi")
        flag_posts(thread, size)
        return community, coordinator

    small, small_coordinator = seed(1)
    large, large_coordinator = seed(12)
    client.force_login(small_coordinator)
    client.get(console(small))
    with CaptureQueriesContext(connection) as queries:
        client.get(console(small))
    expected = len(queries)
    client.force_login(large_coordinator)
    assert "Flagged posts (12 open)" in client.get(console(large)).content.decode()

    with django_assert_num_queries(expected):
        client.get(console(large))
