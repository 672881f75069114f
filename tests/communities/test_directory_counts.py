"""Issue 15: the directory's member counts are kept until a membership changes.

Counting the cards' active members was 9–13 ms of every directory request at network scale. Each
community's count is kept under one generation that a saved or deleted membership renews.
"""

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities import directory_counts
from communities.services import membership_leave
from tests.factories import CommunityFactory, make_member

pytestmark = pytest.mark.django_db


def _card(client, community):
    (card,) = [c for c in client.get("/", {"q": community.name}).context["communities"] if c.pk == community.pk]
    return card


def _counting(queries) -> list[str]:
    return [q["sql"] for q in queries if "communities_membership" in q["sql"] and "COUNT(" in q["sql"]]


def test_a_card_counts_once_then_keeps_its_count(client):
    community = CommunityFactory(name="Counted community")
    make_member(community)
    make_member(community)
    with CaptureQueriesContext(connection) as first:
        assert _card(client, community).member_count == 2
    first = list(first.captured_queries)  # read now: the next request empties the connection's log
    with CaptureQueriesContext(connection) as again:
        assert _card(client, community).member_count == 2
    again = list(again.captured_queries)
    assert len(_counting(first)) == 1
    assert _counting(again) == []
    assert len(again) == len(first) - 1


def test_joining_and_leaving_show_at_once(client):
    community = CommunityFactory(name="Changing community")
    make_member(community)
    assert _card(client, community).member_count == 1
    newcomer = make_member(community)
    assert _card(client, community).member_count == 2
    membership_leave(user=newcomer, community=community)
    assert _card(client, community).member_count == 1


def test_a_count_kept_under_an_older_generation_is_not_used():
    community = CommunityFactory()
    make_member(community)
    assert directory_counts.member_counts([community.pk]) == {community.pk: 1}
    # A membership written without signals (as seed_scale's COPY) is seen once changed() is called.
    from communities.models import Membership
    from tests.factories import UserFactory

    Membership.objects.bulk_create(
        [Membership(user=UserFactory(), community=community, status=Membership.Status.ACTIVE)]
    )
    assert directory_counts.member_counts([community.pk]) == {community.pk: 1}  # kept
    directory_counts.changed()
    assert directory_counts.member_counts([community.pk]) == {community.pk: 2}
    assert directory_counts.member_counts([]) == {}


def test_kept_counts_are_read_in_one_round_trip():
    from unittest import mock

    from django.core.cache import cache

    communities = [CommunityFactory() for _ in range(3)]
    for community in communities:
        make_member(community)
    ids = [community.pk for community in communities]
    assert directory_counts.member_counts(ids) == dict.fromkeys(ids, 1)
    with (
        mock.patch.object(cache, "get_many", wraps=cache.get_many) as get_many,
        mock.patch.object(cache, "get", wraps=cache.get) as get,
        mock.patch.object(cache, "add", wraps=cache.add) as add,
        CaptureQueriesContext(connection) as queries,
    ):
        assert directory_counts.member_counts(ids) == dict.fromkeys(ids, 1)
    assert (get_many.call_count, get.call_count, add.call_count) == (1, 0, 0)
    assert len(queries.captured_queries) == 0
