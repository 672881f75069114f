"""The directory's member and group counts: the same numbers, without joining every membership to every group."""

import pytest
from django.db import connection
from django.db.models import Count, Q
from django.test.utils import CaptureQueriesContext

from communities.models import Community, Membership
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture
def communities(db):
    busy, quiet, empty = (CommunityFactory(name=name) for name in ("Busy", "Quiet", "Empty"))
    teams = [GroupFactory(community=busy) for _n in range(3)]
    for _n in range(4):
        member = make_member(busy)
        for team in teams:
            make_member(busy, user=member, group=team)  # group memberships are not community members
    make_member(busy, role=Membership.Role.COORDINATOR)
    Membership.objects.create(user=UserFactory(), community=busy, status=Membership.Status.PENDING)
    Membership.objects.create(user=UserFactory(), community=busy, status=Membership.Status.LEFT)
    make_member(quiet)
    GroupFactory(community=quiet)
    return busy, quiet, empty


def _reference() -> dict[str, tuple[int, int]]:
    """Count as the directory did before: one join of memberships and groups, DISTINCT counts."""
    active = Q(memberships__status=Membership.Status.ACTIVE, memberships__group__isnull=True)
    rows = Community.objects.annotate(
        members=Count("memberships", filter=active, distinct=True), groups_n=Count("groups", distinct=True)
    ).values_list("name", "members", "groups_n")
    return {name: (members, groups) for name, members, groups in rows}


def test_cards_count_the_same_members_and_groups_as_the_old_join(client, communities):
    response = client.get("/")

    shown = {card.name: (card.member_count, card.group_count) for card in response.context["communities"]}
    assert shown == _reference()
    assert shown == {"Busy": (5, 3), "Quiet": (1, 1), "Empty": (0, 0)}


def test_no_directory_query_joins_memberships_with_groups(client, communities):
    client.get("/")
    with CaptureQueriesContext(connection) as queries:
        client.get("/")

    for query in queries.captured_queries:
        sql = query["sql"]
        assert not ('JOIN "communities_membership"' in sql and 'JOIN "communities_group"' in sql), sql
    page_count = next(q["sql"] for q in queries.captured_queries if q["sql"].startswith("SELECT COUNT(*)"))
    assert "communities_membership" not in page_count.split("WHERE")[0], "the page count joins no membership"
