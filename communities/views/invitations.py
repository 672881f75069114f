"""Invitation links: /invitations/<token>/ (outside /c/, the token names its community)."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from .. import permissions
from ..services import (
    InvitationError,
    MembershipError,
    invitation_accept,
    invitation_address_add,
    invitation_check,
)
from ..signals import PENDING_INVITATION_SESSION_KEY


def invitation_detail(request, token):
    """Show an invitation and accept it (POST); a bad token gets a page that says what is wrong.

    A visitor without an account chooses "sign up" or "sign in": the token waits in the
    session and is redeemed when they are signed in (communities.signals), and the
    sign-in/sign-up "next" brings them back here, which then leads into the community.
    Only the account holding the invited address, verified, may accept; someone signed in
    under another address may add it to their account ("add_address"): the token waits in
    the session and is redeemed once they confirm it.
    """
    try:
        invitation = invitation_check(token=token)
    except InvitationError as error:
        used = error.invitation
        if error.code == "used" and request.user.is_authenticated and used.accepted_by_id == request.user.pk:
            messages.info(request, _("You have accepted this invitation: welcome!"))
            return redirect((used.group or used.community).get_absolute_url())
        context = {"error": error, "code": error.code, "invitation": used if error.code != "tampered" else None}
        return render(
            request, "communities/invitation_invalid.html", context, status=400 if error.code == "tampered" else 410
        )
    place = invitation.group or invitation.community
    if request.method == "POST":
        if not request.user.is_authenticated:
            request.session[PENDING_INVITATION_SESSION_KEY] = token
            target = reverse("account_signup" if request.POST.get("intent") == "signup" else "account_login")
            return redirect(f"{target}?{urlencode({'next': request.path})}")
        if request.POST.get("intent") == "add_address":
            invitation_address_add(invitation=invitation, user=request.user, request=request)
            request.session[PENDING_INVITATION_SESSION_KEY] = token
            messages.info(
                request,
                _(
                    "If %(email)s can be added to your account, a confirmation link is on its way there. "
                    "Open it while signed in to confirm the address: the invitation is then accepted."
                )
                % {"email": invitation.email},
            )
            return redirect(request.path)
        try:
            invitation_accept(invitation=invitation, user=request.user)
        except MembershipError as error:
            messages.error(request, error.text)
            return redirect(request.path)
        request.session.pop(PENDING_INVITATION_SESSION_KEY, None)
        messages.success(request, _("Welcome to %(place)s!") % {"place": place.name})
        return redirect(place.get_absolute_url())
    email_matches = permissions.may_accept_invitation(request.user, invitation)
    context = {"invitation": invitation, "place": place, "email_matches": email_matches}
    return render(request, "communities/invitation_detail.html", context)
