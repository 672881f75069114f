"""Directory, community and group pages, joining and leaving, the coordinator console and invitations.

Every object is found through a scoped queryset (outsiders get 404), every write is one
service call, and every refusal is a translated message that changes nothing.
"""

from .console import (
    CONSOLE_PAGE_SIZE,
    DIRECTORY_PAGE_SIZE,
    community_home,
    directory,
    group_detail,
    group_join,
    group_leave,
    invitation_detail,
    join,
    leave,
    manage,
    manage_approve,
    manage_decline,
    manage_invitation_resend,
    manage_invitation_revoke,
    manage_invite,
    manage_remove,
    manage_role,
)

__all__ = [
    "DIRECTORY_PAGE_SIZE",
    "CONSOLE_PAGE_SIZE",
    "directory",
    "community_home",
    "group_detail",
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
    "invitation_detail",
]
