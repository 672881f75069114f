"""Admin for communities, their groups, members, invitations, partners and reporting labels.

The admin writes through the same services as the console: saving a membership (on its own
page or in an inline) calls communities.services.membership_update, so the events, emails and
guardian permissions are the console's; invitations are revoked and sent again through their
services. Fields no service writes are read-only here.
"""

from __future__ import annotations

from ._base import (
    HistoryGoesWithItsMembershipMixin,
    MembershipAdminForm,
    MembershipEventInline,
    MembershipInline,
    MembershipSyncMixin,
    UserMembershipInline,
)
from .community import CommunityAdmin, CommunityCountryFilter, GroupAdmin, GroupAdminForm, PartnerRoleInline
from .invitations import InvitationAdmin, InvitationStateFilter
from .memberships import DeclineForm, ImportForm, MembershipAdmin, MembershipEventAdmin
from .partners import (
    DimensionValueAdmin,
    DimensionValueInline,
    PartnerRoleAdmin,
    PartnershipAdmin,
    PartnershipAdminForm,
    ReportingDimensionAdmin,
)
from .people import OrganizationAdmin, PartnershipInline, UserAdmin

__all__ = [
    "CommunityAdmin",
    "CommunityCountryFilter",
    "DeclineForm",
    "DimensionValueAdmin",
    "DimensionValueInline",
    "GroupAdmin",
    "GroupAdminForm",
    "HistoryGoesWithItsMembershipMixin",
    "ImportForm",
    "InvitationAdmin",
    "InvitationStateFilter",
    "MembershipAdmin",
    "MembershipAdminForm",
    "MembershipEventAdmin",
    "MembershipEventInline",
    "MembershipInline",
    "MembershipSyncMixin",
    "OrganizationAdmin",
    "PartnerRoleAdmin",
    "PartnerRoleInline",
    "PartnershipAdmin",
    "PartnershipAdminForm",
    "PartnershipInline",
    "ReportingDimensionAdmin",
    "UserAdmin",
    "UserMembershipInline",
]
