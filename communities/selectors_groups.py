"""Reads of the console's Groups page: the groups a person shapes or runs, with their facilitators."""

from __future__ import annotations

from django.db.models import Prefetch, QuerySet

from .models import Community, Group, Membership


def console_groups(*, user, community: Community, groups: QuerySet[Group]) -> QuerySet[Group]:
    """Return groups (the console scope: all of community's for a coordinator, theirs for a facilitator), in order.

    Archived groups included; each carries member_count and `facilitator_memberships`, in a
    fixed number of queries whatever the number of groups.
    """
    facilitators = (
        Membership.objects.active()
        .filter(role=Membership.Role.FACILITATOR)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
    return (
        groups.filter(community=community)
        .select_related("community")
        .annotate(member_count=Membership.objects.active_count_of_group())
        .prefetch_related(Prefetch("memberships", queryset=facilitators, to_attr="facilitator_memberships"))
        .in_order()
    )


def facilitator_candidates(*, community: Community, group: Group):
    """Return the active members of community who are not yet facilitators of group, by name (for the select)."""
    from django.contrib.auth import get_user_model

    members = Membership.objects.active().community_level().filter(community=community).values("user_id")
    facilitating = Membership.objects.active().filter(group=group, role=Membership.Role.FACILITATOR).values("user_id")
    return (
        get_user_model()
        .objects.filter(pk__in=members, is_active=True)
        .exclude(pk__in=facilitating)
        .order_by("full_name", "email", "pk")
    )


def group_facilitators(*, group: Group):
    """Return the active facilitator memberships of group, with their people, by name."""
    return (
        Membership.objects.active()
        .filter(group=group, role=Membership.Role.FACILITATOR)
        .select_related("user")
        .order_by("user__full_name", "pk")
    )
