"""The /me/ page: a person's communities and groups with their role, pending requests and invitations."""

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from communities import services
from communities.models import Invitation, Membership
from communities.selectors import my_invitations, my_memberships
from communities.services import MembershipError
from communities.translation import prefetch_translations
from cop_portal.privacy.notice import notice_to_accept
from cop_portal.reports.dashboard import dashboard_parts
from discussions.unread_cache import unread_counts_remembered


@login_required
def dashboard(request):
    """List my communities (with my role and my groups in each), my requests and my invitations."""
    entries: dict[int, dict] = {}
    pending, declined = [], []
    memberships = list(my_memberships(user=request.user))
    for membership in memberships:
        entry = entries.setdefault(
            membership.community_id, {"community": membership.community, "membership": None, "groups": []}
        )
        if membership.status == Membership.Status.PENDING:
            pending.append(membership)
        elif membership.status == Membership.Status.DECLINED:
            declined.append(membership)
        elif membership.group_id is None:
            entry["membership"] = membership
        else:
            entry["groups"].append(membership)
    communities = [entry for entry in entries.values() if entry["membership"] is not None]
    # Unread discussions per community: remembered between requests, the rest in one query (discussions).
    unread = unread_counts_remembered(request.user, [entry["community"] for entry in communities])
    for entry in communities:
        entry["unread_discussions"] = unread.get(entry["community"].pk, 0)
    parts = dashboard_parts(request.user)
    # Names and titles in the reader's language where translated: the communities, groups and next
    # meetings of the page in one query (the meeting cards' {% reader_list %} finds them loaded).
    prefetch_translations(
        [m.community for m in memberships]
        + [m.group for m in memberships if m.group_id]
        + list(parts.get("next_meetings") or ())
    )
    context = {
        "communities": communities,
        "pending": pending,
        "declined": declined,
        "invitations": my_invitations(user=request.user),
        "privacy_notice_to_accept": notice_to_accept(request.user),
        # Next meetings, what waits for me, new knowledge in what I follow (cop_portal/reports/dashboard.py).
        **parts,
    }
    return render(request, "me/dashboard.html", context)


@login_required
def invitation_accept(request, invitation_pk):
    """Accept an invitation sent to one of my verified addresses (no token needed: the address is proven)."""
    invitation = get_object_or_404(
        Invitation.objects.valid().addressed_to(request.user).select_related("community", "group"), pk=invitation_pk
    )
    if request.method != "POST":
        return HttpResponseNotAllowed(["POST"])
    try:
        services.invitation_accept(invitation=invitation, user=request.user)
    except MembershipError as error:
        messages.error(request, error.text)
        return redirect("me:dashboard")
    place = invitation.group or invitation.community
    messages.success(request, _("Welcome to %(place)s!") % {"place": place.name})
    return redirect(place.get_absolute_url())
