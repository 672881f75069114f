"""The coordinator console: an overview, pending requests, members and roles, invitations."""

from __future__ import annotations

from urllib.parse import urlencode

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render
from django.urls import reverse
from django.utils import timezone
from django.utils.translation import gettext as _

from .. import hooks
from ..forms import DecisionForm, InvitationForm, RoleForm
from ..models import Community, Group, Invitation, Membership
from ..selectors import console_invitations, console_members, console_requests_oldest
from ..selectors_organisations import organisation_proposals, verification_applies
from ..services import (
    MembershipError,
    invitation_create,
    invitation_resend,
    invitation_revoke,
    membership_approve,
    membership_change_role,
    membership_decline,
    membership_remove,
)
from ._common import _next_url, _post_only
from ._console import console_scope

# Members per page. Each row carries two forms (the role, the removal with its reason), and a page is
# worked through row by row; 25 is what consoles in the field show (Decidim's admin lists 15), and
# halving the 50 of before took about 8 ms off every console request at network scale (issue 15).
CONSOLE_PAGE_SIZE = 25
# Pending requests shown at once, the oldest first: a large community has thousands waiting, and a page
# of thousands of forms is slow to build and to use (issue 15: the console took over a second). Each
# carries two forms with a note: the next ones show as these are decided.
CONSOLE_REQUESTS_SHOWN = 20


def _console_scope(request) -> tuple[bool, object]:
    return console_scope(request)


def _console_url(community: Community, group: Group | None = None) -> str:
    url = reverse("communities:manage", kwargs={"community_slug": community.slug})
    return f"{url}?{urlencode({'group': group.slug})}" if group else url


def _overview(
    community: Community, *, is_coordinator: bool, groups: list, requests_total: int, invitations: list
) -> list[dict]:
    """Return the console's overview: what awaits the viewer here, each with a count and a link (constant queries)."""
    groups_url = reverse("communities:manage_groups", kwargs={"community_slug": community.slug})
    rows = [
        {"label": _("Pending requests"), "count": requests_total, "url": "#requests-heading"},
        {
            "label": _("Groups") if is_coordinator else _("Your groups"),
            "count": sum(1 for group in groups if group.archived_at is None),
            "url": groups_url,
        },
        {"label": _("Open invitations"), "count": len(invitations), "url": "#invitations-heading"},
    ]
    if is_coordinator and verification_applies(community):
        rows.append(
            {
                "label": _("Organisations awaiting verification"),
                "count": organisation_proposals(community).count(),
                "url": reverse("communities:manage_organisations", kwargs={"community_slug": community.slug}),
            }
        )
    return rows


def _render_console(request, *, is_coordinator: bool, groups, invite_form=None, status: int = 200):
    community = request.community
    group_list = list(groups)  # read once: the overview, the group links and the selected group use it
    group_slug = request.GET.get("group", "")
    selected = None
    if group_slug:
        selected = next((group for group in group_list if group.slug == group_slug), None)
        if selected is None:
            raise Http404
    elif not is_coordinator:
        selected = group_list[0] if group_list else None
    text = request.GET.get("q", "").strip()[:200]
    members = console_members(user=request.user, community=community, group=selected, text=text)
    page = Paginator(members, CONSOLE_PAGE_SIZE).get_page(request.GET.get("page"))
    role_choices = RoleForm(group_level=selected is not None).fields["role"].choices
    requests, requests_total = console_requests_oldest(
        user=request.user, community=community, limit=CONSOLE_REQUESTS_SHOWN
    )
    invitations = list(console_invitations(user=request.user, community=community))
    context = {
        "community": community,
        "is_coordinator": is_coordinator,
        "console_section": "members",
        "groups": group_list,
        "selected_group": selected,
        "overview": _overview(
            community,
            is_coordinator=is_coordinator,
            groups=group_list,
            requests_total=requests_total,
            invitations=invitations,
        ),
        "requests": requests,
        "requests_total": requests_total,
        "members_page": page,
        "member_query": text,
        "role_choices": role_choices,
        "invitations": invitations,
        "invite_form": invite_form
        or InvitationForm(groups=groups, groups_read=group_list, whole_community=is_coordinator),
        "now": timezone.now(),
        "console_url": request.get_full_path(),
        "console_links": hooks.console_sections(
            request=request, community=community, is_coordinator=is_coordinator, groups=groups
        ),
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
