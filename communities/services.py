"""Every write to communities and memberships goes through these functions."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from guardian.shortcuts import assign_perm, remove_perm

from .models import Community, Group, Membership

COMMUNITY_PERM = "communities.manage_community"
GROUP_PERM = "communities.manage_group"


def permissions_sync(*, user, community: Community) -> None:
    """Make user's guardian object permissions on community and its groups match their memberships.

    Coordinators manage the community and every group in it; a facilitator of a
    group manages that group. Called after every membership change, so a role
    change takes effect on the very next request.
    """
    memberships = list(Membership.objects.active().filter(user=user, community=community).select_related("group"))
    is_coordinator = any(m.group_id is None and m.role == Membership.Role.COORDINATOR for m in memberships)
    facilitated = {m.group_id for m in memberships if m.group_id and m.role != Membership.Role.MEMBER}
    if is_coordinator:
        assign_perm(COMMUNITY_PERM, user, community)
    else:
        remove_perm(COMMUNITY_PERM, user, community)
    for group in Group.objects.filter(community=community):
        if is_coordinator or group.pk in facilitated:
            assign_perm(GROUP_PERM, user, group)
        else:
            remove_perm(GROUP_PERM, user, group)


@transaction.atomic
def membership_grant(
    *, user, community: Community, group: Group | None = None, role: str = Membership.Role.MEMBER, by=None
) -> Membership:
    """Make user an active member of community (or of group) with role; idempotent."""
    if group is not None and group.community_id != community.pk:
        raise ValueError("The group belongs to another community.")
    membership, _created = Membership.objects.select_for_update().get_or_create(
        user=user, community=community, group=group, defaults={"role": role, "status": Membership.Status.ACTIVE}
    )
    changed = []
    if membership.status != Membership.Status.ACTIVE:
        membership.status = Membership.Status.ACTIVE
        changed.append("status")
    if membership.role != role:
        membership.role = role
        changed.append("role")
    if changed or _created:
        membership.decided_by = by
        membership.decided_at = timezone.now()
        membership.save()
    if group is not None:
        # Belonging to a group implies belonging to its community.
        Membership.objects.get_or_create(
            user=user, community=community, group=None, defaults={"status": Membership.Status.ACTIVE}
        )
    permissions_sync(user=user, community=community)
    return membership
