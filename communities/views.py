"""Directory and community pages."""

from django.db.models import Prefetch
from django.http import Http404
from django.shortcuts import get_object_or_404, redirect, render

from .models import Community, Group, Membership
from .selectors import (
    community_groups,
    community_leaders,
    community_role,
    directory_communities,
    user_can_manage,
    user_can_see_content,
)


def directory(request):
    """List the communities the visitor may see."""
    communities = directory_communities(user=request.user)
    return render(request, "communities/directory.html", {"communities": communities})


def community_home(request, community_slug):
    community = request.community
    can_see = user_can_see_content(user=request.user, community=community)
    context = {
        "community": community,
        "can_see_content": can_see,
        "role": community_role(user=request.user, community=community),
        "can_manage": user_can_manage(user=request.user, community=community),
        "groups": community_groups(community=community) if can_see else Group.objects.none(),
        "leaders": community_leaders(community=community) if can_see else Membership.objects.none(),
    }
    return render(request, "communities/community_home.html", context)


def group_detail(request, community_slug, group_slug):
    community = request.community
    if not user_can_see_content(user=request.user, community=community):
        if not request.user.is_authenticated:
            return redirect(f"/accounts/login/?next={request.path}")
        raise Http404
    members = Membership.objects.active().select_related("user", "user__organization").order_by("user__full_name")
    group = get_object_or_404(
        Group.objects.visible_to(request.user)
        .filter(community=community)
        .prefetch_related(Prefetch("memberships", queryset=members, to_attr="active_memberships")),
        slug=group_slug,
    )
    return render(request, "communities/group_detail.html", {"community": community, "group": group})


__all__ = ["directory", "community_home", "group_detail", "Community"]
