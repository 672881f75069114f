"""Every write to communities, memberships and invitations goes through these functions.

Rules these functions keep (and the decisions behind them):

- Community and group alike. A group sits inside its community: joining or asking to join
  a group needs an active membership of the community. When the community is open (and the
  person may join it), joining an open group, or asking to join an approval group, first
  joins the community at once; otherwise the person is told to join the community first.
- Eligibility. A place that lists organisation kinds (eligible_organization_kinds) lets in,
  by joining or by request, only people whose organisation is of one of those kinds;
  others get a MembershipError saying why. An invitation is a coordinator's deliberate
  choice and is not held to it (a person who signs up from an invitation has no
  organisation on their profile yet).
- Invitations. The signed token is the proof: whoever holds a valid token and is signed in
  may accept it, even under another address than the invited one (people often have a
  work and a private address). Each invitation is accepted once; accepting never lowers a
  role the person already has.
- Leaving a community, or being removed from it, also ends that person's group memberships
  and pending group requests in it.
- The last active coordinator of a community cannot leave, be removed or be demoted.
- Every change records a MembershipEvent (actor, action, roles, reason) and the decision on
  the Membership (decided_by, decided_at, decision_reason), then calls permissions_sync, so
  guardian's object permissions, and with them the pages, follow on the very next request.
- Races and double submits: each write locks the community row first (then the rows it
  changes) and the unique constraints on Membership and Invitation hold the rest, so a
  repeated or concurrent call changes nothing more. Emails are enqueued on commit.
"""

from __future__ import annotations

import secrets
from datetime import timedelta

from django.conf import settings
from django.core import signing
from django.core.exceptions import ValidationError
from django.core.validators import validate_email
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from members import outbox

from . import hooks, permissions
from .models import Community, Group, Invitation, JoinPolicy, Membership, MembershipEvent
from .selectors import GROUP_ROLES, ROLE_RANK, eligibility_error

COMMUNITY_PERM = "communities.manage_community"
GROUP_PERM = "communities.manage_group"
INVITATION_SALT = "communities.invitation"
# Wait this long before an invitation may be sent again: a double click sends one email.
RESEND_INTERVAL = timedelta(seconds=60)


class MembershipError(ValidationError):
    """A join, request, decision or invitation that the rules refuse; its message says why (translated)."""

    @property
    def text(self) -> str:
        return " ".join(str(message) for message in self.messages)


class InvitationError(MembershipError):
    """An invitation token that cannot be used; code is "tampered", "expired", "used" or "revoked"."""

    def __init__(self, message, code: str, invitation: Invitation | None = None):
        super().__init__(message, code=code)
        self.invitation = invitation


def invitation_max_age() -> timedelta:
    return timedelta(days=settings.INVITATION_MAX_AGE_DAYS)


# --- Permissions ----------------------------------------------------------------------------------


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


# --- Small helpers --------------------------------------------------------------------------------


