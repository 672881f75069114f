"""Every write to communities, memberships and invitations goes through these functions.

Rules these functions keep (and the decisions behind them):

- Community and group alike. A group sits inside its community: joining or asking to join
  a group needs an active membership of the community. When the community is open (and the
  person may join it), joining an open group, or asking to join an approval group, first
  joins the community at once; otherwise the person is told to join the community first.
- Eligibility. A place that lists organisation kinds (eligible_organization_kinds) lets in,
  by joining or by request, only people whose organisation is of one of those kinds;
  others get a MembershipError saying why. An organisation a person proposed counts only
  once verified (services.organisations): before that they may ask to join, and the request
  is approved only after a coordinator verified it. An invitation is a coordinator's deliberate
  choice and is not held to it (a person who signs up from an invitation has no
  organisation on their profile yet).
- Invitations. An invitation is for the address it was sent to, not for whoever holds the
  link: only an account on which that address is verified may accept it
  (permissions.may_accept_invitation), whatever the role, coordinator included. A person
  invited under another address of theirs adds it to their account and confirms it first
  (invitation_address_add; a new person who signs up under the invited address confirms it
  with allauth's link, then the invitation waiting in the session is accepted). Each
  invitation is accepted once; accepting never lowers a role the person already has.
- Leaving a community, or being removed from it, also ends that person's group memberships
  and pending group requests in it.
- The last active coordinator of a community cannot leave, be removed or be demoted.
- Every change records a MembershipEvent (actor, action, roles, reason) and the decision on
  the Membership (decided_by, decided_at, decision_reason), then calls permissions_sync, so
  guardian's object permissions, and with them the pages, follow on the very next request.
- Races and double submits: each write locks the community row first (then the rows it
  changes) and the unique constraints on Membership and Invitation hold the rest, so a
  repeated or concurrent call changes nothing more. Emails are enqueued on commit.
"""

from __future__ import annotations

from ._common import (
    COMMUNITY_PERM,
    GROUP_PERM,
    InvitationError,
    MembershipError,
    is_last_coordinator,
    last_coordinator_error,
    permissions_sync,
)
from .audit import changes_between, record_event, snapshot
from .community import CommunityPageError, community_update
from .dimensions import (
    dimension_create,
    dimension_delete,
    dimension_move,
    dimension_rename,
    dimension_value_create,
    dimension_value_delete,
    dimension_value_move,
    dimension_value_rename,
)
from .groups import (
    GroupError,
    facilitator_name,
    facilitator_remove,
    group_archive,
    group_create,
    group_move,
    group_restore,
    group_update,
)
from .invitations import (
    INVITATION_SALT,
    RESEND_INTERVAL,
    invitation_accept,
    invitation_address_add,
    invitation_check,
    invitation_create,
    invitation_max_age,
    invitation_resend,
    invitation_revoke,
    invitation_token,
    invitation_url,
)
from .logos import LOGO_SMALL_SIZE, community_logo_variant_update
from .memberships import (
    membership_approve,
    membership_change_role,
    membership_decline,
    membership_grant,
    membership_join,
    membership_leave,
    membership_remove,
    membership_request,
    membership_update,
)
from .onboarding import BatchResult, invitations_bulk_create
from .organisations import organisation_merge, organisation_verify
from .partners import (
    PartnerError,
    partner_role_create,
    partner_role_delete,
    partner_role_move,
    partner_role_rename,
    partnership_add,
    partnership_end,
    partnership_update,
)
from .themes import ThemeError, theme_add, theme_merge, theme_rename, theme_restore, theme_retire, themes_seed

__all__ = [
    "COMMUNITY_PERM",
    "GROUP_PERM",
    "INVITATION_SALT",
    "InvitationError",
    "LOGO_SMALL_SIZE",
    "GroupError",
    "MembershipError",
    "PartnerError",
    "facilitator_name",
    "facilitator_remove",
    "group_archive",
    "group_create",
    "group_move",
    "group_restore",
    "group_update",
    "RESEND_INTERVAL",
    "changes_between",
    "CommunityPageError",
    "community_update",
    "ThemeError",
    "theme_add",
    "theme_merge",
    "theme_rename",
    "theme_restore",
    "theme_retire",
    "themes_seed",
    "dimension_create",
    "dimension_delete",
    "dimension_move",
    "dimension_rename",
    "dimension_value_create",
    "dimension_value_delete",
    "dimension_value_move",
    "dimension_value_rename",
    "community_logo_variant_update",
    "BatchResult",
    "invitations_bulk_create",
    "invitation_accept",
    "invitation_address_add",
    "invitation_check",
    "invitation_create",
    "invitation_max_age",
    "invitation_resend",
    "invitation_revoke",
    "invitation_token",
    "invitation_url",
    "is_last_coordinator",
    "last_coordinator_error",
    "membership_approve",
    "membership_change_role",
    "membership_decline",
    "membership_grant",
    "membership_join",
    "membership_leave",
    "membership_remove",
    "membership_request",
    "membership_update",
    "organisation_merge",
    "organisation_verify",
    "partner_role_create",
    "partner_role_delete",
    "partner_role_move",
    "partner_role_rename",
    "partnership_add",
    "partnership_end",
    "partnership_update",
    "permissions_sync",
    "record_event",
    "snapshot",
]
