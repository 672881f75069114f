"""The tenant core: communities, their groups, and who belongs to them.

Split by area; every name is re-exported here so `from communities.models import X` keeps working.
"""

from members.models import Organization

from .community import Community, Group, JoinPolicy, hex_colour, natural_key
from .history import CommunityEvent, Theme
from .memberships import Invitation, Membership, MembershipEvent
from .partners import DimensionValue, PartnerRole, Partnership, ReportingDimension
from .translations import CommunityTranslation, ContentTranslation, GroupTranslation
from .webhooks import WebhookDelivery, WebhookEndpoint

__all__ = [
    "Community",
    "CommunityEvent",
    "CommunityTranslation",
    "ContentTranslation",
    "GroupTranslation",
    "Theme",
    "DimensionValue",
    "Group",
    "Invitation",
    "JoinPolicy",
    "Membership",
    "MembershipEvent",
    "Organization",
    "PartnerRole",
    "Partnership",
    "ReportingDimension",
    "WebhookDelivery",
    "WebhookEndpoint",
    "hex_colour",
    "natural_key",
]
