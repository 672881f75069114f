"""Reads about communities that views and other apps use."""

from __future__ import annotations

from django.db.models import Count, Q

from .models import Community, Group, Membership


def community_role(*, user, community: Community) -> str | None:
    """Return user's active role in community, or None when they are not a member."""
    if not user.is_authenticated:
        return None
    return (
        Membership.objects.active()
        .community_level()
        .filter(user=user, community=community)
        .values_list("role", flat=True)
        .first()
    )


def user_can_see_content(*, user, community: Community) -> bool:
    return Community.objects.content_visible_to(user).filter(pk=community.pk).exists()


def user_can_manage(*, user, community: Community) -> bool:
    """Return whether user manages community, as recorded by its guardian object permission."""
    return user.is_authenticated and user.has_perm("communities.manage_community", community)


def directory_communities(*, user):
    """Return the communities of the directory, annotated for their cards in a fixed number of queries."""
    active_members = Count(
        "memberships",
        filter=Q(memberships__status=Membership.Status.ACTIVE, memberships__group__isnull=True),
        distinct=True,
    )
    return (
        Community.objects.listed_for(user)
        .annotate(member_count=active_members, group_count=Count("groups", distinct=True))
        .order_by("name")
    )


def community_groups(*, community: Community):
    active_members = Count("memberships", filter=Q(memberships__status=Membership.Status.ACTIVE), distinct=True)
    return Group.objects.filter(community=community).annotate(member_count=active_members).order_by("name")


def community_leaders(*, community: Community):
    """Return the active coordinators and facilitators of community, with their organisations."""
    return (
        Membership.objects.active()
        .filter(community=community, role__in=[Membership.Role.COORDINATOR, Membership.Role.FACILITATOR])
        .select_related("user", "user__organization", "group")
        .order_by("role", "user__full_name")
    )
