"""Partners of a community and its partner roles (reporting dimensions and labels: dimensions.py).

Rules these functions keep:

- Every write locks the community row first, then re-reads what it changes, and records a
  CommunityEvent in the same transaction (the console's History page).
- Retries change nothing twice: adding a partner it already has under that role, ending an
  ended partnership, renaming to the same name or moving to the place an item already holds
  returns at once and records nothing.
- A partnership is never deleted from the console: it ends (ended_on, kept on record) and the
  community page, reports, open data and announcements stop counting it. Adding the same
  organisation under the same role again reopens it.
- Only verified organisations become partners (or ones already partners of this community); a
  proposed organisation is verified first.
- Roles, dimensions and labels are deleted only while nothing uses them (a role: no partnership,
  ended ones included; a label: no group and no partnership); otherwise the error says how many
  use it, so the coordinator can rename instead or move them first.
- Renaming a dimension or a label keeps its slug: report tables and their links stay stable.
"""

from __future__ import annotations

import datetime
from collections.abc import Iterable
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils.text import slugify
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.models import Organization

from ..models import Community, CommunityEvent, DimensionValue, PartnerRole, Partnership
from ..models.partners import partnership_today
from ._common import _lock_community
from .audit import changes_between, record_event, snapshot

Action = CommunityEvent.Action


class PartnerError(ValidationError):
    """A change to partners, roles or labels that the rules refuse; its message says why (translated)."""

    @property
    def text(self) -> str:
        return " ".join(str(message) for message in self.messages)


def _clean_name(name: str, *, max_length: int) -> str:
    cleaned = " ".join((name or "").split())
    if not cleaned:
        raise PartnerError(_("Give a name."), code="name_missing")
    if len(cleaned) > max_length:
        raise PartnerError(
            _("The name is too long (at most %(count)d characters).") % {"count": max_length}, code="name_too_long"
        )
    return cleaned


def _labels_of(community: Community, values: Iterable[DimensionValue]) -> list[DimensionValue]:
    values = list(values or [])
    ids = [value.pk for value in values]
    own = set(DimensionValue.objects.filter(pk__in=ids, dimension__community=community).values_list("pk", flat=True))
    if len(own) != len(set(ids)):
        raise PartnerError(_("Choose reporting labels of this community."), code="foreign_label")
    return values


def _check_role(community: Community, role: PartnerRole) -> None:
    if role is None or role.community_id != community.pk:
        raise PartnerError(_("Choose a partner role of this community."), code="foreign_role")


def _move(queryset, item, position: int) -> tuple[int, int]:
    rows = list(queryset.order_by("order", "name", "pk").select_for_update())
    index = next(index for index, row in enumerate(rows) if row.pk == item.pk)
    current = index + 1
    if current == position or not 1 <= position <= len(rows):
        return current, current
    rows.pop(index)
    rows.insert(position - 1, item)
    changed = []
    for number, row in enumerate(rows, start=1):
        if row.order != number:
            row.order = number
            changed.append(row)
    type(item).objects.bulk_update(changed, ["order"])
    return current, position


def _next_order(queryset) -> int:
    return (queryset.aggregate(top=Max("order"))["top"] or 0) + 1


def _unique_slug(queryset, name: str, fallback: str) -> str:
    base = slugify(name)[:70] or fallback
    taken = set(queryset.filter(slug__startswith=base).values_list("slug", flat=True))
    slug, number = base, 2
    while slug in taken:
        slug, number = f"{base}-{number}", number + 1
    return slug


# --- Partnerships -----------------------------------------------------------------------------------


def _locked_partnership(partnership: Partnership) -> Partnership:
    _lock_community(partnership.community)
    return (
        Partnership.objects.select_for_update(of=("self",))
        .select_related("organization", "role")
        .order_by("pk")
        .get(pk=partnership.pk)
    )


def _partnership_state(partnership: Partnership) -> dict[str, Any]:
    state = snapshot(partnership, ["role", "since", "notes"])
    state["dimension_values"] = sorted(str(value) for value in partnership.dimension_values.all())
    return state


@transaction.atomic
def partnership_add(
    *,
    community: Community,
    organization: Organization,
    role: PartnerRole,
    by,
    since: datetime.date | None = None,
    notes: str = "",
    dimension_values: Iterable[DimensionValue] = (),
) -> Partnership:
    """Make organization a partner of community under role; reopen an ended partnership under that role.

    An organisation already a current partner under role is returned unchanged (a retry).
    """
    community = _lock_community(community)
    _check_role(community, role)
    labels = _labels_of(community, dimension_values)
    existing = (
        Partnership.objects.select_for_update()
        .filter(community=community, organization=organization, role=role)
        .order_by("pk")
        .first()
    )
    if existing is not None and not existing.is_ended:
        return existing
    if existing is None and not organization.is_verified:
        already = Partnership.objects.filter(community=community, organization=organization).exists()
        if not already:
            raise PartnerError(
                _("%(name)s is not verified yet: verify the organisation before adding it as a partner.")
                % {"name": organization.name},
                code="unverified",
            )
    if existing is not None:
        before = {"ended_on": existing.ended_on}
        existing.ended_on = None
        if since:
            existing.since = since
        existing.save(update_fields=["ended_on", "since", "updated_at"])
        if labels:
            existing.dimension_values.add(*labels)
        record_event(
            community=community,
            by=by,
            action=Action.PARTNER_ADDED,
            target=organization.name,
            changes={"role": [None, role.name], "ended_on": [before["ended_on"], None]},
        )
        return existing
    partnership = Partnership.objects.create(
        community=community, organization=organization, role=role, since=since, notes=notes or ""
    )
    if labels:
        partnership.dimension_values.set(labels)
    record_event(
        community=community,
        by=by,
        action=Action.PARTNER_ADDED,
        target=organization.name,
        changes=changes_between({}, {"role": role.name, "since": since, "notes": notes or None}),
    )
    return partnership


