"""Invitations: the signed token, checking, creating, sending again, revoking and accepting."""

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
from members.models import Organization

from .. import permissions
from ..models import Community, Group, Invitation, Membership, MembershipEvent
from ..selectors import GROUP_ROLES, ROLE_RANK
from ._common import (
    InvitationError,
    MembershipError,
    _activate,
    _check_group,
    _check_not_archived,
    _lock_community,
    _locked_membership,
    _place_name,
    _record,
    _require_manager,
    permissions_sync,
)

INVITATION_SALT = "communities.invitation"
# Wait this long before an invitation may be sent again: a double click sends one email.
RESEND_INTERVAL = timedelta(seconds=60)


def invitation_max_age() -> timedelta:
    return timedelta(days=settings.INVITATION_MAX_AGE_DAYS)


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
    _check_not_archived(group)
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


def _invitation_upsert(
    *,
    community: Community,
    group: Group | None,
    email: str,
    role: str,
    by,
    message: str = "",
    language: str = "",
    full_name: str = "",
    organization: Organization | None = None,
    now,
) -> tuple[Invitation, bool]:
    """Create (or renew an expired) invitation and queue its email; return (invitation, whether it was sent).

    The caller has checked the address, the place and the role and locked the community.
    A valid invitation to the same address and place is returned unchanged and nothing is sent.
    """
    details = {
        "role": role,
        "message": (message or "").strip(),
        "invited_by": by,
        "language": language or "",
        "full_name": (full_name or "").strip()[:200],
        "organization": organization,
    }
    existing = Invitation.objects.select_for_update().open().filter(community=community, group=group, email=email)
    invitation = existing.first()
    if invitation is not None:
        if invitation.expires_at > now:
            return invitation, False
        for name, value in details.items():
            setattr(invitation, name, value)
        invitation.save(update_fields=list(details))
        _queue_invitation_email(invitation, now=now)
        return invitation, True
    invitation = Invitation.objects.create(
        community=community,
        group=group,
        email=email,
        key=secrets.token_urlsafe(32),
        expires_at=now + invitation_max_age(),
        **details,
    )
    _queue_invitation_email(invitation, now=now)
    return invitation, True


@transaction.atomic
def invitation_create(
    *,
    community: Community,
    email: str,
    by,
    role: str = Membership.Role.MEMBER,
    group: Group | None = None,
    message: str = "",
    language: str = "",
    full_name: str = "",
    organization: Organization | None = None,
) -> Invitation:
    """Invite an email address into community (or group) with role, and send the link.

    Inviting an address that already has a valid invitation there changes nothing (a
    double submit sends one email); an expired one is renewed and sent again. language,
    when given, is the language of the invitation email (see notifications.invitation_language).
    """
    email = (email or "").strip().lower()
    try:
        validate_email(email)
    except ValidationError:
        raise MembershipError(_("Enter a valid email address."), code="invalid_email") from None
    if language and language not in dict(settings.LANGUAGES):
        raise MembershipError(_("Choose one of the languages offered."), code="invalid_language")
    _invitation_target_checks(community=community, group=group, role=role, by=by)
    community = _lock_community(community)
    already = Membership.objects.active().filter(community=community, group=group, user__email=email)
    if already.exists():
        raise MembershipError(
            _("%(email)s is already a member of %(place)s.") % {"email": email, "place": _place_name(community, group)},
            code="already_member",
        )
    invitation, _sent = _invitation_upsert(
        community=community,
        group=group,
        email=email,
        role=role,
        by=by,
        message=message,
        language=language,
        full_name=full_name,
        organization=organization,
        now=timezone.now(),
    )
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

    Only an account on which the invited address is verified may accept
    (permissions.may_accept_invitation); anyone else gets InvitationError "wrong_address".
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
    if not permissions.may_accept_invitation(user, invitation):
        raise InvitationError(wrong_address_message(invitation), code="wrong_address", invitation=invitation)
    _check_not_archived(group)
    if group is not None:
        _accept_into(user=user, community=community, group=None, role=Membership.Role.MEMBER, invitation=invitation)
    membership = _accept_into(user=user, community=community, group=group, role=invitation.role, invitation=invitation)
    invitation.accepted_at = timezone.now()
    invitation.accepted_by = user
    invitation.save(update_fields=["accepted_at", "accepted_by"])
    permissions_sync(user=user, community=community)
    return membership


def wrong_address_message(invitation: Invitation) -> str:
    return _(
        "This invitation was sent to %(email)s. To accept it, sign in with the account of that address, "
        "or add that address to your account and confirm it."
    ) % {"email": invitation.email}


def invitation_address_add(*, invitation: Invitation, user, request) -> None:
    """Start confirming the invited address on user's account: allauth sends its confirmation link there.

    Accounts have one address (ACCOUNT_CHANGE_EMAIL): once confirmed, the invited address
    becomes the account's address, and the invitation may be accepted. An address that
    already belongs to another account is left alone and nothing is sent; the caller
    answers the same way in every case, so the page tells nothing about other accounts.
    Asking again while a confirmation is waiting sends nothing more.
    """
    from allauth.account.models import EmailAddress

    if _invitation_state_error(invitation) is not None or permissions.may_accept_invitation(user, invitation):
        return
    address = invitation.email
    if EmailAddress.objects.filter(email__iexact=address).exclude(user=user).exists():
        return
    if EmailAddress.objects.filter(user=user, email__iexact=address, verified=False).exists():
        return  # a confirmation is already on its way (allauth's own page may send it again)
    EmailAddress.objects.add_new_email(request, user, address)
