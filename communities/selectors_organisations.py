"""Reads about organisations that depend on communities: who may see which, and whose proposals a coordinator verifies.

- A person sees the verified organisations that partner no community (the plain list), the
  partners of communities whose content they may see (public ones; members-only and hidden
  ones only as members), their own organisation and the ones they proposed. A partner of a
  members-only or hidden community is not offered to outsiders: that partnership is the
  community's business. Registered as members.organisations' visibility rule (apps.py).
- A coordinator verifies (or merges) the unverified organisations of the people of their
  community (members, and people whose request to join is pending), and only where the
  community or one of its groups is reserved to organisation kinds: elsewhere the kind
  decides nothing, so nobody there vouches for it.
"""

from __future__ import annotations

from django.db.models import Exists, OuterRef, Q, QuerySet

from members.models import Organization
from members.organisations import own_organizations

from .models import Community, Group, Membership, Partnership


def organizations_visible_to(user) -> QuerySet[Organization]:
    """Return the organisations user may see and pick (see the module's docstring)."""
    partners_of_visible = Partnership.objects.filter(
        organization=OuterRef("pk"), community__in=Community.objects.content_visible_to(user)
    )
    partners_any = Partnership.objects.filter(organization=OuterRef("pk"))
    listed = Q(is_verified=True) & (~Exists(partners_any) | Exists(partners_of_visible))
    return Organization.objects.filter(listed | own_organizations(user))


def verification_applies(community: Community) -> bool:
    """Return whether community, or one of its groups, is reserved to organisation kinds."""
    return (
        community.is_reserved
        or Group.objects.filter(community=community, archived_at__isnull=True)
        .exclude(eligible_organization_kinds=[])
        .exists()
    )


def organisation_proposals(community: Community) -> QuerySet[Organization]:
    """Return the unverified organisations of the community's people (members and requesters), oldest first."""
    people = Membership.objects.filter(
        community=community, status__in=[Membership.Status.ACTIVE, Membership.Status.PENDING]
    ).values("user_id")
    return (
        Organization.objects.filter(is_verified=False)
        .filter(Q(proposed_by__in=people) | Q(people__in=people))
        .distinct()
        .select_related("proposed_by")
        .order_by("created_at", "pk")
    )
