"""What memberships and invitations share: the errors, permissions_sync and small helpers (locks, events)."""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import hooks, permissions, webhooks
from ..models import Community, Group, Invitation, JoinPolicy, Membership, MembershipEvent
from ..reporting import reports_changed
from ..selectors import eligibility_error

COMMUNITY_PERM = "communities.manage_community"
GROUP_PERM = "communities.manage_group"


class MembershipError(ValidationError):
    """A join, request, decision or invitation that the rules refuse; its message says why (translated)."""

    @property
    def text(self) -> str:
        return " ".join(str(message) for message in self.messages)


class InvitationError(MembershipError):
    """An invitation token that cannot be used; code is "tampered", "expired", "used", "revoked" or "wrong_address"."""

    def __init__(self, message, code: str, invitation: Invitation | None = None):
        super().__init__(message, code=code)
        self.invitation = invitation


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
        permissions.grant(COMMUNITY_PERM, user, community)
    else:
        permissions.revoke(COMMUNITY_PERM, user, community)
    for group in Group.objects.filter(community=community):
        if is_coordinator or group.pk in facilitated:
            permissions.grant(GROUP_PERM, user, group)
        else:
            permissions.revoke(GROUP_PERM, user, group)


def _can_manage(by, community: Community, group: Group | None = None) -> bool:
    """Return whether by may decide about community (a coordinator) or about group (also its facilitator)."""
    return permissions.can_manage(by, community) or (group is not None and permissions.can_manage(by, group))


def _require_manager(by, community: Community, group: Group | None = None) -> None:
    if not _can_manage(by, community, group):
        raise MembershipError(_("Only a coordinator, or a facilitator of the group, may do this."), code="forbidden")


def _check_group(community: Community, group: Group | None) -> None:
    if group is not None and group.community_id != community.pk:
        raise ValueError("The group belongs to another community.")


def _check_not_archived(group: Group | None) -> None:
    """Refuse to let anyone into an archived group (it is read-only until a coordinator restores it)."""
    if not permissions.group_accepts_new_content(group):
        raise MembershipError(
            _("%(group)s is archived: nobody can join it until a coordinator restores it.") % {"group": group.name},
            code="archived",
        )


def _lock_community(community: Community) -> Community:
    """Lock community's row: every membership write of a community runs one at a time."""
    return Community.objects.select_for_update().get(pk=community.pk)


def _locked_membership(*, user, community: Community, group: Group | None) -> Membership | None:
    # order_by("pk"): the default ordering joins nullable relations, which FOR UPDATE refuses.
    return (
        Membership.objects.select_for_update()
        .filter(user=user, community=community, group=group)
        .order_by("pk")
        .first()
    )


def _lock(membership: Membership) -> Membership:
    """Lock the community of membership, then re-read membership locked (decisions see fresh state)."""
    _lock_community(membership.community)
    return Membership.objects.select_for_update().get(pk=membership.pk)


def _record(
    membership: Membership, action: str, actor, *, from_role: str = "", to_role: str = "", reason: str = ""
) -> MembershipEvent:
    reports_changed(membership.community_id)  # the report counts joins (cop_portal/reports)
    event = MembershipEvent.objects.create(
        membership=membership, action=action, actor=actor, from_role=from_role, to_role=to_role, reason=reason
    )
    _emit_membership_webhook(membership, event)
    return event


WEBHOOK_JOINED = {
    MembershipEvent.Action.JOINED,
    MembershipEvent.Action.APPROVED,
    MembershipEvent.Action.INVITATION_ACCEPTED,
}
WEBHOOK_LEFT = {MembershipEvent.Action.LEFT, MembershipEvent.Action.REMOVED}


def _emit_membership_webhook(membership: Membership, event: MembershipEvent) -> None:
    """Announce a person joining or leaving the community (not its groups) to its webhooks."""
    if membership.group_id is not None or event.action not in WEBHOOK_JOINED | WEBHOOK_LEFT:
        return
    joined = event.action in WEBHOOK_JOINED
    webhooks.emit(
        community=membership.community_id,
        event=webhooks.Event.MEMBER_JOINED if joined else webhooks.Event.MEMBER_LEFT,
        data=lambda: {
            "membership": {"id": membership.pk, "role": membership.role, "status": membership.status},
            "person": webhooks.person_data(membership.user),
            "how": event.action,
            "at": event.created_at,
        },
    )


