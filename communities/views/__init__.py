"""Directory, community and group pages, joining and leaving, the coordinator console and invitations.

Every object is found through a scoped queryset (outsiders get 404), every write is one
service call, and every refusal is a translated message that changes nothing.

One module per area: pages (directory, community home, group page), joining (join, ask to
join, leave, withdraw), console (the coordinator console: requests, members and roles,
invitations) and invitations (the /invitations/<token>/ links); helpers shared by several
areas (safe "next" URLs, POST-only answers, the visible group) live in _common. The URL
confs reach every view as views.<name>.
"""

from .console import (
    CONSOLE_PAGE_SIZE,
    manage,
    manage_approve,
    manage_decline,
    manage_invitation_resend,
    manage_invitation_revoke,
    manage_invite,
    manage_remove,
    manage_role,
)
from .console_groups import (
    manage_group_archive,
    manage_group_edit,
    manage_group_facilitator_add,
    manage_group_facilitator_end,
    manage_group_move,
    manage_group_new,
    manage_group_restore,
    manage_groups,
)
from .console_history import manage_history
from .console_labels import (
    manage_dimension_add,
    manage_dimension_delete,
    manage_dimension_move,
    manage_dimension_rename,
    manage_labels,
    manage_role_add,
    manage_role_delete,
    manage_role_move,
    manage_role_rename,
    manage_value_add,
    manage_value_delete,
    manage_value_move,
    manage_value_rename,
)
from .console_onboarding import manage_onboarding
from .console_organisations import manage_organisation_merge, manage_organisation_verify, manage_organisations
from .console_page import manage_page
from .console_partners import manage_partner_add, manage_partner_edit, manage_partner_end, manage_partners
from .console_themes import (
    manage_theme_merge,
    manage_theme_rename,
    manage_theme_restore,
    manage_theme_retire,
    manage_themes,
)
from .console_webhooks import (
    manage_webhook,
    manage_webhook_add,
    manage_webhook_delete,
    manage_webhook_disable,
    manage_webhook_enable,
    manage_webhook_redeliver,
    manage_webhook_rotate,
    manage_webhooks,
)
from .invitations import invitation_detail
from .joining import group_join, group_leave, join, leave
from .pages import DIRECTORY_PAGE_SIZE, community_group_list, community_home, directory, group_detail, group_member_list

__all__ = [
    "DIRECTORY_PAGE_SIZE",
    "CONSOLE_PAGE_SIZE",
    "directory",
    "community_home",
    "community_group_list",
    "group_detail",
    "group_member_list",
    "join",
    "group_join",
    "leave",
    "group_leave",
    "manage",
    "manage_approve",
    "manage_decline",
    "manage_role",
    "manage_remove",
    "manage_invite",
    "manage_invitation_resend",
    "manage_invitation_revoke",
    "manage_history",
    "manage_organisations",
    "manage_organisation_verify",
    "manage_organisation_merge",
    "manage_onboarding",
    "manage_page",
    "manage_themes",
    "manage_theme_merge",
    "manage_theme_rename",
    "manage_theme_retire",
    "manage_theme_restore",
    "manage_partners",
    "manage_partner_add",
    "manage_partner_edit",
    "manage_partner_end",
    "manage_labels",
    "manage_role_add",
    "manage_role_rename",
    "manage_role_move",
    "manage_role_delete",
    "manage_dimension_add",
    "manage_dimension_rename",
    "manage_dimension_move",
    "manage_dimension_delete",
    "manage_value_add",
    "manage_value_rename",
    "manage_value_move",
    "manage_value_delete",
    "manage_groups",
    "manage_group_new",
    "manage_group_edit",
    "manage_group_archive",
    "manage_group_restore",
    "manage_group_move",
    "manage_group_facilitator_add",
    "manage_group_facilitator_end",
    "manage_webhooks",
    "manage_webhook_add",
    "manage_webhook",
    "manage_webhook_disable",
    "manage_webhook_enable",
    "manage_webhook_rotate",
    "manage_webhook_delete",
    "manage_webhook_redeliver",
    "invitation_detail",
]
