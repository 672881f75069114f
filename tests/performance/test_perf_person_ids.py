"""Issue 15 (perf): a read-only request's permission subqueries become the person's ids; the console's
members are read in role order through the index on names; /me/ reads what waits for a coordinator by index."""

from datetime import timedelta

import pytest
from django.core.exceptions import EmptyResultSet
from django.db import connection
from django.db.models import IntegerField, Value
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communities import permissions
from communities.models import Group, Membership
from communities.selectors import ROLE_ORDER, console_members
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db

ID_FUNCTIONS = ("active_community_ids", "active_group_ids", "managed_community_ids", "managed_group_ids")


def _ids(value) -> list[int]:
    if isinstance(value, list):
        return sorted(value)
    return sorted(next(iter(row.values())) for row in value)  # a values() subquery of one column


@pytest.fixture
def network():
    """Two communities with public, members and private groups, and people in every role."""
    here, there = CommunityFactory(visibility="public"), CommunityFactory(visibility="members")
    closed = CommunityFactory(visibility="members")
    groups = {
        (community.pk, visibility): GroupFactory(community=community, visibility=visibility)
        for community in (here, there, closed)
        for visibility in (Group.Visibility.PUBLIC, Group.Visibility.MEMBERS, Group.Visibility.PRIVATE)
    }
    member = make_member(here)
    make_member(there, member)
    make_member(here, member, group=groups[(here.pk, Group.Visibility.PRIVATE)])
    coordinator = make_member(there, role=Membership.Role.COORDINATOR)
    make_member(here, coordinator)
    # A facilitator's grant on a group of `here` they are not a member of, and one in a community they left.
    facilitator = make_member(here)
    permissions.grant(permissions.GROUP_PERM, facilitator, groups[(here.pk, Group.Visibility.MEMBERS)])
    permissions.grant(permissions.GROUP_PERM, facilitator, groups[(closed.pk, Group.Visibility.PUBLIC)])
    people = [member, coordinator, facilitator, UserFactory()]
    return {"people": people, "groups": groups, "here": here, "closed": closed}


def test_within_a_request_the_id_subqueries_become_the_same_ids_as_lists(network):
    for person in network["people"]:
        outside = {name: _ids(getattr(permissions, name)(person)) for name in ID_FUNCTIONS}
        outside["visible_group_ids"] = _ids(permissions.visible_group_ids(person))
        with permissions.request_answers():
            permissions.known_person(person)
            inside = {name: getattr(permissions, name)(person) for name in ID_FUNCTIONS}
            visible = permissions.visible_group_ids(person)
            for name in ("active_community_ids", "active_group_ids", "managed_community_ids"):
                assert isinstance(inside[name], list), name  # literal ids, not a subquery
            # Read with the person (Person.visible_groups), unless they have no membership row at all.
            assert isinstance(visible, list) or not Membership.objects.filter(user=person).exists()
            # What is left of the group subqueries reads neither memberships nor guardian's tables.
            for subquery in (inside["managed_group_ids"], *([] if isinstance(visible, list) else [visible])):
                try:
                    query = str(subquery.query)
                except EmptyResultSet:  # no ids at all: no query either
                    continue
                assert "communities_membership" not in query and "guardian_" not in query
            inside = {name: _ids(value) for name, value in inside.items()}
            inside["visible_group_ids"] = _ids(visible)
        assert inside == outside, person


def test_a_facilitators_grant_on_a_group_they_are_not_in_is_answered_from_the_snapshot(network):
    facilitator = network["people"][2]
    group = network["groups"][(network["here"].pk, Group.Visibility.MEMBERS)]
    assert not Membership.objects.filter(user=facilitator, group=group).exists()
    with permissions.request_answers():
        permissions.known_person(facilitator)
        with CaptureQueriesContext(connection) as asked:
            assert permissions.can_manage(facilitator, group)
            assert permissions.manages_any_group(facilitator, network["here"])
            # A group of the same community without a grant is not theirs; a grant in a community they are
            # not a member of counts for nothing.
            assert not permissions.can_manage(facilitator, network["groups"][(group.community_id, "private")])
            assert not permissions.can_manage(facilitator, network["groups"][(network["closed"].pk, "public")])
    assert asked.captured_queries == []


def _names_in_a_mixed_order(community):
    """Make leaders and members whose names interleave, so that a sort by name alone would mix them."""
    for n, role in enumerate(["member", "coordinator", "member", "facilitator", "member", "coordinator"] * 4):
        make_member(community, UserFactory(full_name=f"Person {n % 7:02d}", email=f"p{n:02d}@example.org"), role=role)


