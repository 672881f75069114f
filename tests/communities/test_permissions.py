"""The permissions module answers alike for every kind of person, and is the only place that decides."""

from __future__ import annotations

import re
from pathlib import Path

import pytest
from django.contrib.auth.models import AnonymousUser
from guardian.shortcuts import assign_perm

from communities import permissions
from communities.models import Community, Group, Membership
from communities.services import membership_leave
from tests.factories import CommunityFactory, GroupFactory, UserFactory, make_member


@pytest.fixture
def world(db):
    community = CommunityFactory(slug="rebuild")
    other = CommunityFactory(slug="elsewhere")
    group = GroupFactory(community=community, slug="tech")
    other_group = GroupFactory(community=community, slug="finance")
    coordinator = make_member(community, role=Membership.Role.COORDINATOR)
    facilitator = make_member(community)
    make_member(community, user=facilitator, group=group, role=Membership.Role.FACILITATOR)
    member = make_member(community)
    left = make_member(community)
    make_member(community, user=left, group=group, role=Membership.Role.FACILITATOR)
    membership_leave(user=left, community=community)
    superuser = UserFactory(is_superuser=True, is_staff=True)
    inactive_superuser = UserFactory(is_superuser=True, is_active=False)
    return {
        "community": community,
        "other": other,
        "group": group,
        "other_group": other_group,
        "coordinator": coordinator,
        "facilitator": facilitator,
        "member": member,
        "left": left,
        "outsider": UserFactory(),
        "anonymous": AnonymousUser(),
        "superuser": superuser,
        "inactive_superuser": inactive_superuser,
    }


ANSWERS = {
    # person: (member of community, manages community, manages group, manages other group)
    "superuser": (True, True, True, True),
    "coordinator": (True, True, True, True),
    "facilitator": (True, False, True, False),
    "member": (True, False, False, False),
    "left": (False, False, False, False),
    "outsider": (False, False, False, False),
    "anonymous": (False, False, False, False),
    "inactive_superuser": (False, False, False, False),
}


@pytest.mark.parametrize("person", sorted(ANSWERS))
def test_each_kind_of_person_gets_the_same_answer_from_every_function(world, person):
    user, community, group = world[person], world["community"], world["group"]
    member, manages, manages_group, manages_other_group = ANSWERS[person]
    assert permissions.is_active_member(user, community) is member
    assert permissions.can_manage(user, community) is manages
    assert permissions.can_manage(user, group) is manages_group
    assert permissions.can_manage(user, world["other_group"]) is manages_other_group
    assert Community.objects.managed_by(user).filter(pk=community.pk).exists() is manages
    assert Group.objects.managed_by(user).filter(pk=group.pk).exists() is manages_group
    assert (
        community.pk
        in set(Community.objects.filter(pk__in=permissions.managed_community_ids(user)).values_list("pk", flat=True))
    ) is manages
    assert permissions.can_manage(user, world["other"]) is (person == "superuser")


def test_only_active_signed_in_superusers_are_portal_admins(world):
    assert permissions.is_portal_admin(world["superuser"])
    for person in ("inactive_superuser", "coordinator", "anonymous", "outsider"):
        assert not permissions.is_portal_admin(world[person])
    assert list(permissions.portal_admins()) == [world["superuser"]]


def test_a_grant_counts_only_while_its_holder_is_an_active_member(world):
    community, left, member = world["community"], world["left"], world["member"]
    assign_perm("communities.manage_community", left, community)
    assign_perm("communities.manage_community", member, community)
    assert not permissions.can_manage(left, community)
    assert permissions.can_manage(member, community)
    assert not permissions.has_grant(world["outsider"], "communities.manage_community", community)
    assert list(permissions.users_granted("communities.manage_community", community).order_by("pk")) == sorted(
        [world["coordinator"], member], key=lambda user: user.pk
    )


def test_leaving_revokes_the_facilitators_grant_and_a_rejoin_does_not_restore_it(world):
    community, group, left = world["community"], world["group"], world["left"]
    assert not permissions.has_grant(left, "communities.manage_group", group)
    make_member(community, user=left)
    assert not permissions.can_manage(left, group)


def test_memberships_are_managed_by_coordinators_and_the_groups_facilitator_only(world):
    community, group = world["community"], world["group"]
    in_group = make_member(community)
    make_member(community, user=in_group, group=group)
    rows = Membership.objects.filter(user=in_group)
    assert rows.filter(permissions.managed_membership_filter(world["coordinator"], community)).count() == 2
    assert list(rows.filter(permissions.managed_membership_filter(world["facilitator"], community))) == [
        rows.get(group=group)
    ]
    for person in ("member", "left", "anonymous"):
        assert not rows.filter(permissions.managed_membership_filter(world[person], community)).exists()


# ----------------------------------------------------------------------------- one door

ROOT = Path(__file__).resolve().parents[2]
APPS = ("communities", "meetings", "knowledge", "cop_portal", "members")
DECISION = re.compile(
    r"has_perms?\(|get_objects_for_user|get_users_with_perms|UserObjectPermission|GroupObjectPermission|is_superuser"
)
# Lines that name the words without deciding anything: model and admin fields, creating users.
NOT_DECISIONS = re.compile(
    r'setdefault\("is_superuser"|"is_superuser",|"is_staff", "is_superuser"|is_superuser=True\)$'
)


def test_no_access_decision_is_made_outside_the_permissions_module():
    offenders = []
    for app in APPS:
        for path in sorted((ROOT / app).rglob("*.py")):
            relative = path.relative_to(ROOT).as_posix()
            if "/migrations/" in relative or relative.startswith("communities/permissions"):
                continue
            for number, line in enumerate(path.read_text(encoding="utf-8").splitlines(), start=1):
                if DECISION.search(line) and not NOT_DECISIONS.search(line.strip()):
                    offenders.append(f"{relative}:{number}: {line.strip()}")
    assert offenders == [], "Access decided outside communities/permissions:\n" + "\n".join(offenders)
