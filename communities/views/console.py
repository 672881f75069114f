"""Directory, community and group pages, joining and leaving, the coordinator console and invitations.

Every object is found through a scoped queryset (outsiders get 404), every write is one
service call, and every refusal is a translated message that changes nothing.
"""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.contrib.auth.views import redirect_to_login
from django.core.paginator import Paginator
from django.http import Http404, HttpResponseNotAllowed
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.http import url_has_allowed_host_and_scheme
from django.utils.translation import gettext as _

from .. import hooks, permissions
from ..access import deny
from ..forms import DecisionForm, DirectoryFilterForm, InvitationForm, JoinRequestForm, RoleForm
from ..models import Community, Group, Invitation, JoinPolicy, Membership
from ..selectors import (
    community_groups,
    community_join_state,
    community_leaders,
    community_partners,
    console_invitations,
    console_members,
    console_requests,
    directory_annotate,
    directory_communities,
    directory_filter_choices,
    group_join_state,
    group_members,
    invitations_of,
    join_state,
    managed_groups,
    memberships_of,
    user_can_manage,
    user_can_see_content,
)
from ..services import (
    InvitationError,
    MembershipError,
    invitation_accept,
    invitation_check,
    invitation_create,
    invitation_resend,
    invitation_revoke,
    membership_approve,
    membership_change_role,
    membership_decline,
    membership_join,
    membership_leave,
    membership_remove,
    membership_request,
)
from ..signals import PENDING_INVITATION_SESSION_KEY

DIRECTORY_PAGE_SIZE = 30
CONSOLE_PAGE_SIZE = 50


def _next_url(request, default: str) -> str:
    """Return the POSTed "next" when it is a path of this site, else default."""
    candidate = request.POST.get("next") or request.GET.get("next") or ""
    if candidate and url_has_allowed_host_and_scheme(
        candidate, allowed_hosts={request.get_host()}, require_https=request.is_secure()
    ):
        return candidate
    return default


def _post_only(request):
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


# --- Directory, community home, group page ----------------------------------------------------------