def test_the_console_lists_members_in_the_same_order_page_after_page():
    community = CommunityFactory()
    coordinator = make_member(community, role=Membership.Role.COORDINATOR)
    _names_in_a_mixed_order(community)
    members = console_members(user=coordinator, community=community)
    expected = list(
        Membership.objects.active()
        .filter(community=community, group=None)
        .order_by(ROLE_ORDER, "user__full_name", "user__email")
        .values_list("pk", flat=True)
    )
    assert members.count() == len(expected) == 25
    pages = [m.pk for start in range(0, 25, 4) for m in members[start : start + 4]]
    assert pages == expected
    roles = [m.role for m in members[0:25]]
    assert roles == sorted(roles, key=["coordinator", "facilitator", "member"].index)
    assert members[0:3][0].user.organization_id == coordinator.organization_id  # the person came with the row


def test_a_console_page_of_members_is_read_in_the_order_of_the_index_on_names():
    community = CommunityFactory()
    coordinator = make_member(community, role=Membership.Role.COORDINATOR)
    _names_in_a_mixed_order(community)
    members = console_members(user=coordinator, community=community)
    in_name_order = members._branch(members.members.filter(role="member"), Value(2, output_field=IntegerField()))
    sql, params = in_name_order[:50].query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE members_user, communities_membership")
        # Tiny tables: ask whether an index gives the order (sorting and hashing everything is ruled out).
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("SET LOCAL enable_sort = off")
        cursor.execute("SET LOCAL enable_hashjoin = off")
        cursor.execute("SET LOCAL enable_mergejoin = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "user_name_order_idx" in plan, plan


def test_registrations_awaiting_approval_are_found_by_their_own_index():
    from cop_portal.reports.dashboard import _awaiting_approval
    from meetings.models import Registration

    community = CommunityFactory()
    coordinator = make_member(community, role=Membership.Role.COORDINATOR)
    pending = Registration.objects.filter(status=Registration.Status.PENDING)
    sql, params = pending.filter(meeting__in=_awaiting_approval(coordinator).values("pk")).query.sql_with_params()
    with connection.cursor() as cursor:
        cursor.execute("ANALYZE meetings_registration")
        cursor.execute("SET LOCAL enable_seqscan = off")
        cursor.execute("EXPLAIN " + sql, params)
        plan = "\n".join(row[0] for row in cursor.fetchall())
    assert "registration_pending_idx" in plan, plan


def _meetings(community, count: int, *, days: int) -> None:
    from meetings.models import Meeting

    for n in range(count):
        start = timezone.now() + timedelta(days=days, hours=n)
        Meeting.objects.create(community=community, title=f"Meeting {n}", start=start, end=start + timedelta(hours=1))


def test_me_reads_as_many_queries_for_a_coordinator_with_more_data(client):
    community = CommunityFactory(visibility="public")
    coordinator = make_member(community, role=Membership.Role.COORDINATOR)
    client.force_login(coordinator)
    client.get("/me/")  # warm the process

    def count() -> int:
        with CaptureQueriesContext(connection) as context:
            assert client.get("/me/").status_code == 200
        return len(context.captured_queries)

    _meetings(community, 1, days=2)
    _meetings(community, 1, days=-2)  # past and not closed: minutes to write
    small = count()
    _names_in_a_mixed_order(community)
    _meetings(community, 6, days=3)
    _meetings(community, 6, days=-3)
    assert count() == small <= 12


def test_the_console_reads_only_the_requests_it_shows_with_their_people_and_counts_the_rest():
    """The oldest requests are chosen by id, then read with their person: no window over every request."""
    from communities.selectors import console_requests_oldest

    community = CommunityFactory(join_policy="approval")
    coordinator = make_member(community, role=Membership.Role.COORDINATOR)
    group = GroupFactory(community=community)
    waiting = []
    for number in range(7):
        person = UserFactory()
        request = Membership.objects.create(
            user=person, community=community, group=group if number % 2 else None, status=Membership.Status.PENDING
        )
        Membership.objects.filter(pk=request.pk).update(created_at=timezone.now() - timedelta(days=10 - number))
        waiting.append(request.pk)
    Membership.objects.create(user=UserFactory(), community=CommunityFactory(), status=Membership.Status.PENDING)
    with CaptureQueriesContext(connection) as queries:
        oldest, total = console_requests_oldest(user=coordinator, community=community, limit=3)
        names = [request.user.email for request in oldest] + [request.group_id for request in oldest]
    assert [request.pk for request in oldest] == waiting[:3] and total == 7
    assert len(names) == 6
    read = [query["sql"] for query in queries if '"members_user"' in query["sql"]]
    assert len(read) == 1, "the requests, their people and the total in one query"
    assert "OVER" not in read[0], "a window would join every pending request before the LIMIT"
