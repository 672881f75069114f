"""Inviting many people at once: the batch is planned again under the community's lock, then applied.

The rules of communities.services hold here too: the community row is locked first, so two
confirms of the same batch run one after the other and the second finds every address already
invited (it sends nothing); nothing is written unless every row is good; each invitation is
written with its outbox row in the same transaction; one CommunityEvent records the batch.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _
from django.utils.translation import ngettext

from members.typography import join_comma

from .. import permissions
from ..models import Community, CommunityEvent, Group, Invitation
from ..onboarding import Plan, plan_invitations
from ._common import MembershipError, _lock_community
from .audit import record_event
from .invitations import _invitation_upsert


@dataclass
class BatchResult:
    """What a confirmed batch did: its plan (with every row's outcome) and the invitations sent."""

    plan: Plan
    sent: list[Invitation]

    @property
    def ok(self) -> bool:
        return self.plan.ok


@transaction.atomic
def invitations_bulk_create(
    *,
    community: Community,
    by,
    text: str,
    group: Group | None = None,
    role: str = "",
    message: str = "",
) -> BatchResult:
    """Invite every person text lists (a pasted list or CSV) into community, all or nobody.

    The text is checked again here (what was previewed may have changed since): when a row
    has an error, nobody is invited and the result's plan says why. People already members
    or already invited (an open, unexpired invitation) are skipped and sent nothing.
    """
    if group is not None and group.community_id != community.pk:
        raise ValueError("The group belongs to another community.")
    if not permissions.manages_any_group(by, community):
        raise MembershipError(_("Only a coordinator, or a facilitator of the group, may do this."), code="forbidden")
    community = _lock_community(community)
    plan = plan_invitations(community=community, by=by, text=text, default_group=group, default_role=role)
    if not plan.ok:
        return BatchResult(plan=plan, sent=[])
    now = timezone.now()
    sent: list[Invitation] = []
    for row in plan.to_send:
        invitation, was_sent = _invitation_upsert(
            community=community,
            group=row.group,
            email=row.email,
            role=row.role,
            by=by,
            message=message,
            language=row.language,
            full_name=row.name,
            organization=row.organization,
            now=now,
        )
        if was_sent:
            sent.append(invitation)
    if sent:
        places = sorted({row.group.name if row.group else community.name for row in plan.to_send})
        groups = {row.group for row in plan.to_send}
        record_event(
            community=community,
            by=by,
            action=CommunityEvent.Action.INVITATIONS_SENT,
            target=ngettext("%(count)d person", "%(count)d people", len(sent)) % {"count": len(sent)},
            group=next(iter(groups)) if len(groups) == 1 else None,
            changes={
                "invited": [None, len(sent)],
                "into": [None, join_comma(places)],
                "skipped": [None, len(plan.skipped)],
            },
        )
    return BatchResult(plan=plan, sent=sent)