def _check_group(community: Community, group: Group | None) -> None:
    if group is not None and group.community_id != community.pk:
        raise ValueError("The group belongs to another community.")


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
    return MembershipEvent.objects.create(
        membership=membership, action=action, actor=actor, from_role=from_role, to_role=to_role, reason=reason
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


def _check_eligible(*, user, place: Community | Group) -> None:
    reason = eligibility_error(user=user, place=place)
    if reason:
        raise MembershipError(reason, code="not_eligible")


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


# --- Joining, requesting, deciding ------------------------------------------------------------------


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
    if place.join_policy == JoinPolicy.OPEN:
        return membership_join(user=user, community=community, group=group)  # nothing to approve
    if place.join_policy != JoinPolicy.APPROVAL:
        raise _policy_error(place)
    _check_eligible(user=user, place=place)
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


# --- Invitations ------------------------------------------------------------------------------------


def invitation_token(invitation: Invitation) -> str:
    """Return the signed, timestamped token of invitation's link (it expires with INVITATION_MAX_AGE_DAYS)."""
    return signing.dumps(invitation.key, salt=INVITATION_SALT)


def invitation_url(invitation: Invitation) -> str:
    from django.urls import reverse

    return reverse("invitations:detail", kwargs={"token": invitation_token(invitation)})


def _invitation_state_error(invitation: Invitation) -> InvitationError | None:
    if invitation.accepted_at is not None:
        return InvitationError(_("This invitation has already been used."), code="used", invitation=invitation)
    if invitation.revoked_at is not None:
        return InvitationError(_("This invitation was withdrawn."), code="revoked", invitation=invitation)
    if invitation.expires_at <= timezone.now():
        return InvitationError(
            _("This invitation has expired. Ask the person who invited you to send it again."),
            code="expired",
            invitation=invitation,
        )
    return None


def invitation_check(*, token: str) -> Invitation:
    """Return the open invitation token stands for, or raise InvitationError saying why it cannot be used."""
    tampered = InvitationError(
        _("This invitation link is not valid. Check that you copied the whole link from the email."), code="tampered"
    )
    expired = False
    try:
        key = signing.loads(token, salt=INVITATION_SALT, max_age=invitation_max_age())
    except signing.SignatureExpired:
        expired = True
        key = signing.loads(token, salt=INVITATION_SALT)  # the signature is good, only old
    except signing.BadSignature:
        raise tampered from None
    invitation = (
        Invitation.objects.filter(key=key).select_related("community", "group", "invited_by").first()
        if isinstance(key, str)
        else None
    )
    if invitation is None:
        raise tampered
    error = _invitation_state_error(invitation)
    if error is None and expired:
        error = InvitationError(
            _("This invitation has expired. Ask the person who invited you to send it again."),
            code="expired",
            invitation=invitation,
        )
    if error is not None:
        raise error
    return invitation


def _invitation_target_checks(*, community: Community, group: Group | None, role: str, by) -> None:
    _check_group(community, group)
    _require_manager(by, community, group)
    allowed = GROUP_ROLES if group is not None else tuple(Membership.Role.values)
    if role not in allowed:
        raise MembershipError(_("Choose one of the roles offered."), code="invalid_role")


def _queue_invitation_email(invitation: Invitation, *, now) -> None:
    invitation.expires_at = now + invitation_max_age()
    invitation.sent_count += 1
    invitation.last_sent_at = now
    invitation.save(update_fields=["expires_at", "sent_count", "last_sent_at"])
    outbox.enqueue(
        "communities.send_invitation",
        invitation.pk,
        invitation.sent_count,
        key=f"invitation:{invitation.pk}:{invitation.sent_count}",
    )


@transaction.atomic
def invitation_create(
    *,
    community: Community,
    email: str,
    by,
    role: str = Membership.Role.MEMBER,
    group: Group | None = None,
    message: str = "",
) -> Invitation:
    """Invite an email address into community (or group) with role, and send the link.

    Inviting an address that already has a valid invitation there changes nothing (a
    double submit sends one email); an expired one is renewed and sent again.
    """
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise MembershipError(_("Enter a valid email address."), code="invalid_email") from None
    _invitation_target_checks(community=community, group=group, role=role, by=by)
    community = _lock_community(community)
    already = Membership.objects.active().filter(community=community, group=group, user__email=email)
    if already.exists():
        raise MembershipError(
            _("%(email)s is already a member of %(place)s.") % {"email": email, "place": _place_name(community, group)},
            code="already_member",
        )
    now = timezone.now()
    existing = Invitation.objects.select_for_update().open().filter(community=community, group=group, email=email)
    invitation = existing.first()
    if invitation is not None:
        if invitation.expires_at > now:
            return invitation
        invitation.role = role
        invitation.message = (message or "").strip()
        invitation.invited_by = by
        invitation.save(update_fields=["role", "message", "invited_by"])
        _queue_invitation_email(invitation, now=now)
        return invitation
    invitation = Invitation.objects.create(
        community=community,
        group=group,
        email=email,
        role=role,
        message=(message or "").strip(),
        key=secrets.token_urlsafe(32),
        invited_by=by,
        expires_at=now + invitation_max_age(),
    )
    _queue_invitation_email(invitation, now=now)
    return invitation


@transaction.atomic
def invitation_resend(*, invitation: Invitation, by) -> Invitation:
    """Send an open invitation again, valid for another full period; a double click sends once."""
    _lock_community(invitation.community)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _require_manager(by, invitation.community, invitation.group)
    if invitation.accepted_at is not None:
        raise MembershipError(_("This invitation has already been accepted."), code="used")
    if invitation.revoked_at is not None:
        raise MembershipError(_("This invitation was withdrawn; invite the person again."), code="revoked")
    now = timezone.now()
    if invitation.last_sent_at and now - invitation.last_sent_at < RESEND_INTERVAL:
        return invitation
    _queue_invitation_email(invitation, now=now)
    return invitation


@transaction.atomic
def invitation_revoke(*, invitation: Invitation, by) -> Invitation:
    """Withdraw an open invitation: its link stops working. Revoking twice changes nothing."""
    _lock_community(invitation.community)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    _require_manager(by, invitation.community, invitation.group)
    if invitation.revoked_at is not None:
        return invitation
    if invitation.accepted_at is not None:
        raise MembershipError(_("This invitation has already been accepted."), code="used")
    invitation.revoked_at = timezone.now()
    invitation.save(update_fields=["revoked_at"])
    return invitation


def _accept_into(*, user, community: Community, group: Group | None, role: str, invitation: Invitation) -> Membership:
    membership = _locked_membership(user=user, community=community, group=group)
    if membership is None:
        membership, _created = Membership.objects.get_or_create(
            user=user, community=community, group=group, defaults={"status": Membership.Status.PENDING}
        )
    was_active = membership.status == Membership.Status.ACTIVE
    from_role = membership.role if was_active else ""
    if was_active and ROLE_RANK[membership.role] >= ROLE_RANK[role]:
        role = membership.role  # an invitation never lowers a role
    if was_active and role == membership.role:
        return membership
    _activate(membership, role=role, by=invitation.invited_by)
    _record(membership, MembershipEvent.Action.INVITATION_ACCEPTED, user, from_role=from_role, to_role=role)
    return membership


@transaction.atomic
def invitation_accept(*, invitation: Invitation, user) -> Membership:
    """Make user a member as invitation says, once; the same person accepting again changes nothing.

    A group invitation also brings the person into the community (as a member).
    """
    community = _lock_community(invitation.community)
    invitation = Invitation.objects.select_for_update().get(pk=invitation.pk)
    group = Group.objects.get(pk=invitation.group_id) if invitation.group_id else None
    if invitation.accepted_at is not None and invitation.accepted_by_id == user.pk:
        return Membership.objects.get(user=user, community=community, group=group)
    error = _invitation_state_error(invitation)
    if error is not None:
        raise error
    if group is not None:
        _accept_into(user=user, community=community, group=None, role=Membership.Role.MEMBER, invitation=invitation)
    membership = _accept_into(user=user, community=community, group=group, role=invitation.role, invitation=invitation)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    permissions_sync(user=user, community=community)
    return membership


# --- Logo variant ----------------------------------------------------------------------------------

LOGO_SMALL_SIZE = (128, 128)


def _small_logo_png(source) -> bytes | None:
    """Return a PNG of source at most LOGO_SMALL_SIZE, or None when it is not a readable image."""
    import io

    from PIL import Image

    try:
        source.open("rb")
        with Image.open(source) as image:
            image.thumbnail(LOGO_SMALL_SIZE)
            if image.mode not in {"RGB", "RGBA", "L", "LA"}:
                image = image.convert("RGBA")
            out = io.BytesIO()
            image.save(out, format="PNG", optimize=True)
            return out.getvalue()
    except (OSError, ValueError, Image.DecompressionBombError):
        return None
    finally:
        source.close()


def community_logo_variant_update(*, community: Community) -> Community:
    """Make community.logo_small from community.logo (or drop it when there is no logo); safe to run twice.

    Pages show the small variant, so a visitor on a slow connection never downloads the
    full-size upload just to see a 64-pixel logo.
    """
    from django.core.files.base import ContentFile

    old_name = community.logo_small.name if community.logo_small else ""
    data = _small_logo_png(community.logo) if community.logo else None
    if data is None:
        if old_name:
            community.logo_small.delete(save=False)
            Community.objects.filter(pk=community.pk).update(logo_small="")
        return community
    stem = community.logo.name.rsplit("/", 1)[-1].rsplit(".", 1)[0] or community.slug
    community.logo_small.save(f"{stem}-128.png", ContentFile(data), save=False)
    Community.objects.filter(pk=community.pk).update(logo_small=community.logo_small.name)
    if old_name and old_name != community.logo_small.name:
        community.logo_small.storage.delete(old_name)
    return community
