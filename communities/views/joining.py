"""Joining and leaving a community or a group, or asking to and withdrawing the request."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.shortcuts import get_object_or_404, redirect, render
from django.utils.translation import gettext as _

from ..forms import JoinRequestForm
from ..models import Community, Group, JoinPolicy, Membership
from ..selectors import community_join_state, group_join_state
from ..services import MembershipError, membership_join, membership_leave, membership_request
from ._common import _content_or_login, _next_url, _visible_group


def _join_success_message(request, membership: Membership, place) -> None:
    if membership.status == Membership.Status.ACTIVE:
        messages.success(request, _("Welcome to %(place)s!") % {"place": place.name})
    else:
        messages.success(
            request,
            _("Your request to join %(place)s was sent. You will hear from the coordinators by email.")
            % {"place": place.name},
        )


def _do_join(request, *, community: Community, group: Group | None, state):
    """Join (open) or ask to join (approval) the place; answer with a message and a redirect."""
    place = group or community
    form = JoinRequestForm(request.POST)
    if not form.is_valid():
        return render(
            request,
            "communities/join.html",
            {"community": community, "group": group, "state": state, "form": form},
            status=400,
        )
    try:
        if JoinPolicy.APPROVAL in (place.join_policy, state.policy):
            membership = membership_request(
                user=request.user, community=community, group=group, message=form.cleaned_data["message"]
            )
        else:
            membership = membership_join(user=request.user, community=community, group=group)
    except MembershipError as error:
        messages.error(request, error.text)
    else:
        _join_success_message(request, membership, place)
    return redirect(_next_url(request, place.get_absolute_url()))


def join(request, community_slug):
    """Show how to join the community (GET), or join / ask to join it (POST)."""
    community = request.community
    state = community_join_state(user=request.user, community=community)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.path)
        return _do_join(request, community=community, group=None, state=state)
    context = {"community": community, "group": None, "state": state, "form": JoinRequestForm()}
    return render(request, "communities/join.html", context)


def group_join(request, community_slug, group_slug):
    """Show how to join a group (GET), or join / ask to join it (POST)."""
    community = request.community
    if (response := _content_or_login(request)) is not None:
        return response
    group = _visible_group(request, group_slug)
    state = group_join_state(user=request.user, community=community, group=group)
    if request.method == "POST":
        if not request.user.is_authenticated:
            return redirect_to_login(request.path)
        return _do_join(request, community=community, group=group, state=state)
    context = {"community": community, "group": group, "state": state, "form": JoinRequestForm()}
    return render(request, "communities/join.html", context)


def _do_leave(request, *, community: Community, group: Group | None, membership: Membership):
    place = group or community
    if request.method != "POST":
        return render(
            request, "communities/leave.html", {"community": community, "group": group, "membership": membership}
        )
    try:
        membership_leave(user=request.user, community=community, group=group)
    except MembershipError as error:
        messages.error(request, error.text)
        return redirect(_next_url(request, place.get_absolute_url()))
    if membership.status == Membership.Status.PENDING:
        messages.success(request, _("Your request to join %(place)s was withdrawn.") % {"place": place.name})
    else:
        messages.success(request, _("You left %(place)s.") % {"place": place.name})
    if Community.objects.visible_to(request.user).filter(pk=community.pk).exists():
        return redirect(_next_url(request, community.get_absolute_url()))
    return redirect("me:dashboard")


def _own_membership(request, group: Group | None) -> Membership:
    return get_object_or_404(
        Membership.objects.filter(
            user=request.user,
            community=request.community,
            group=group,
            status__in=[Membership.Status.ACTIVE, Membership.Status.PENDING],
        ),
    )


@login_required
def leave(request, community_slug):
    """Confirm (GET) and leave the community or withdraw the request to join it (POST)."""
    membership = _own_membership(request, None)
    return _do_leave(request, community=request.community, group=None, membership=membership)


@login_required
def group_leave(request, community_slug, group_slug):
    """Confirm (GET) and leave a group or withdraw the request to join it (POST)."""
    group = _visible_group(request, group_slug)
    membership = Membership.objects.filter(
        user=request.user,
        community=request.community,
        group=group,
        status__in=[Membership.Status.ACTIVE, Membership.Status.PENDING],
    ).first()
    if membership is None:
        messages.info(request, _("You are not a member of %(place)s.") % {"place": group.name})
        return redirect(group.get_absolute_url())
    return _do_leave(request, community=request.community, group=group, membership=membership)
