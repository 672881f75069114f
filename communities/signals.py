"""Redeem an invitation that waited in the session while its person signed up or signed in.

The invitation page (communities.views.invitation_detail) puts the token in the session
when an anonymous visitor chooses to sign up or sign in. Whatever path then signs them in
(a plain sign-in, or allauth's sign-in on email confirmation after sign-up, which keeps the
session), Django's user_logged_in fires and the invitation is accepted here. The token is
re-checked, so an expired, revoked or used one only leaves a message, and so does one sent
to another address than the person's (only the verified invited address may accept it).

A person already signed in who chose to add the invited address to their account has the
token waiting too: it is redeemed when they confirm that address (allauth's email_confirmed).

A deleted community takes its stored logos with it (post_delete, after commit).
"""

from allauth.account.signals import email_confirmed
from django.contrib import messages
from django.contrib.auth.signals import user_logged_in
from django.db.models.signals import post_delete
from django.dispatch import receiver
from django.utils.translation import gettext as _

from members.storage import delete_after_commit

PENDING_INVITATION_SESSION_KEY = "communities:pending_invitation"


@receiver(user_logged_in, dispatch_uid="communities.redeem_pending_invitation")
def redeem_pending_invitation(sender, request, user, **kwargs):
    session = getattr(request, "session", None)
    if session is None:
        return
    token = session.pop(PENDING_INVITATION_SESSION_KEY, None)
    if not token:
        return
    _redeem(request, user, token)


@receiver(email_confirmed, dispatch_uid="communities.redeem_invitation_on_confirmation")
def redeem_invitation_on_confirmation(sender, request, email_address, **kwargs):
    """Accept the waiting invitation of the signed-in person who just confirmed the invited address."""
    session = getattr(request, "session", None)
    user = getattr(request, "user", None)
    if session is None or user is None or not user.is_authenticated or user.pk != email_address.user_id:
        return  # a sign-up's confirmation: the sign-in that follows redeems it
    token = session.pop(PENDING_INVITATION_SESSION_KEY, None)
    if token:
        _redeem(request, user, token)


def _redeem(request, user, token: str) -> None:
    from .services import InvitationError, MembershipError, invitation_accept, invitation_check

    try:
        invitation = invitation_check(token=token)
        invitation_accept(invitation=invitation, user=user)
    except InvitationError as error:
        if error.code == "used" and error.invitation and error.invitation.accepted_by_id == user.pk:
            return
        messages.warning(request, error.text, fail_silently=True)
        return
    except MembershipError as error:
        messages.warning(request, error.text, fail_silently=True)
        return
    place = invitation.group or invitation.community
    messages.success(request, _("Welcome to %(place)s!") % {"place": place.name}, fail_silently=True)


@receiver(post_delete, sender="communities.Community", dispatch_uid="communities.delete_stored_logos")
def delete_stored_logos(sender, instance, **kwargs) -> None:
    """A deleted community's logos leave the storage (disk or bucket) once the deletion commits."""
    delete_after_commit([instance.logo, instance.logo_small])
