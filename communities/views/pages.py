"""The directory of communities, a community's home page and a group's page."""

from __future__ import annotations

from django.core.paginator import Paginator
from django.shortcuts import render

from .. import hooks, permissions
from ..forms import DirectoryFilterForm
from ..models import Membership
from ..selectors import (
    community_groups,
    community_leaders,
    community_partners,
    directory_annotate,
    directory_communities,
    directory_filter_choices,
    group_join_state,
    group_members,
    invitations_of,
    join_state,
    memberships_of,
    reserved_to,
    user_can_manage,
    user_can_see_content,
)
from ..selectors_lists import first_and_total
from ..translation import prefetch_translations
from ._common import _content_or_login, _visible_group

DIRECTORY_PAGE_SIZE = 30
HOME_GROUPS = 12  # the groups a community's home lists; the rest are on its groups page
# The coordinators and facilitators a community's home lists (coordinators first); the others are on their
# groups' pages. A network's largest community has about a hundred: 13 ms and 25 KB of its home.
HOME_LEADERS = 12
GROUPS_PAGE_SIZE = 30
# The people a group's page names (facilitators first); a larger group links to its members' page. A group
# of REBUILD names 74 at network scale, and nothing bounds a group: the page grew with it.
GROUP_PAGE_PEOPLE = 24
GROUP_MEMBERS_PAGE_SIZE = 60


def directory(request):
    """List the communities the visitor may see, with search and filters (a plain GET form)."""
    form = DirectoryFilterForm(request.GET or None, choices=directory_filter_choices(user=request.user))
    filters = form.filters() if form.is_bound else {}
    communities = directory_communities(user=request.user, **filters)
    page = Paginator(communities, DIRECTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    cards = directory_annotate(communities=list(page.object_list), user=request.user)
    mine = permissions.memberships(request.user)  # read once for the request, shared with the header
    my_ids = {m.community_id for m in mine if m.group_id is None and m.status == Membership.Status.ACTIVE}
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
    groups, groups_total, leaders, leaders_total = [], 0, [], 0
    if can_see:
        # The first ones, and how many there are in all: a network's largest community has 80 groups
        # (160 KB of the page and most of its time) and 96 leaders (issue 15).
        groups, groups_total = first_and_total(community_groups(community=community, user=user), HOME_GROUPS)
        leaders, leaders_total = first_and_total(community_leaders(community=community, user=user), HOME_LEADERS)
    managed_ids = _with_join_states(request, groups, memberships=memberships, invitations=invitations, own=own)
    can_manage = user_can_manage(user=user, community=community)
    context = {
        "community": community,
        "can_see_content": can_see,
        "state": state,
        "role": own.role if own and own.status == Membership.Status.ACTIVE else None,
        "can_manage": can_manage,
        "has_console": can_manage
        or bool(managed_ids)
        # A facilitator of a group past the first HOME_GROUPS (or of an archived one) too.
        or (user.is_authenticated and permissions.manages_any_group(user, community)),
        "groups": groups,
        "groups_total": groups_total,
        "leaders": leaders,
        "leaders_more": max(0, leaders_total - len(leaders)),
        "partners": community_partners(community=community) if can_see else [],
    }
    if can_see:
        context.update(hooks.home_context(request=request, community=community))
        # The groups and the next meetings in the reader's language: their translations in one query for
        # both lists (each list's {% reader_list %} then finds its rows loaded).
        if context.get("meetings") is not None:
            context["meetings"] = list(context["meetings"])
        prefetch_translations([*groups, *(context.get("meetings") or [])])
    return render(request, "communities/community_home.html", context)


def _with_join_states(request, groups, *, memberships, invitations, own) -> set[int]:
    """Give each group its reserved_to and the visitor's join_state; return the ids of those they manage.

    Answered from the person's memberships read once for the request (communities.permissions).
    """
    user, community = request.user, request.community
    managed_ids = {group.pk for group in groups if permissions.can_manage(user, group)}
    for group in groups:
        group.reserved_to = reserved_to(group)
        group.join_state = join_state(
            user=user,
            community=community,
            group=group,
            membership=memberships.get(group.pk),
            community_membership=own,
            invitation=invitations.get(group.pk),
            manages=group.pk in managed_ids,
        )
    return managed_ids


def community_group_list(request, community_slug):
    """List every group of a community the visitor may see, GROUPS_PAGE_SIZE a page, with their join buttons."""
    community = request.community
    if (response := _content_or_login(request)) is not None:
        return response
    user = request.user
    memberships = memberships_of(user=user, community=community)
    invitations = invitations_of(user=user, community=community)
    page = Paginator(community_groups(community=community, user=user), GROUPS_PAGE_SIZE).get_page(
        request.GET.get("page")
    )
    groups = list(page.object_list)
    _with_join_states(request, groups, memberships=memberships, invitations=invitations, own=memberships.get(None))
    prefetch_translations(groups)
    context = {"community": community, "groups": groups, "page_obj": page}
    return render(request, "communities/group_list.html", context)


def group_detail(request, community_slug, group_slug):
    """Show a group as a workspace: who runs it and belongs to it, and (through hooks) what it does.

    Its meetings, open actions, knowledge and discussions come from the apps above
    (communities.hooks); the follow/mute control from cop_portal. A group the visitor may
    not see (Group.visibility) answers 404, as a missing one.
    """
    community = request.community
    if (response := _content_or_login(request)) is not None:
        return response
    group = _visible_group(request, group_slug)
    state = group_join_state(user=request.user, community=community, group=group)
    people = list(group_members(group=group)[: GROUP_PAGE_PEOPLE + 1])  # one more: are there others?
    context = {
        "community": community,
        "group": group,
        "state": state,
        "reserved_to": reserved_to(group),
        **_by_role(people[:GROUP_PAGE_PEOPLE]),
        "more_people": len(people) > GROUP_PAGE_PEOPLE,
        "can_manage_group": state.manages,
    }
    context.update(hooks.group_context(request=request, community=community, group=group))
    return render(request, "communities/group_detail.html", context)


def group_member_list(request, community_slug, group_slug):
    """List everyone a group's page names, a page at a time: shown to whoever may see the group."""
    community = request.community
    if (response := _content_or_login(request)) is not None:
        return response
    group = _visible_group(request, group_slug)
    page = Paginator(group_members(group=group), GROUP_MEMBERS_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {"community": community, "group": group, "page_obj": page, **_by_role(page.object_list)}
    return render(request, "communities/group_members.html", context)


def _by_role(people) -> dict:
    """Split a group's people (facilitators first) into its facilitators and its members."""
    return {
        "facilitators": [m for m in people if m.role != Membership.Role.MEMBER],
        "members": [m for m in people if m.role == Membership.Role.MEMBER],
    }