def _place_name(community: Community, group: Group | None) -> str:
    return group.name if group is not None else community.name


def _policy_error(place: Community | Group) -> MembershipError:
    if place.join_policy == JoinPolicy.INVITATION:
        return MembershipError(
            _("%(place)s takes new members by invitation only.") % {"place": place.name}, code="invitation_only"
        )
    if place.join_policy == JoinPolicy.APPROVAL:
        return MembershipError(
            _("%(place)s takes new members on request: send a request to join.") % {"place": place.name},
            code="approval_needed",
        )
    return MembershipError(_("%(place)s is open: join it directly.") % {"place": place.name}, code="open")


def _check_eligible(*, user, place: Community | Group, allow_unverified: bool = False) -> None:
    reason = eligibility_error(user=user, place=place, allow_unverified=allow_unverified)
    if reason:
        raise MembershipError(reason, code="not_eligible")


def _check_verified(membership: Membership) -> None:
    """Refuse to approve a request to a reserved place while the person's organisation awaits verification."""
    place = membership.group or membership.community
    organization = membership.user.organization
    if place.is_reserved and organization is not None and not organization.is_verified:
        raise MembershipError(
            _(
                "%(person)s's organisation, %(organization)s, awaits verification: verify it on the "
                "console's Organisations page (or merge it into a listed one) before approving."
            )
            % {"person": membership.user.get_full_name(), "organization": organization.name},
            code="organisation_unverified",
        )


def _is_last_coordinator(membership: Membership) -> bool:
    """Return whether membership is its community's only active coordinator (the community row is locked)."""
    if membership.group_id is not None or membership.role != Membership.Role.COORDINATOR:
        return False
    if membership.status != Membership.Status.ACTIVE:
        return False
    others = (
        Membership.objects.active()
        .community_level()
        .filter(community_id=membership.community_id, role=Membership.Role.COORDINATOR)
        .exclude(pk=membership.pk)
    )
    return not others.exists()


def _last_coordinator_error() -> MembershipError:
    return MembershipError(
        _("A community needs a coordinator: make someone else coordinator first."), code="last_coordinator"
    )


# The admin applies the same rule to its own edits.
is_last_coordinator = _is_last_coordinator
last_coordinator_error = _last_coordinator_error


def _activate(membership: Membership, *, role: str, by, reason: str = "") -> None:
    membership.status = Membership.Status.ACTIVE
    membership.role = role
    membership.decided_by = by
    membership.decided_at = timezone.now()
    membership.decision_reason = reason
    membership.save()


def _end_group_memberships(*, user, community: Community, action: str, actor, reason: str = "") -> None:
    """End user's active and pending group memberships in community (they left or were removed from it)."""
    ongoing = (
        Membership.objects.select_for_update()
        .filter(
            user=user,
            community=community,
            group__isnull=False,
            status__in=[Membership.Status.ACTIVE, Membership.Status.PENDING],
        )
        .order_by("pk")
    )
    now = timezone.now()
    for membership in ongoing:
        from_role = membership.role
        membership.status = Membership.Status.LEFT
        membership.decided_by = actor
        membership.decided_at = now
        membership.decision_reason = reason
        membership.save()
        _record(membership, action, actor, from_role=from_role, reason=reason)


def _end_rights(membership: Membership, *, actor) -> None:
    """End what an ended community membership gave its person in higher apps, and record it.

    Access already stops with the membership (communities.permissions counts a grant only
    for active members); this also takes the person off open review rounds and revokes their
    co-author, editor and co-organiser grants, so a later return does not bring them back.
    Authorship credit on published items stays.
    """
    ended = hooks.membership_ended(user=membership.user, community=membership.community, actor=actor)
    if ended:
        _record(membership, MembershipEvent.Action.ROLES_ENDED, actor, reason="\n".join(str(line) for line in ended))
