"""Issue 15: a person's memberships and grants are remembered between their read-only requests, never stale.

Reading them cost about 10 ms of every signed-in request of the heaviest member at network scale.
communities/permissions/person_cache.py keeps the Person under the person's own generation and
everyone's; every change that can alter what it holds starts one of them again, and an entry of an
older one is never used. Only with the shared Redis cache answering.
"""

from __future__ import annotations

import os
import secrets
from datetime import timedelta

import pytest
from django.contrib.auth.models import Group as DjangoGroup
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communities import permissions
from communities.models import Group, Invitation, Membership
from communities.permissions import person_cache
from communities.permissions.person import load_person
from communities.services.groups import group_move
from communities.services.memberships import membership_change_role, membership_grant, membership_remove
from tests.conftest import require_service
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member

pytestmark = pytest.mark.django_db


@pytest.fixture(autouse=True)
def shared_cache(settings):
    """The deployment's cache: FailSafeRedisCache on the real Redis, with keys of this test's own."""
    url = os.environ.get("CACHE_URL") or os.environ.get("REDIS_URL", "")
    require_service(bool(url), "Redis (CACHE_URL)")
    settings.PERSON_CACHE_SECONDS = 120
    settings.CACHES = {
        "default": {
            "BACKEND": "cop_portal.cache.FailSafeRedisCache",
            "LOCATION": url,
            "KEY_PREFIX": f"person-cache-test-{secrets.token_hex(4)}",
            "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.5},
        }
    }


def _person(user):
    """Return (user's Person in a new read-only request, the membership queries it ran)."""
    with permissions.request_answers(), CaptureQueriesContext(connection) as queries:
        person = permissions.known_person(user)
    return person, [q["sql"] for q in queries if "communities_membership" in q["sql"]]


def _remembered(user) -> bool:
    return not _person(user)[1]


def test_the_second_request_uses_the_remembered_person_without_a_query():
    community = CommunityFactory()
    member = make_member(community, group=None)
    make_member(community, member, group=GroupFactory(community=community))
    first, read = _person(member)
    second, again = _person(member)
    assert read and not again
    assert second is not first
    assert [m.pk for m in second.memberships] == [m.pk for m in first.memberships]
    assert second.active.keys() == first.active.keys() == {community.pk}
    assert second.memberships[0].community.slug == community.slug


def test_joining_leaving_and_a_new_role_are_seen_at_once():
    here, there = CommunityFactory(), CommunityFactory()
    member = make_member(here)
    coordinator = make_member(here, role=Membership.Role.COORDINATOR)
    _person(member), _person(member)
    assert _remembered(member)

    membership_grant(user=member, community=there)
    person, read = _person(member)
    assert read and person.is_active_member(there.pk)

    membership = Membership.objects.get(user=member, community=here, group__isnull=True)
    membership_change_role(membership=membership, role=Membership.Role.COORDINATOR, by=coordinator)
    _person(member)  # remembered again
    person, read = _person(member)
    assert not read and person.manages_community(here.pk)

    leaving = Membership.objects.get(user=member, community=there, group__isnull=True)
    membership_remove(membership=leaving, by=make_member(there, role=Membership.Role.COORDINATOR))
    person, read = _person(member)
    assert read and not person.is_active_member(there.pk)


def test_a_facilitators_grant_given_and_taken_is_seen_at_once():
    community = CommunityFactory()
    group = GroupFactory(community=community)
    member = make_member(community)
    _person(member)
    assert _remembered(member)
    permissions.grant(permissions.GROUP_PERM, member, group)
    person, read = _person(member)
    assert read and person.manages_group(community.pk, group.pk)
    _person(member)
    permissions.revoke(permissions.GROUP_PERM, member, group)
    person, read = _person(member)
    assert read and not person.manages_group(community.pk, group.pk)


def test_a_co_organisers_grant_given_and_taken_is_seen_at_once():
    """The person carries their grants on single meetings too (Person.object_grants)."""
    from meetings.querysets import CO_ORGANISER_PERM
    from tests.meetings.factories import MeetingFactory

    community = CommunityFactory()
    member = make_member(community)
    meeting = MeetingFactory(community=community)
    _person(member)
    assert _remembered(member)
    permissions.grant(CO_ORGANISER_PERM, member, meeting)
    person, read = _person(member)
    assert read and meeting.pk in set().union(*person.object_grants.values())
    _person(member)
    permissions.revoke(CO_ORGANISER_PERM, member, meeting)
    person, read = _person(member)
    assert read and person.object_grants == {}


