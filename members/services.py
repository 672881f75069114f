"""Writes to people's organisations: propose one that is not listed, verify it, merge it into another.

Rules these functions keep:
- A proposal is an Organization with is_verified=False and proposed_by set; it is set on its
  proposer's profile at once. It counts for a place reserved to organisation kinds only once
  verified (communities.selectors.eligibility_error).
- No duplicates: a name (in any case) already listed in the same country is refused, and the
  existing organisation is offered instead. Proposing the same organisation again (a retried
  POST) changes nothing more. A person has at most MAX_OPEN_PROPOSALS unverified proposals.
- Merging moves everything that points at the proposal (people, partnerships, invitations,
  meetings it hosts...) onto the target, then deletes the proposal. The rows are found through
  the model's relations, so this app needs to know none of the apps above it; a row that would
  duplicate one the target already has (same place, same role) is dropped.
- Coordinators reach verify and merge through communities.services (which checks who may and
  records a CommunityEvent); staff through the admin. Both come here.
"""

from __future__ import annotations

from django.core.exceptions import ValidationError
from django.db import models, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from .models import Organization, User

MAX_OPEN_PROPOSALS = 3


class OrganisationError(ValidationError):
    """A proposal, verification or merge the rules refuse; its message says why (translated)."""

    def __init__(self, message, code: str, existing: Organization | None = None):
        super().__init__(message, code=code)
        self.existing = existing

    @property
    def text(self) -> str:
        return " ".join(str(message) for message in self.messages)


def _clean_name(name: str) -> str:
    return " ".join((name or "").split())


@transaction.atomic
def organization_propose(
    *,
    by: User,
    name: str,
    kind: str,
    country: str = "",
    city: str = "",
    website: str = "",
    use_existing: bool = False,
) -> Organization:
    """Create an unverified organisation proposed by `by` and set it on their profile at once.

    Raises OrganisationError "duplicate" (with .existing) when the name is already listed in
    that country, unless use_existing: then that organisation is set on the profile instead
    (the person typed its exact name and country, so choosing it reveals nothing more).
    Raises "too_many" when `by` already has MAX_OPEN_PROPOSALS proposals awaiting verification.
    """
    person = User.objects.select_for_update().get(pk=by.pk)  # one proposal at a time per person
    name = _clean_name(name)
    existing = Organization.objects.filter(name__iexact=name, country=country or "").order_by("pk").first()
    if existing is not None:
        if use_existing or (existing.proposed_by_id == person.pk and not existing.is_verified):
            # The person chose the listed one, or retried their POST: nothing new to create.
            organization_choose(by=person, organization=existing)
            by.organization = existing
            return existing
        raise OrganisationError(
            _("%(name)s is already listed in this country: choose it instead of proposing it again.")
            % {"name": existing.name},
            code="duplicate",
            existing=existing,
        )
    if Organization.objects.filter(proposed_by=person, is_verified=False).count() >= MAX_OPEN_PROPOSALS:
        raise OrganisationError(
            _(
                "You already have %(count)d organisations awaiting verification. "
                "Wait until a coordinator has verified them before proposing another."
            )
            % {"count": MAX_OPEN_PROPOSALS},
            code="too_many",
        )
    organization = Organization.objects.create(
        name=name,
        kind=kind,
        country=country or "",
        city=_clean_name(city),
        website=website or "",
        is_verified=False,
        proposed_by=person,
    )
    organization_choose(by=person, organization=organization)
    by.organization = organization
    return organization


def organization_choose(*, by: User, organization: Organization | None) -> None:
    """Set organization on by's profile (the caller checked that by may see it)."""
    User.objects.filter(pk=by.pk).update(organization=organization)
    by.organization = organization


@transaction.atomic
def organization_verify(*, organization: Organization, by: User, kind: str = "") -> tuple[Organization, dict]:
    """Mark a proposed organisation verified (optionally correcting its kind); verifying twice changes nothing.

    Returns the organisation and the changes made ({field: [before, after]}, empty on a repeat).
    """
    organization = Organization.objects.select_for_update().get(pk=organization.pk)
    if organization.is_verified:
        return organization, {}
    changes: dict[str, list] = {"is_verified": [False, True]}
    if kind and kind != organization.kind:
        if kind not in Organization.Kind.values:
            raise OrganisationError(_("Choose a kind of organisation from the list."), code="bad_kind")
        changes["kind"] = [organization.kind, kind]
        organization.kind = kind
    organization.is_verified = True
    organization.verified_by = by if getattr(by, "is_authenticated", False) else None
    organization.verified_at = timezone.now()
    organization.save(update_fields=["kind", "is_verified", "verified_by", "verified_at", "updated_at"])
    return organization, changes


def _unique_field_sets(model, field_name: str) -> list[list[str]]:
    """Return the other fields of each unconditional uniqueness rule of model that includes field_name."""
    sets = []
    for constraint in model._meta.constraints:
        fields = list(getattr(constraint, "fields", []) or [])
        if isinstance(constraint, models.UniqueConstraint) and field_name in fields and constraint.condition is None:
            sets.append([name for name in fields if name != field_name])
    for together in model._meta.unique_together:
        if field_name in together:
            sets.append([name for name in together if name != field_name])
    if model._meta.get_field(field_name).unique:
        sets.append([])
    return sets


def _move_rows(model, field_name: str, source: Organization, target: Organization) -> int:
    """Point model's rows from source to target, first dropping those that would duplicate one of target's."""
    rows = model._base_manager.filter(**{field_name: source})
    for others in _unique_field_sets(model, field_name):
        taken = model._base_manager.filter(**{field_name: target})
        if not others:
            if taken.exists():
                rows.delete()
            continue
        for values in taken.values_list(*others):
            rows.filter(**dict(zip(others, values, strict=True))).delete()
    return rows.update(**{field_name: target})


def _move_links(relation, source: Organization, target: Organization) -> int:
    """Point the many-to-many links of relation from source to target (a link the target already has is dropped)."""
    through = relation.through
    org_field, other_field = relation.field.m2m_reverse_field_name(), relation.field.m2m_field_name()
    links = through._base_manager.filter(**{org_field: source})
    already = through._base_manager.filter(**{org_field: target}).values(other_field)
    links.filter(**{f"{other_field}__in": already}).delete()
    return links.update(**{org_field: target})


@transaction.atomic
def organization_merge(*, organization: Organization, into: Organization, by: User) -> dict[str, int]:
    """Move everything pointing at organization onto into, then delete organization.

    Returns how many rows moved per model ({"members.user": 3, "communities.partnership": 1, ...}); an empty
    dict when organization is already gone (a retried merge changes nothing).
    """
    if organization.pk == into.pk:
        raise OrganisationError(_("Choose another organisation to merge into."), code="same")
    # Lock both rows in a fixed order, so two merges of the same pair cannot cross.
    locked = {
        org.pk: org
        for org in Organization.objects.select_for_update().filter(pk__in=[organization.pk, into.pk]).order_by("pk")
    }
    if organization.pk not in locked:
        return {}
    if into.pk not in locked:
        raise OrganisationError(_("The organisation to merge into no longer exists."), code="gone")
    source, target = locked[organization.pk], locked[into.pk]
    moved: dict[str, int] = {}
    for relation in Organization._meta.get_fields(include_hidden=True):
        if not (relation.auto_created and relation.is_relation and not relation.concrete):
            continue
        if relation.many_to_many:
            count = _move_links(relation, source, target)
        else:
            count = _move_rows(relation.related_model, relation.field.name, source, target)
        if count:
            moved[relation.related_model._meta.label_lower] = count
    source.delete()
    return moved