@transaction.atomic
def partnership_update(
    *,
    partnership: Partnership,
    by,
    role: PartnerRole,
    dimension_values: Iterable[DimensionValue],
    since: datetime.date | None,
    notes: str,
) -> Partnership:
    """Change a partnership's role, reporting labels, start date and notes; a change to nothing records nothing."""
    partnership = _locked_partnership(partnership)
    community = partnership.community
    _check_role(community, role)
    labels = _labels_of(community, dimension_values)
    if role.pk != partnership.role_id:
        clash = (
            Partnership.objects.filter(community=community, organization_id=partnership.organization_id, role=role)
            .exclude(pk=partnership.pk)
            .first()
        )
        if clash is not None:
            message = (
                _("%(name)s already has an ended partnership as %(role)s: add it again under that role to reopen it.")
                if clash.is_ended
                else _("%(name)s is already a partner as %(role)s.")
            )
            raise PartnerError(
                message % {"name": partnership.organization.name, "role": role.name}, code="duplicate_role"
            )
    before = _partnership_state(partnership)
    partnership.role = role
    partnership.since = since
    partnership.notes = notes or ""
    after = snapshot(partnership, ["role", "since", "notes"])
    after["dimension_values"] = sorted(str(value) for value in labels)
    changes = changes_between(before, after)
    if not changes:
        return partnership
    partnership.save(update_fields=["role", "since", "notes", "updated_at"])
    partnership.dimension_values.set(labels)
    record_event(
        community=community,
        by=by,
        action=Action.PARTNER_CHANGED,
        target=partnership.organization.name,
        changes=changes,
    )
    return partnership


@transaction.atomic
def partnership_end(*, partnership: Partnership, by, on: datetime.date | None = None) -> Partnership:
    """End a partnership on day on (today by default); an ended one is returned unchanged."""
    partnership = _locked_partnership(partnership)
    if partnership.is_ended:
        return partnership
    before = partnership.ended_on  # a day still to come, set in the admin, or None
    partnership.ended_on = on or partnership_today()
    partnership.save(update_fields=["ended_on", "updated_at"])
    record_event(
        community=partnership.community,
        by=by,
        action=Action.PARTNERSHIP_ENDED,
        target=f"{partnership.organization.name} – {partnership.role.name}",
        changes={"ended_on": [before, partnership.ended_on]},
    )
    return partnership


# --- Partner roles ----------------------------------------------------------------------------------


def _locked_role(role: PartnerRole) -> PartnerRole:
    _lock_community(role.community)
    return PartnerRole.objects.select_for_update().get(pk=role.pk)


def _role_name_taken(community: Community, name: str, exclude: int | None = None) -> bool:
    return PartnerRole.objects.filter(community=community, name__iexact=name).exclude(pk=exclude).exists()


@transaction.atomic
def partner_role_create(*, community: Community, name: str, by) -> PartnerRole:
    """Add a partner role at the end of community's list."""
    community = _lock_community(community)
    name = _clean_name(name, max_length=120)
    if _role_name_taken(community, name):
        raise PartnerError(_("There is already a partner role called %(name)s.") % {"name": name}, code="duplicate")
    role = PartnerRole.objects.create(
        community=community, name=name, order=_next_order(PartnerRole.objects.filter(community=community))
    )
    record_event(community=community, by=by, action=Action.PARTNER_ROLE_ADDED, target=name)
    return role


@transaction.atomic
def partner_role_rename(*, role: PartnerRole, name: str, by) -> PartnerRole:
    """Rename a partner role; the partners keep it."""
    role = _locked_role(role)
    name = _clean_name(name, max_length=120)
    if name == role.name:
        return role
    if _role_name_taken(role.community, name, exclude=role.pk):
        raise PartnerError(_("There is already a partner role called %(name)s.") % {"name": name}, code="duplicate")
    before = role.name
    role.name = name
    role.save(update_fields=["name"])
    record_event(
        community=role.community,
        by=by,
        action=Action.PARTNER_ROLE_CHANGED,
        target=name,
        changes={"name": [before, name]},
    )
    return role


@transaction.atomic
def partner_role_move(*, role: PartnerRole, position: int, by) -> PartnerRole:
    """Put a partner role at position (1 is first) in its community's list."""
    role = _locked_role(role)
    before, after = _move(PartnerRole.objects.filter(community=role.community), role, position)
    if before != after:
        record_event(
            community=role.community,
            by=by,
            action=Action.PARTNER_ROLE_CHANGED,
            target=role.name,
            changes={"position": [before, after]},
        )
    return role


@transaction.atomic
def partner_role_delete(*, role: PartnerRole, by) -> None:
    """Delete a partner role no partnership uses (ended ones included)."""
    role = _locked_role(role)
    used = Partnership.objects.filter(role=role).count()
    if used:
        raise PartnerError(
            ngettext(
                "%(name)s cannot be deleted: %(count)d partnership uses it (ended ones count too). Rename it instead.",
                "%(name)s cannot be deleted: %(count)d partnerships use it (ended ones count too). Rename it instead.",
                used,
            )
            % {"name": role.name, "count": used},
            code="in_use",
        )
    community, name = role.community, role.name
    role.delete()
    record_event(community=community, by=by, action=Action.PARTNER_ROLE_DELETED, target=name)
