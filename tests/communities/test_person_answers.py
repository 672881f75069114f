"""Permission answers from the person's memberships read once per request equal the answers of the queries.

Within `request_answers()` (every GET), is_active_member, can_manage, manages_any_group and
can_post_in answer from one read of the person's memberships and grants
(communities.permissions.person); outside it they ask the database. Both must agree for every
kind of person, including the grants that count only while the person is an active member.
"""

from __future__ import annotations

import pytest
from django.contrib.auth.models import Group as AuthGroup
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities import permissions
from communities.models import Membership
from communities.services import membership_leave
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db


def _answers(user, communities, groups) -> dict:
    answers = {}
    for community in communities:
        answers[("member", community.pk)] = permissions.is_active_member(user, community)
        answers[("manages", community.pk)] = permissions.can_manage(user, community)
        answers[("any group", community.pk)] = permissions.manages_any_group(user, community)
        answers[("post", community.pk)] = permissions.can_post_in(user, community)
        answers[("role", community.pk)] = permissions.active_role(user, community)
    for group in groups:
        answers[("manages group", group.pk)] = permissions.can_manage(user, group)
        answers[("post group", group.pk)] = permissions.can_post_in(user, group.community, group)
    return answers


@pytest.fixture
def world():
    alpha, beta, gamma = CommunityFactory(), CommunityFactory(), CommunityFactory()
    groups = [GroupFactory(community=alpha), GroupFactory(community=alpha), GroupFactory(community=beta)]
    coordinator = make_member(alpha, role=Membership.Role.COORDINATOR)
    facilitator = make_member(alpha)
    make_member(alpha, facilitator, role=Membership.Role.FACILITATOR, group=groups[0])
    # A facilitator's grant on a group they are not a member of (given in the admin): only the
    # database can tell, and the answer must still be yes.
    outside_grant = make_member(alpha)
    permissions.grant(permissions.GROUP_PERM, outside_grant, groups[1])
    # Grants through an auth group count too.
    via_group = make_member(beta)
    team = AuthGroup.objects.create(name="beta coordinators")
    via_group.groups.add(team)
    from guardian.shortcuts import assign_perm

    assign_perm(permissions.COMMUNITY_PERM, team, beta)
    # A coordinator who left: their grants no longer count.
    leaver = make_member(gamma, role=Membership.Role.COORDINATOR)
    make_member(gamma, role=Membership.Role.COORDINATOR)  # gamma keeps a coordinator
    membership_leave(user=leaver, community=gamma)
    permissions.grant(permissions.COMMUNITY_PERM, leaver, gamma)
    member = make_member(beta, group=groups[2])
    people = [coordinator, facilitator, outside_grant, via_group, leaver, member, UserFactory()]
    return people, [alpha, beta, gamma], groups


def test_answers_read_once_per_request_equal_the_answers_of_the_queries(world):
    people, communities, groups = world
    for person in people:
        asked = _answers(person, communities, groups)
        with permissions.request_answers():
            remembered = _answers(person, communities, groups)
        assert remembered == asked, person.email
    coordinator, facilitator, outside_grant, via_group, leaver = people[:5]
    alpha, beta, gamma = communities
    assert _answers(outside_grant, communities, groups)[("manages group", groups[1].pk)] is True
    assert _answers(via_group, communities, groups)[("manages", beta.pk)] is True
    assert _answers(leaver, communities, groups)[("manages", gamma.pk)] is False
    assert _answers(facilitator, communities, groups)[("any group", alpha.pk)] is True


def test_every_answer_of_a_request_comes_from_one_read_of_the_memberships(world):
    people, communities, groups = world
    coordinator = people[0]
    with permissions.request_answers(), CaptureQueriesContext(connection) as queries:
        _answers(coordinator, communities, groups)
        permissions.memberships(coordinator)
    assert len(queries) == 1, [query["sql"] for query in queries]


def test_outside_a_request_a_change_is_seen_at_once(world):
    people, communities, groups = world
    member, beta = people[5], communities[1]
    assert permissions.is_active_member(member, beta)
    membership_leave(user=member, community=beta)
    assert not permissions.is_active_member(member, beta)
    assert [m for m in permissions.memberships(member) if m.status == Membership.Status.ACTIVE] == []
