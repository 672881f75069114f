"""A coordinator verifies an organisation a person proposed, or merges it into a listed one.

- Who: a coordinator of the community (communities.permissions), where the community or one
  of its groups is reserved to organisation kinds, and only for the unverified organisations
  of the community's people (selectors_organisations.organisation_proposals). Anything else
  is refused with a translated OrganisationError.
- What: members.services does the write (the organisation belongs to no community); here the
  community is locked and a CommunityEvent recorded in the same transaction.
- Repeats change nothing: verifying twice records one event; a proposal already merged is
  gone, so merging it again is refused (the console says it no longer awaits verification).
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from members.models import Organization
from members.services import OrganisationError, organization_merge, organization_verify

from .. import permissions
from ..models import Community, CommunityEvent
from ..selectors_organisations import organisation_proposals, verification_applies
from ._common import _lock_community
from .audit import record_event


def _require_verifier(*, community: Community, by) -> None:
    if not permissions.can_manage(by, community):
        raise OrganisationError(_("Only a coordinator of the community may do this."), code="forbidden")
    if not verification_applies(community):
        raise OrganisationError(
            _("Neither this community nor its groups are reserved to kinds of organisation: nothing to verify here."),
            code="not_reserved",
        )


@transaction.atomic
def organisation_verify(*, community: Community, organization: Organization, by, kind: str = "") -> Organization:
    """Mark organization verified from community's console, optionally correcting its kind."""
    community = _lock_community(community)
    _require_verifier(community=community, by=by)
    if not organisation_proposals(community).filter(pk=organization.pk).exists():
        already = Organization.objects.filter(pk=organization.pk, is_verified=True).first()
        if already is not None:
            return already  # verified meanwhile (a double submit, another coordinator): nothing more to do
        raise OrganisationError(_("This organisation is not awaiting verification here."), code="not_proposed")
    organization, changes = organization_verify(organization=organization, by=by, kind=kind)
    if changes:
        record_event(
            community=community,
            by=by,
            action=CommunityEvent.Action.ORGANISATION_VERIFIED,
            target=organization.name,
            changes=changes,
        )
    return organization


@transaction.atomic
def organisation_merge(*, community: Community, organization_id: int, into: Organization, by) -> Organization:
    """Merge the proposal organization_id into `into` (a listed, verified organisation) from community's console.

    Everything that pointed at the proposal (people, partnerships, invitations...) points at
    `into` afterwards and the proposal is gone. Returns `into`. A retried merge finds no
    proposal and is refused ("not_proposed"), changing nothing.
    """
    community = _lock_community(community)
    _require_verifier(community=community, by=by)
    proposal = organisation_proposals(community).filter(pk=organization_id).first()
    if proposal is None:
        raise OrganisationError(_("This organisation is not awaiting verification here."), code="not_proposed")
    if not into.is_verified or into.pk == proposal.pk:
        raise OrganisationError(_("Choose a listed, verified organisation to merge into."), code="bad_target")
    moved = organization_merge(organization=proposal, into=into, by=by)
    record_event(
        community=community,
        by=by,
        action=CommunityEvent.Action.ORGANISATION_MERGED,
        target=f"{proposal.name} → {into.name}",
        changes={"organisation": [proposal.name, into.name], "people moved": [None, moved.get("members.user", 0)]},
    )
    return into
