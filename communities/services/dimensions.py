"""Reporting dimensions of a community and their values (labels), which drive the reports.

A dimension (e.g. "Funding call") has values (e.g. "Prima Infanzia 2016") that label groups and
partnerships; the reports cross them (the first two dimensions by order make the cross tables).
The rules are those of services/partners.py: the community row locked, a retry changes nothing
twice, an event recorded in the same transaction, deletion only while nothing is labelled, and
renaming keeps the slug so report tables and their links stay stable.
"""

from __future__ import annotations

from django.db import transaction
from django.db.models import Count
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.typography import join_comma

from ..models import Community, CommunityEvent, DimensionValue, ReportingDimension
from ._common import _lock_community
from .audit import record_event
from .partners import PartnerError, _clean_name, _move, _next_order, _unique_slug

Action = CommunityEvent.Action


def _locked_dimension(dimension: ReportingDimension) -> ReportingDimension:
    _lock_community(dimension.community)
    return ReportingDimension.objects.select_for_update().get(pk=dimension.pk)


def _locked_value(value: DimensionValue) -> DimensionValue:
    _lock_community(value.dimension.community)
    return DimensionValue.objects.select_for_update(of=("self",)).select_related("dimension").get(pk=value.pk)


def _value_usage(values) -> tuple[int, int]:
    usage = values.aggregate(groups=Count("groups", distinct=True), partnerships=Count("partnerships", distinct=True))
    return usage["groups"], usage["partnerships"]


def _in_use_error(name: str, groups: int, partnerships: int) -> PartnerError:
    used = [
        ngettext("%(count)d group", "%(count)d groups", groups) % {"count": groups} if groups else "",
        ngettext("%(count)d partnership", "%(count)d partnerships", partnerships) % {"count": partnerships}
        if partnerships
        else "",
    ]
    return PartnerError(
        _("%(name)s cannot be deleted: it labels %(used)s. Remove the label from them first, or rename it.")
        % {"name": name, "used": join_comma(part for part in used if part)},
        code="in_use",
    )


@transaction.atomic
def dimension_create(*, community: Community, name: str, by) -> ReportingDimension:
    """Add a reporting dimension (e.g. "Funding call") at the end of community's list."""
    community = _lock_community(community)
    name = _clean_name(name, max_length=120)
    dimensions = ReportingDimension.objects.filter(community=community)
    if dimensions.filter(name__iexact=name).exists():
        raise PartnerError(
            _("There is already a reporting dimension called %(name)s.") % {"name": name}, code="duplicate"
        )
    dimension = ReportingDimension.objects.create(
        community=community,
        name=name,
        slug=_unique_slug(dimensions, name, "dimension"),
        order=_next_order(dimensions),
    )
    record_event(community=community, by=by, action=Action.DIMENSION_ADDED, target=name)
    return dimension


@transaction.atomic
def dimension_rename(*, dimension: ReportingDimension, name: str, by) -> ReportingDimension:
    """Rename a reporting dimension (its slug, used by report links, stays)."""
    dimension = _locked_dimension(dimension)
    name = _clean_name(name, max_length=120)
    if name == dimension.name:
        return dimension
    others = ReportingDimension.objects.filter(community=dimension.community).exclude(pk=dimension.pk)
    if others.filter(name__iexact=name).exists():
        raise PartnerError(
            _("There is already a reporting dimension called %(name)s.") % {"name": name}, code="duplicate"
        )
    before = dimension.name
    dimension.name = name
    dimension.save(update_fields=["name"])
    record_event(
        community=dimension.community,
        by=by,
        action=Action.DIMENSION_CHANGED,
        target=name,
        changes={"name": [before, name]},
    )
    return dimension


@transaction.atomic
def dimension_move(*, dimension: ReportingDimension, position: int, by) -> ReportingDimension:
    """Put a reporting dimension at position (1 is first): the first two drive the reports' cross tables."""
    dimension = _locked_dimension(dimension)
    before, after = _move(ReportingDimension.objects.filter(community=dimension.community), dimension, position)
    if before != after:
        record_event(
            community=dimension.community,
            by=by,
            action=Action.DIMENSION_CHANGED,
            target=dimension.name,
            changes={"position": [before, after]},
        )
    return dimension


@transaction.atomic
def dimension_delete(*, dimension: ReportingDimension, by) -> None:
    """Delete a reporting dimension and its values, when none of its values labels anything."""
    dimension = _locked_dimension(dimension)
    groups, partnerships = _value_usage(DimensionValue.objects.filter(dimension=dimension))
    if groups or partnerships:
        raise _in_use_error(dimension.name, groups, partnerships)
    community, name = dimension.community, dimension.name
    values = sorted(dimension.values.values_list("name", flat=True))
    dimension.delete()
    record_event(
        community=community,
        by=by,
        action=Action.DIMENSION_DELETED,
        target=name,
        changes={"values": [values, []]} if values else None,
    )


@transaction.atomic
def dimension_value_create(*, dimension: ReportingDimension, name: str, by) -> DimensionValue:
    """Add a value (a reporting label, e.g. "Sud e Isole") at the end of dimension's list."""
    dimension = _locked_dimension(dimension)
    name = _clean_name(name, max_length=200)
    values = DimensionValue.objects.filter(dimension=dimension)
    if values.filter(name__iexact=name).exists():
        raise PartnerError(
            _("%(dimension)s already has a label called %(name)s.") % {"dimension": dimension.name, "name": name},
            code="duplicate",
        )
    value = DimensionValue.objects.create(
        dimension=dimension, name=name, slug=_unique_slug(values, name, "label"), order=_next_order(values)
    )
    record_event(community=dimension.community, by=by, action=Action.DIMENSION_VALUE_ADDED, target=str(value))
    return value


@transaction.atomic
def dimension_value_rename(*, value: DimensionValue, name: str, by) -> DimensionValue:
    """Rename a reporting label; everything it labels keeps it."""
    value = _locked_value(value)
    name = _clean_name(name, max_length=200)
    if name == value.name:
        return value
    others = DimensionValue.objects.filter(dimension=value.dimension).exclude(pk=value.pk)
    if others.filter(name__iexact=name).exists():
        raise PartnerError(
            _("%(dimension)s already has a label called %(name)s.") % {"dimension": value.dimension.name, "name": name},
            code="duplicate",
        )
    before = value.name
    value.name = name
    value.save(update_fields=["name"])
    record_event(
        community=value.dimension.community,
        by=by,
        action=Action.DIMENSION_VALUE_CHANGED,
        target=str(value),
        changes={"name": [before, name]},
    )
    return value


@transaction.atomic
def dimension_value_move(*, value: DimensionValue, position: int, by) -> DimensionValue:
    """Put a reporting label at position (1 is first) within its dimension."""
    value = _locked_value(value)
    before, after = _move(DimensionValue.objects.filter(dimension=value.dimension), value, position)
    if before != after:
        record_event(
            community=value.dimension.community,
            by=by,
            action=Action.DIMENSION_VALUE_CHANGED,
            target=str(value),
            changes={"position": [before, after]},
        )
    return value


@transaction.atomic
def dimension_value_delete(*, value: DimensionValue, by) -> None:
    """Delete a reporting label that labels no group and no partnership."""
    value = _locked_value(value)
    groups, partnerships = _value_usage(DimensionValue.objects.filter(pk=value.pk))
    if groups or partnerships:
        raise _in_use_error(str(value), groups, partnerships)
    community, target = value.dimension.community, str(value)
    value.delete()
    record_event(community=community, by=by, action=Action.DIMENSION_VALUE_DELETED, target=target)