def test_a_grant_through_a_django_group_is_seen_at_once():
    community = CommunityFactory()
    group = GroupFactory(community=community)
    member = make_member(community)
    team = DjangoGroup.objects.create(name="facilitators")
    from guardian.shortcuts import assign_perm

    assign_perm(permissions.GROUP_PERM, team, group)
    _person(member)
    assert _remembered(member)
    member.groups.add(team)
    person, read = _person(member)
    assert read and person.manages_group(community.pk, group.pk)
    _person(member)
    team.user_set.clear()  # from the group's side, naming nobody
    person, read = _person(member)
    assert read and not person.manages_group(community.pk, group.pk)


def test_a_renamed_community_and_reordered_groups_are_seen_at_once():
    community = CommunityFactory(name="Before")
    first, second = GroupFactory(community=community), GroupFactory(community=community)
    coordinator = make_member(community, role=Membership.Role.COORDINATOR)
    for group in (first, second):
        make_member(community, coordinator, group=group)
    _person(coordinator)
    assert _remembered(coordinator)
    community.name = "After"
    community.save()
    person, read = _person(coordinator)
    assert read and person.memberships[0].community.name == "After"

    order = [m.group_id for m in _person(coordinator)[0].memberships if m.group_id]
    group_move(group=Group.objects.get(pk=order[-1]), position=1, by=coordinator)  # bulk_update: no signal
    person, read = _person(coordinator)
    assert read and [m.group_id for m in person.memberships if m.group_id] == list(reversed(order))


def test_an_invitation_to_the_person_is_seen_at_once():
    community = CommunityFactory()
    member = make_member(community)
    person, _read = _person(member)
    assert person.has_invitations is False and _remembered(member)
    inviter = make_member(community, role=Membership.Role.COORDINATOR)
    Invitation.objects.create(
        community=community,
        email=member.email,
        invited_by=inviter,
        key=secrets.token_urlsafe(32),
        expires_at=timezone.now() + timedelta(days=14),
    )
    person, read = _person(member)
    assert read and person.has_invitations is True


def test_a_person_read_while_a_change_commits_is_never_used():
    community = CommunityFactory()
    member = make_member(community)
    # What a request does on a miss: the generations first, then the database...
    person, token = person_cache.lookup(member)
    assert person is None and token is not None
    stale = load_person(member)
    # ...while another request commits a change of the person's...
    membership_grant(user=member, community=CommunityFactory())
    # ...then it stores what it read under the generations it read first: never served.
    person_cache.store(member, stale, token)
    person, read = _person(member)
    assert read and len(person.active) == 2


def test_nothing_is_remembered_when_turned_off(settings):
    member = make_member(CommunityFactory())
    settings.PERSON_CACHE_SECONDS = 0
    _person(member)
    assert not _remembered(member)


def test_nothing_is_remembered_without_the_shared_cache(settings):
    settings.CACHES = {"default": {"BACKEND": "django.core.cache.backends.locmem.LocMemCache", "LOCATION": "p"}}
    member = make_member(CommunityFactory())
    _person(member)
    assert not _remembered(member)


def test_nothing_is_remembered_while_redis_is_down():
    from django.core.cache import cache

    member = make_member(CommunityFactory())
    _person(member)
    assert _remembered(member)
    cache._down_until = float("inf")  # as after a connection error: the fallback answers
    try:
        assert not _remembered(member)
        assert not _remembered(member)
    finally:
        cache._down_until = 0.0
    assert _remembered(member)


def test_a_page_of_a_remembered_person_shows_the_same_and_asks_no_more(client):
    community = CommunityFactory(visibility="members")
    member = make_member(community)
    make_member(community, member, group=GroupFactory(community=community, visibility=Group.Visibility.PRIVATE))
    client.force_login(member)
    url = f"/c/{community.slug}/meetings/"
    client.get(url)  # what a first request fills (the header's menu...)
    person_cache.person_changed(member.pk)
    with CaptureQueriesContext(connection) as read:
        first = client.get(url)
    with CaptureQueriesContext(connection) as remembered:
        second = client.get(url)
    assert first.status_code == second.status_code == 200
    assert len(remembered) < len(read)
    assert not any("communities_membership" in q["sql"] and "guardian_" in q["sql"] for q in remembered)
    # The same page: the header's communities and the member's private group's filter among them.
    assert first.content.count(community.name.encode()) == second.content.count(community.name.encode())


def test_a_persons_rows_share_one_object_per_community():
    """Issue 15: the join gave each membership row its own copy of the community; one is kept and shared."""
    community = CommunityFactory()
    person = UserFactory()
    make_member(community, person)
    for _ in range(2):
        make_member(community, person, group=GroupFactory(community=community))
    with permissions.request_answers():
        loaded = permissions.known_person(person)
    assert len(loaded.memberships) == 3
    assert len({id(membership.community) for membership in loaded.memberships}) == 1
    assert all(m.group.community is m.community for m in loaded.memberships if m.group_id)