def directory(request):
    """List the communities the visitor may see, with search and filters (a plain GET form)."""
    form = DirectoryFilterForm(request.GET or None, choices=directory_filter_choices(user=request.user))
    filters = form.filters() if form.is_bound else {}
    communities = directory_communities(user=request.user, **filters)
    page = Paginator(communities, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    cards = directory_annotate(communities=list(page.object_list), user=request.user)
    my_ids = set(Community.objects.member_of(request.user).values_list("pk", flat=True))
    query = request.GET.copy()
    query.pop("page", None)
    context = {
        "form": form,
        "communities": cards,
        # base.html gives the cards their accents (the design tags are cop_portal's, a layer above).
        "accent_communities": cards,
        "page_obj": page,
        "filtered": any(filters.values()),
        "my_community_ids": my_ids,
        "query_string": query.urlencode(),
    }
    return render(request, "communities/directory.html", context)


def community_home(request, community_slug):
    """Show a community: about, groups with their join buttons, leaders, partners, and the visitor's own state."""
    community = request.community
    user = request.user
    can_see = user_can_see_content(user=user, community=community)
    memberships = memberships_of(user=user, community=community)
    invitations = invitations_of(user=user, community=community)
    own = memberships.get(None)
    state = join_state(user=user, community=community, membership=own, invitation=invitations.get(None))
    groups = list(community_groups(community=community)) if can_see else []
    for group in groups:
        group.join_state = join_state(
            user=user,
            community=community,
            group=group,
            membership=memberships.get(group.pk),
            community_membership=own,
            invitation=invitations.get(group.pk),
        )
    can_manage = user_can_manage(user=user, community=community)
    context = {
        "community": community,
        "can_see_content": can_see,
        "state": state,
        "role": own.role if own and own.status == Membership.Status.ACTIVE else None,
        "can_manage": can_manage,
        "has_console": can_manage
        or (user.is_authenticated and managed_groups(user=user, community=community).exists()),
        "groups": groups,
        "leaders": community_leaders(community=community) if can_see else [],
        "partners": community_partners(community=community) if can_see else [],
    }
    if can_see:
        context.update(hooks.home_context(request=request, community=community))
    return render(request, "communities/community_home.html", context)


def _visible_group(request, group_slug) -> Group:
    """Return the group of the request's community the visitor may see, or 404."""
    return get_object_or_404(
        Group.objects.visible_to(request.user).filter(community=request.community), slug=group_slug
    )


def _content_or_login(request):
    """Return a redirect to sign in for an anonymous visitor of a members-only community; 404 for others."""
    if user_can_see_content(user=request.user, community=request.community):
        return None
    return deny(request)


def group_detail(request, community_slug, group_slug):
    """Show a group: description, listed members and the visitor's join state."""
    community = request.community
    if (response := _content_or_login(request)) is not None:
        return response
    group = _visible_group(request, group_slug)
    state = group_join_state(user=request.user, community=community, group=group)
    context = {
        "community": community,
        "group": group,
        "state": state,
        "members": group_members(group=group),
        "can_manage_group": permissions.can_manage(request.user, group),
    }
    context.update(hooks.group_context(request=request, community=community, group=group))
    return render(request, "communities/group_detail.html", context)


# --- Joining and leaving ----------------------------------------------------------------------------


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
        if place.join_policy == JoinPolicy.APPROVAL:
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


# --- Coordinator console ----------------------------------------------------------------------------


def _console_scope(request) -> tuple[bool, object]:
    """Return (is_coordinator, managed groups) for the console; 404 for anyone who manages nothing here."""
    community = request.community
    is_coordinator = user_can_manage(user=request.user, community=community)
    groups = managed_groups(user=request.user, community=community)
    if not is_coordinator and not groups.exists():
        raise Http404
    return is_coordinator, groups


def _console_url(community: Community, group: Group | None = None) -> str:
    url = reverse("communities:manage", kwargs={"community_slug": community.slug})
    return f"{url}?{urlencode({'group': group.slug})}" if group else url


def _render_console(request, *, is_coordinator: bool, groups, invite_form=None, status: int = 200):
    community = request.community
    group_slug = request.GET.get("group", "")
    selected = None
    if group_slug:
        selected = get_object_or_404(groups, slug=group_slug)
    elif not is_coordinator:
        selected = groups.first()
    text = request.GET.get("q", "").strip()[:200]
    members = console_members(user=request.user, community=community, group=selected, text=text)
    page = Paginator(members, CONSOLE_PAGE_SIZE).get_page(request.GET.get("page"))
    role_choices = RoleForm(group_level=selected is not None).fields["role"].choices
    context = {
        "community": community,
        "is_coordinator": is_coordinator,
        "groups": groups,
        "selected_group": selected,
        "requests": console_requests(user=request.user, community=community),
        "members_page": page,
        "member_query": text,
        "role_choices": role_choices,
        "invitations": console_invitations(user=request.user, community=community),
        "invite_form": invite_form or InvitationForm(groups=groups, whole_community=is_coordinator),
        "now": timezone.now(),
        "console_url": request.get_full_path(),
    }
    return render(request, "communities/manage.html", context, status=status)


@login_required
def manage(request, community_slug):
    """The coordinator console: pending requests, members and roles, invitations."""
    is_coordinator, groups = _console_scope(request)
    return _render_console(request, is_coordinator=is_coordinator, groups=groups)


def _managed_membership(request, membership_pk: int) -> Membership:
    _console_scope(request)
    return get_object_or_404(
        Membership.objects.manageable_by(request.user, request.community).select_related("user", "group"),
        pk=membership_pk,
    )


def _back_to_console(request, membership_or_invitation=None):
    group = getattr(membership_or_invitation, "group", None)
    return redirect(_next_url(request, _console_url(request.community, group)))


def _run(request, action, success: str, **kwargs) -> bool:
    try:
        action(**kwargs)
    except MembershipError as error:
        messages.error(request, error.text)
        return False
    messages.success(request, success)
    return True


def _decide(request, membership_pk, service, success: str):
    """Approve or decline a pending request from the console, with the coordinator's optional reason."""
    membership = _managed_membership(request, membership_pk)
    if (response := _post_only(request)) is not None:
        return response
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The reason is too long (at most 1000 characters)."))
        return _back_to_console(request, membership)
    message = success % {"name": membership.user.get_full_name()}
    _run(request, service, message, membership=membership, by=request.user, reason=form.cleaned_data["reason"])
    return _back_to_console(request, membership)


@login_required
def manage_approve(request, community_slug, membership_pk):
    return _decide(request, membership_pk, membership_approve, _("%(name)s is now a member."))


@login_required
def manage_decline(request, community_slug, membership_pk):
    return _decide(request, membership_pk, membership_decline, _("The request of %(name)s was declined."))


@login_required
def manage_role(request, community_slug, membership_pk):
    membership = _managed_membership(request, membership_pk)
    if (response := _post_only(request)) is not None:
        return response
    form = RoleForm(request.POST, group_level=membership.group_id is not None)
    if not form.is_valid():
        messages.error(request, _("Choose one of the roles offered."))
        return _back_to_console(request, membership)
    role = form.cleaned_data["role"]
    _run(
        request,
        membership_change_role,
        _("%(name)s is now: %(role)s.")
        % {"name": membership.user.get_full_name(), "role": Membership.Role(role).label},
        membership=membership,
        role=role,
        by=request.user,
    )
    return _back_to_console(request, membership)


@login_required
def manage_remove(request, community_slug, membership_pk):
    membership = _managed_membership(request, membership_pk)
    if (response := _post_only(request)) is not None:
        return response
    form = DecisionForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("The reason is too long (at most 1000 characters)."))
        return _back_to_console(request, membership)
    _run(
        request,
        membership_remove,
        _("%(name)s was removed.") % {"name": membership.user.get_full_name()},
        membership=membership,
        by=request.user,
        reason=form.cleaned_data["reason"],
    )
    return _back_to_console(request, membership)


