"""Issue 15: the groups a person may see are read with their memberships (Person.visible_groups).

Every scoped meeting, item and thread query of a signed-in page carried the group wall as a subquery
joining groups and communities (built, compiled and planned each time). Within a read-only request whose
person is read, visible_group_ids is one list of ids instead: the same answer as the database's rule,
tested here for each kind of viewer, and seen at once after a group or community changes.
"""

from __future__ import annotations

import pytest
from django.db import connection
from django.test.utils import CaptureQueriesContext

from communities import permissions
from communities.models import Community, Group, Membership
from communities.permissions import request_answers
from communities.permissions.person import known_person
from meetings.models import Meeting
from tests.factories import CommunityFactory, GroupFactory, make_member
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db
V = Group.Visibility


@pytest.fixture
def network():
    """Two public communities and a members-only one, each with a public, a members and a private group."""
    here = CommunityFactory(visibility=Community.Visibility.PUBLIC)
    elsewhere = CommunityFactory(visibility=Community.Visibility.PUBLIC)
    closed = CommunityFactory(visibility=Community.Visibility.MEMBERS)
    groups = {
        (community, visibility): GroupFactory(community=community, visibility=visibility)
        for community in (here, elsewhere, closed)
        for visibility in (V.PUBLIC, V.MEMBERS, V.PRIVATE)
    }
    member = make_member(here)
    make_member(here, member, group=groups[(here, V.PRIVATE)])
    make_member(closed, member)
    coordinator = make_member(here, role=Membership.Role.COORDINATOR)
    make_member(elsewhere, coordinator)
    facilitator = make_member(here)
    make_member(here, facilitator, group=groups[(here, V.PRIVATE)], role=Membership.Role.FACILITATOR)
    former = make_member(closed)
    make_member(closed, former, group=groups[(closed, V.PRIVATE)])
    Membership.objects.filter(user=former, group__isnull=True).update(status=Membership.Status.LEFT)
    outsider = make_member(elsewhere)
    viewers = {
        "member": member,
        "coordinator": coordinator,
        "facilitator": facilitator,
        "former member": former,
        "outsider": outsider,
    }
    return {"here": here, "elsewhere": elsewhere, "closed": closed, "groups": groups, "viewers": viewers}


def _seen(user, *, person_read: bool) -> set[int]:
    with request_answers():
        if person_read:
            assert known_person(user).visible_groups is not None
        ids = permissions.visible_group_ids(user)
        return set(Group.objects.filter(pk__in=ids).values_list("pk", flat=True))


@pytest.mark.parametrize("viewer", ["member", "coordinator", "facilitator", "former member", "outsider"])
def test_the_persons_groups_are_the_databases(network, viewer):
    user = network["viewers"][viewer]
    from_database = _seen(user, person_read=False)
    assert _seen(user, person_read=True) == from_database
    for group in network["groups"].values():
        with request_answers():
            known_person(user)
            assert permissions.can_see_group(user, group) == (group.pk in from_database)


def test_what_each_viewer_sees(network):
    groups, here, elsewhere, closed = network["groups"], network["here"], network["elsewhere"], network["closed"]
    viewers = network["viewers"]
    public_everywhere = {groups[(here, V.PUBLIC)].pk, groups[(elsewhere, V.PUBLIC)].pk}
    assert _seen(viewers["outsider"], person_read=True) == public_everywhere | {groups[(elsewhere, V.MEMBERS)].pk}
    assert _seen(viewers["member"], person_read=True) == public_everywhere | {
        groups[(here, V.MEMBERS)].pk,
        groups[(here, V.PRIVATE)].pk,
        groups[(closed, V.PUBLIC)].pk,
        groups[(closed, V.MEMBERS)].pk,
    }
    coordinator_sees = _seen(viewers["coordinator"], person_read=True)
    assert groups[(here, V.PRIVATE)].pk in coordinator_sees
    assert groups[(elsewhere, V.PRIVATE)].pk not in coordinator_sees  # a member there, not its coordinator
    assert _seen(viewers["former member"], person_read=True) == public_everywhere  # left: no wall opens


def test_a_page_names_the_groups_as_a_list_without_a_subquery(network):
    member = network["viewers"]["member"]
    MeetingFactory(community=network["here"], group=network["groups"][(network["here"], V.PRIVATE)])
    with request_answers():
        known_person(member)
        with CaptureQueriesContext(connection) as queries:
            list(Meeting.objects.visible_in(member, network["here"]))
    (sql,) = [q["sql"] for q in queries.captured_queries if '"meetings_meeting"' in q["sql"]]
    assert '"communities_group"' not in sql, sql


def test_a_group_made_private_is_seen_as_such_through_the_person_cache(network, settings):
    from django.core.cache import cache

    if getattr(cache, "is_down", True) is not False:
        pytest.skip("the person cache needs the shared Redis cache (CI runs this with Redis)")
    settings.PERSON_CACHE_SECONDS = 120
    outsider = network["viewers"]["outsider"]
    group = network["groups"][(network["elsewhere"], V.PUBLIC)]
    assert group.pk in _seen(outsider, person_read=True)
    assert group.pk in _seen(outsider, person_read=True)  # remembered now
    group.visibility = V.PRIVATE
    group.save()
    assert group.pk not in _seen(outsider, person_read=True)
    assert _seen(outsider, person_read=True) == _seen(outsider, person_read=False)


def test_the_arrays_read_with_the_memberships_are_not_kept_on_each_row(network):
    """They rode on every membership row: kept, a member of 45 communities took 10 ms to unpickle on each request."""
    from communities.permissions.person import load_person

    person = load_person(network["viewers"]["member"])
    assert person.visible_groups and len(person.memberships) > 1
    for membership in person.memberships:
        for name in ("visible_groups", "grants", "object_grants"):
            assert name not in membership.__dict__, name
