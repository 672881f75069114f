"""Issue 15: the header's unread count is remembered between a member's requests, and never stale.

Building, planning and running the count's permission-scoped subquery cost about 15 ms of every
member's community page at network scale. discussions/unread_cache.py keeps the count per person
and community under two generations: the community's (a thread, post or group changed) and the
person's (they read, or their memberships changed). A count under an older one is never used.
"""

from __future__ import annotations

import re

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities.models import Group, Membership
from communities.services.memberships import membership_grant
from discussions import services
from tests.factories import GroupFactory, make_member

pytestmark = pytest.mark.django_db

BADGE = re.compile(r'Discussions <span[^>]*>(\d+)<span class="visually-hidden"> unread</span>')


def _badge(client, community) -> tuple[int, list[str]]:
    """Return the badge's number on the community's meeting list, and the page's queries."""
    with CaptureQueriesContext(connection) as queries:
        html = client.get(f"/c/{community.slug}/meetings/").content.decode()
    found = BADGE.search(html)
    return (int(found.group(1)) if found else 0), [query["sql"] for query in queries]


def _counted(queries) -> bool:
    """Whether the membership query computed the count (a subquery on the threads)."""
    return any("communities_membership" in sql and "discussions_thread" in sql for sql in queries)


@pytest.fixture
def reader(client, community):
    person = make_member(community)
    client.force_login(person)
    return person


def test_the_second_page_uses_the_remembered_count_in_as_many_queries(client, community, member, thread, reader):
    from discussions.unread_cache import person_changed

    _badge(client, community)  # warm what a first request fills (the header's menu...)
    person_changed(reader.pk)
    first, computed = _badge(client, community)
    second, remembered = _badge(client, community)
    assert first == second == 1
    assert _counted(computed) and not _counted(remembered)
    assert len(remembered) == len(computed)


def test_a_new_thread_or_reply_counts_at_once(client, community, member, thread, reader):
    assert _badge(client, community)[0] == 1
    services.thread_start(community=community, by=member, title="Second", body="x")
    assert _badge(client, community)[0] == 2
    client.get(thread.get_absolute_url())  # read the first one
    assert _badge(client, community)[0] == 1
    services.post_reply(thread=thread, by=member, body="News")  # it has news again
    assert _badge(client, community)[0] == 2


def test_reading_again_after_news_updates_the_remembered_count(client, community, member, thread, reader):
    client.get(thread.get_absolute_url())  # creates the read state
    services.post_reply(thread=thread, by=member, body="News")
    assert _badge(client, community)[0] == 1
    client.get(thread.get_absolute_url())  # moves the read state on (an update, no signal)
    assert _badge(client, community)[0] == 0


def test_joining_a_private_group_counts_its_threads(client, community, member, reader):
    private = GroupFactory(community=community, visibility=Group.Visibility.PRIVATE)
    make_member(community, member, group=private)
    services.thread_start(community=community, group=private, by=member, title="Behind the wall", body="x")
    assert _badge(client, community)[0] == 0
    membership_grant(user=reader, community=community, group=private, role=Membership.Role.MEMBER)
    assert _badge(client, community)[0] == 1


def test_a_count_computed_before_a_change_is_not_used_after_it(client, community, member, thread, reader):
    from discussions.unread_cache import UnreadCountCache

    cache = UnreadCountCache()
    value, token = cache.lookup(reader, community.slug)
    assert value is None and token is not None
    services.thread_start(community=community, by=member, title="Meanwhile", body="x")  # a new generation
    cache.store(reader, community.slug, (community.pk, 1), token)  # the count computed before the new thread
    assert cache.lookup(reader, community.slug)[1] is not None, "not used: computed again"
    assert _badge(client, community)[0] == 2


def test_a_count_remembered_for_another_community_that_had_the_slug_is_not_shown(client, community, member, reader):
    from discussions.unread_cache import UnreadCountCache

    services.thread_start(community=community, by=member, title="One", body="x")
    cache = UnreadCountCache()
    _value, token = cache.lookup(reader, community.slug)
    cache.store(reader, community.slug, (community.pk + 1000, 42), token)  # another community, same slug
    assert cache.lookup(reader, community.slug)[0] == (community.pk + 1000, 42)
    assert _badge(client, community)[0] == 1


ME_COUNT = re.compile(r'my-unread-discussions"[^>]*>(\d+) unread discussion')


def _me_counts(client) -> tuple[list[int], list[str]]:
    """Return the unread counts /me/ shows, in order, and the page's queries."""
    with CaptureQueriesContext(connection) as queries:
        html = client.get("/me/").content.decode()
    return [int(n) for n in ME_COUNT.findall(html)], [query["sql"] for query in queries]


def _threads_counted(queries) -> bool:
    return any("discussions_thread" in sql and "COUNT(" in sql for sql in queries)


def test_me_uses_the_remembered_counts_of_every_community_and_sees_a_change_at_once(
    client, community, member, thread, reader
):
    from tests.factories import CommunityFactory

    other = CommunityFactory()
    make_member(other, reader)
    other_member = make_member(other)
    services.thread_start(community=other, by=other_member, title="Elsewhere", body="x")
    services.thread_start(community=other, by=other_member, title="Elsewhere too", body="x")
    first, counted = _me_counts(client)
    again, remembered = _me_counts(client)
    assert sorted(first) == sorted(again) == [1, 2]
    assert _threads_counted(counted) and not _threads_counted(remembered)
    # A new thread in one community: counted again, the other's count still remembered.
    services.thread_start(community=community, by=member, title="Second", body="x")
    after, _queries = _me_counts(client)
    assert sorted(after) == [2, 2]
    # Reading it in the community: /me/ shows one fewer.
    client.get(thread.get_absolute_url())
    assert sorted(_me_counts(client)[0]) == [1, 2]
