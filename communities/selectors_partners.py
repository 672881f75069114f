"""Reads of the console's partners area: partnerships, the organisation search, roles and labels.

Each returns a queryset read in a fixed number of queries, whatever the number of rows.
"""

from __future__ import annotations

from django.db.models import Count, Prefetch, Q, QuerySet

from members.models import Organization

from .models import Community, DimensionValue, PartnerRole, Partnership, ReportingDimension


def _partnerships(community: Community) -> QuerySet[Partnership]:
    labels = DimensionValue.objects.select_related("dimension").order_by("dimension__order", "order", "name")
    return (
        Partnership.objects.filter(community=community)
        .select_related("organization", "role")
        .prefetch_related(Prefetch("dimension_values", queryset=labels))
    )


def console_partnerships(*, community: Community) -> QuerySet[Partnership]:
    """Return community's current partnerships by role, then organisation name."""
    return _partnerships(community).current().order_by("role__order", "role__name", "organization__name", "pk")


def console_ended_partnerships(*, community: Community) -> QuerySet[Partnership]:
    """Return community's ended partnerships, most recently ended first."""
    return _partnerships(community).ended().order_by("-ended_on", "organization__name", "pk")


def partner_candidates(*, community: Community) -> QuerySet[Organization]:
    """Return the organisations a coordinator of community may make partners: verified ones, and its own partners.

    Nothing here says which other communities an organisation partners: a proposed
    (unverified) organisation appears only where it is already a partner.
    """
    own = Partnership.objects.filter(community=community).values("organization_id")
    return Organization.objects.filter(Q(is_verified=True) | Q(pk__in=own))


def organisation_search(*, community: Community, q: str = "", city: str = "", country: str = "") -> QuerySet:
    """Return the candidates matching name, city and country, with their partnerships of community (as `here`)."""
    found = partner_candidates(community=community)
    if q:
        found = found.filter(name__icontains=q)
    if city:
        found = found.filter(city__icontains=city)
    if country:
        found = found.filter(country=country.upper())
    here = Partnership.objects.filter(community=community).select_related("role").order_by("role__order", "pk")
    return found.prefetch_related(Prefetch("partnerships", queryset=here, to_attr="here")).order_by("name", "pk")


def console_partner_roles(*, community: Community) -> QuerySet[PartnerRole]:
    """Return community's partner roles in order, with how many partnerships use each (`used`, ended included)."""
    return (
        PartnerRole.objects.filter(community=community)
        .annotate(used=Count("partnerships"))
        .order_by("order", "name", "pk")
    )


def console_dimensions(*, community: Community) -> QuerySet[ReportingDimension]:
    """Return community's reporting dimensions in order, each with its values (`labels`) and what they label."""
    values = DimensionValue.objects.annotate(
        group_count=Count("groups", distinct=True), partnership_count=Count("partnerships", distinct=True)
    ).order_by("order", "name", "pk")
    return (
        ReportingDimension.objects.filter(community=community)
        .prefetch_related(Prefetch("values", queryset=values, to_attr="labels"))
        .order_by("order", "name", "pk")
    )
