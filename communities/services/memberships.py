"""Joining, requesting, deciding, leaving, removing, changing roles; membership_grant and membership_update."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members import outbox

from ..models import Community, Group, JoinPolicy, Membership, MembershipEvent
from ..selectors import GROUP_ROLES, awaits_verification
from ._common import (
    MembershipError,
    _activate,
    _check_eligible,
    _check_group,
    _check_not_archived,
    _check_verified,
    _end_group_memberships,
    _end_rights,
    _is_last_coordinator,
    _last_coordinator_error,
    _lock,
    _lock_community,
    _locked_membership,
    _policy_error,
    _record,
    _require_manager,
    permissions_sync,
)


def _join(*, user, community: Community, group: Group | None) -> Membership:
    """Make user an active member of an open place (the caller holds the community lock)."""
    place = group or community
    membership = _locked_membership(user=user, community=community, group=group)
    if membership is not None and membership.status == Membership.Status.ACTIVE:
        return membership
    if place.join_policy != JoinPolicy.OPEN:
        raise _policy_error(place)
    _check_eligible(user=user, place=place)
    if membership is None:
        membership, _created = Membership.objects.get_or_create(
            user=user, community=community, group=group, defaults={"status": Membership.Status.PENDING}
        )
    _activate(membership, role=Membership.Role.MEMBER, by=user)
    membership.message = ""
    membership.save(update_fields=["message", "updated_at"])
    _record(membership, MembershipEvent.Action.JOINED, user, to_role=Membership.Role.MEMBER)
    return membership


def _enter_community_for_group(*, user, community: Community) -> None:
    """Make sure user is in community before a group join or request; join an open community at once."""
    membership = _locked_membership(user=user, community=community, group=None)
    if membership is not None and membership.status == Membership.Status.ACTIVE:
        return
    if community.join_policy != JoinPolicy.OPEN:
        raise MembershipError(
            _("Join %(community)s first; then you can join its groups.") % {"community": community.name},
            code="community_first",
        )
    _join(user=user, community=community, group=None)


@transaction.atomic
def membership_join(*, user, community: Community, group: Group | None = None) -> Membership:
    """Make user an active member of an open community or group at once; joining twice changes nothing.

    Joining a group of an open community the person is not in yet joins the community too.
    """
    _check_group(community, group)
    community = _lock_community(community)
    if group is not None:
        group = Group.objects.get(pk=group.pk)
        existing = _locked_membership(user=user, community=community, group=group)
        if existing is None or existing.status != Membership.Status.ACTIVE:
            _check_not_archived(group)
            if group.join_policy != JoinPolicy.OPEN:
                raise _policy_error(group)
            _check_eligible(user=user, place=group)
            _enter_community_for_group(user=user, community=community)
    membership = _join(user=user, community=community, group=group)
    permissions_sync(user=user, community=community)
    return membership


@transaction.atomic
def membership_request(*, user, community: Community, group: Group | None = None, message: str = "") -> Membership:
    """Ask to join a community (or group) that approves its members; asking twice makes one request.

    A person whose request was declined (or who left) may ask again; their request is
    pending once more. On an open place the request simply joins.
    """
    _check_group(community, group)
    community = _lock_community(community)
    if group is not None:
        group = Group.objects.get(pk=group.pk)
    place = group or community
    membership = _locked_membership(user=user, community=community, group=group)
    if membership is not None and membership.status in (Membership.Status.ACTIVE, Membership.Status.PENDING):
        return membership
    if group is not None:
        _check_not_archived(group)
    if place.join_policy == JoinPolicy.OPEN and not awaits_verification(user=user, place=place):
        return membership_join(user=user, community=community, group=group)  # nothing to approve
    # An open place reserved to a kind the person's unverified organisation claims takes a
    # request instead: its coordinators verify the organisation, then approve.
    if place.join_policy not in (JoinPolicy.APPROVAL, JoinPolicy.OPEN):
        raise _policy_error(place)
    _check_eligible(user=user, place=place, allow_unverified=True)
    if group is not None:
        _enter_community_for_group(user=user, community=community)
        permissions_sync(user=user, community=community)
    if membership is None:
        membership, _created = Membership.objects.get_or_create(
            user=user, community=community, group=group, defaults={"status": Membership.Status.PENDING}
        )
    membership.status = Membership.Status.PENDING
    membership.role = Membership.Role.MEMBER
    membership.message = (message or "").strip()
    membership.decided_by = None
    membership.decided_at = None
    membership.decision_reason = ""
    membership.save()
    event = _record(membership, MembershipEvent.Action.REQUESTED, user, reason=membership.message)
    outbox.enqueue("communities.notify_request_received", membership.pk, event.pk, key=f"membership-event:{event.pk}")
    return membership


@transaction.atomic
def membership_approve(*, membership: Membership, by, reason: str = "") -> Membership:
    """Let a pending requester in; approving twice changes nothing."""
    membership = _lock(membership)
    _require_manager(by, membership.community, membership.group)
    if membership.status == Membership.Status.ACTIVE:
        return membership
    if membership.status != Membership.Status.PENDING:
        raise MembershipError(_("This request is no longer pending."), code="not_pending")
    _check_verified(membership)
    _check_not_archived(membership.group)
    if membership.group_id is not None:
        in_community = (
            Membership.objects.active()
            .community_level()
            .filter(user_id=membership.user_id, community_id=membership.community_id)
            .exists()
        )
        if not in_community:
            raise MembershipError(_("This person is no longer a member of the community."), code="community_first")
    reason = (reason or "").strip()
    _activate(membership, role=membership.role, by=by, reason=reason)
    event = _record(membership, MembershipEvent.Action.APPROVED, by, to_role=membership.role, reason=reason)
    permissions_sync(user=membership.user, community=membership.community)
    outbox.enqueue("communities.notify_decision", membership.pk, event.pk, key=f"membership-event:{event.pk}")
    return membership


@transaction.atomic
def membership_decline(*, membership: Membership, by, reason: str = "") -> Membership:
    """Turn down a pending request, with an optional reason the requester reads; declining twice changes nothing."""
    membership = _lock(membership)
    _require_manager(by, membership.community, membership.group)
    if membership.status == Membership.Status.DECLINED:
        return membership
    if membership.status != Membership.Status.PENDING:
        raise MembershipError(_("This request is no longer pending."), code="not_pending")
    reason = (reason or "").strip()
    membership.status = Membership.Status.DECLINED
    membership.decided_by = by
    membership.decided_at = timezone.now()
    membership.decision_reason = reason
    membership.save()
    event = _record(membership, MembershipEvent.Action.DECLINED, by, reason=reason)
    permissions_sync(user=membership.user, community=membership.community)
    outbox.enqueue("communities.notify_decision", membership.pk, event.pk, key=f"membership-event:{event.pk}")
    return membership


@transaction.atomic
def membership_leave(*, user, community: Community, group: Group | None = None) -> Membership | None:
    """End user's membership (or withdraw their pending request); leaving twice changes nothing.

    Leaving a community also ends the person's groups in it. The last coordinator cannot leave.
    """
    _check_group(community, group)
    community = _lock_community(community)
    membership = _locked_membership(user=user, community=community, group=group)
    if membership is None or membership.status not in (Membership.Status.ACTIVE, Membership.Status.PENDING):
        return membership
    if _is_last_coordinator(membership):
        raise _last_coordinator_error()
    from_role = membership.role
    was_active = membership.status == Membership.Status.ACTIVE
    membership.status = Membership.Status.LEFT
    membership.decided_by = user
    membership.decided_at = timezone.now()
    membership.decision_reason = ""
    membership.save()
    _record(membership, MembershipEvent.Action.LEFT, user, from_role=from_role)
    if group is None:
        _end_group_memberships(user=user, community=community, action=MembershipEvent.Action.LEFT, actor=user)
        if was_active:
            _end_rights(membership, actor=user)
    permissions_sync(user=user, community=community)
    return membership


@transaction.atomic
def membership_remove(*, membership: Membership, by, reason: str = "") -> Membership:
    """Remove an active member (a coordinator, or a facilitator for their group); removing twice changes nothing."""
    membership = _lock(membership)
    _require_manager(by, membership.community, membership.group)
    if membership.status == Membership.Status.LEFT:
        return membership
    if membership.status != Membership.Status.ACTIVE:
        raise MembershipError(_("Only an active member can be removed; decide on the request instead."), code="state")
    if membership.user_id == by.pk:
        raise MembershipError(_("To leave, use the Leave button on the community's page."), code="self")
    if _is_last_coordinator(membership):
        raise _last_coordinator_error()
    reason = (reason or "").strip()
    from_role = membership.role
    membership.status = Membership.Status.LEFT
    membership.decided_by = by
    membership.decided_at = timezone.now()
    membership.decision_reason = reason
    membership.save()
    _record(membership, MembershipEvent.Action.REMOVED, by, from_role=from_role, reason=reason)
    if membership.group_id is None:
        _end_group_memberships(
            user=membership.user,
            community=membership.community,
            action=MembershipEvent.Action.REMOVED,
            actor=by,
            reason=reason,
        )
        _end_rights(membership, actor=by)
    permissions_sync(user=membership.user, community=membership.community)
    return membership


@transaction.atomic
def membership_change_role(*, membership: Membership, role: str, by) -> Membership:
    """Give an active member another role; takes effect on their next request. The last coordinator stays.

    In a community the roles are member, facilitator and coordinator (only a coordinator
    changes them); in a group, member and facilitator (a coordinator or the group's facilitator).
    """
    membership = _lock(membership)
    allowed = GROUP_ROLES if membership.group_id else tuple(Membership.Role.values)
    if role not in allowed:
        raise MembershipError(_("Choose one of the roles offered."), code="invalid_role")
    _require_manager(by, membership.community, membership.group)
    if membership.status != Membership.Status.ACTIVE:
        raise MembershipError(_("Only an active member can be given a role."), code="state")
    if membership.role == role:
        return membership
    if role != Membership.Role.COORDINATOR and _is_last_coordinator(membership):
        raise _last_coordinator_error()
    from_role = membership.role
    membership.role = role
    membership.decided_by = by
    membership.decided_at = timezone.now()
    membership.decision_reason = ""
    membership.save()
    event = _record(membership, MembershipEvent.Action.ROLE_CHANGED, by, from_role=from_role, to_role=role)
    permissions_sync(user=membership.user, community=membership.community)
    outbox.enqueue("communities.notify_role_changed", membership.pk, event.pk, key=f"membership-event:{event.pk}")
    return membership


@transaction.atomic
def membership_grant(
    *, user, community: Community, group: Group | None = None, role: str = Membership.Role.MEMBER, by=None
) -> Membership:
    """Make user an active member of community (or of group) with role; idempotent.

    For admins, imports and demo data: it skips join policies and eligibility.
    """
    _check_group(community, group)
    community = _lock_community(community)
    if group is not None:
        # Belonging to a group implies belonging to its community.
        outer = _locked_membership(user=user, community=community, group=None)
        if outer is None or outer.status != Membership.Status.ACTIVE:
            membership_grant(user=user, community=community, by=by)
    membership = _locked_membership(user=user, community=community, group=group)
    if membership is None:
        membership, _created = Membership.objects.get_or_create(
            user=user, community=community, group=group, defaults={"status": Membership.Status.PENDING}
        )
    was_active = membership.status == Membership.Status.ACTIVE
    from_role = membership.role
    if not was_active or from_role != role:
        _activate(membership, role=role, by=by)
        if was_active:
            _record(membership, MembershipEvent.Action.ROLE_CHANGED, by, from_role=from_role, to_role=role)
        else:
            _record(membership, MembershipEvent.Action.JOINED, by, to_role=role)
    permissions_sync(user=user, community=community)
    return membership


@transaction.atomic
def membership_update(
    *, user, community: Community, group: Group | None = None, role: str, status: str, by, reason: str = ""
) -> Membership:
    """Bring user's membership of community (or group) to role and status through the service for each step.

    The admin's one door for a membership: active grants (or approves a pending
    request), left removes, declined declines, and a role change of an active member
    goes through membership_change_role, so the events, emails, group endings and
    permissions are those of the console. A step no service makes (back to pending,
    declining an active member) raises MembershipError; the whole change is then undone.
    Setting what is already there changes nothing.
    """
    _check_group(community, group)
    community = _lock_community(community)
    membership = _locked_membership(user=user, community=community, group=group)
    current = membership.status if membership is not None else None
    if status == Membership.Status.ACTIVE:
        if current == Membership.Status.PENDING:
            membership = membership_approve(membership=membership, by=by, reason=reason)
        elif current != Membership.Status.ACTIVE:
            return membership_grant(user=user, community=community, group=group, role=role, by=by)
    elif status == Membership.Status.LEFT and current is not None and current != Membership.Status.LEFT:
        return membership_remove(membership=membership, by=by, reason=reason)
    elif status == Membership.Status.DECLINED and current is not None and current != Membership.Status.DECLINED:
        return membership_decline(membership=membership, by=by, reason=reason)
    elif status != current:
        raise MembershipError(
            _("Only the person can ask to join, and only a request can be declined: choose another status."),
            code="state",
        )
    if membership.role != role:
        membership = membership_change_role(membership=membership, role=role, by=by)
    return membership