@login_required
def manage_invite(request, community_slug):
    """Invite someone by email (POST); a bad form shows the console again with its errors."""
    is_coordinator, groups = _console_scope(request)
    if (response := _post_only(request)) is not None:
        return response
    form = InvitationForm(request.POST, groups=groups, whole_community=is_coordinator)
    if form.is_valid():
        started = timezone.now()
        try:
            invitation = invitation_create(
                community=request.community,
                group=form.cleaned_data["group"],
                email=form.cleaned_data["email"],
                role=form.cleaned_data["role"],
                message=form.cleaned_data["message"],
                by=request.user,
            )
        except MembershipError as error:
            form.add_error(None, error.text)
        else:
            if invitation.last_sent_at and invitation.last_sent_at >= started:
                messages.success(request, _("Invitation sent to %(email)s.") % {"email": invitation.email})
            else:
                messages.info(
                    request,
                    _("%(email)s already has an open invitation; use Resend to send it again.")
                    % {"email": invitation.email},
                )
            return _back_to_console(request)
    messages.error(request, _("The invitation was not sent: correct the form below."))
    return _render_console(request, is_coordinator=is_coordinator, groups=groups, invite_form=form, status=400)


def _managed_invitation(request, invitation_pk: int) -> Invitation:
    _console_scope(request)
    return get_object_or_404(
        Invitation.objects.manageable_by(request.user, request.community).select_related("group"), pk=invitation_pk
    )


@login_required
def manage_invitation_resend(request, community_slug, invitation_pk):
    invitation = _managed_invitation(request, invitation_pk)
    if (response := _post_only(request)) is not None:
        return response
    _run(
        request,
        invitation_resend,
        _("Invitation sent again to %(email)s.") % {"email": invitation.email},
        invitation=invitation,
        by=request.user,
    )
    return _back_to_console(request)


@login_required
def manage_invitation_revoke(request, community_slug, invitation_pk):
    invitation = _managed_invitation(request, invitation_pk)
    if (response := _post_only(request)) is not None:
        return response
    _run(
        request,
        invitation_revoke,
        _("The invitation to %(email)s was withdrawn.") % {"email": invitation.email},
        invitation=invitation,
        by=request.user,
    )
    return _back_to_console(request)


# --- Invitation links: /invitations/<token>/ ---------------------------------------------------------


def invitation_detail(request, token):
    """Show an invitation and accept it (POST); a bad token gets a page that says what is wrong.

    A visitor without an account chooses "sign up" or "sign in": the token waits in the
    session and is redeemed when they are signed in (communities.signals), and the
    sign-in/sign-up "next" brings them back here, which then leads into the community.
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
        try:
            invitation_accept(invitation=invitation, user=request.user)
        except MembershipError as error:
            messages.error(request, error.text)
            return redirect(request.path)
        request.session.pop(PENDING_INVITATION_SESSION_KEY, None)
        messages.success(request, _("Welcome to %(place)s!") % {"place": place.name})
        return redirect(place.get_absolute_url())
    email_matches = request.user.is_authenticated and (
        request.user.email.lower() == invitation.email
        or Invitation.objects.addressed_to(request.user).filter(pk=invitation.pk).exists()
    )
    context = {"invitation": invitation, "place": place, "email_matches": email_matches}
    return render(request, "communities/invitation_detail.html", context)
