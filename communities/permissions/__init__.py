"""The one door: every access decision of the portal is a function of this package.

Apps, the admin, digests and reports call these functions; nothing else asks guardian
(has_perm, get_objects_for_user, its tables) or writes its own superuser rule.

- One superuser rule: `is_portal_admin(user)`, an active signed-in superuser sees and manages everything.
- Membership: `is_active_member`, and the subqueries `active_community_ids`, `active_group_ids`.
- Groups: `visible_group_ids` (Group.visibility: public, members, private) and `in_visible_group`,
  the condition every app adds so that a private group's meetings, items and threads stay behind it.
- Management: a coordinator manages the community and every group in it, a facilitator their
  group (`can_manage`, `managed_community_ids`, `managed_group_ids`). The roles are recorded as
  guardian object permissions, kept in step with Membership by `permissions_sync`.
- Many people, one object (`audience_*`, in audience.py): the same rules as Q objects on users, for
  jobs that ask "who of these may see it?" of a whole chunk of people in one query.
- Reviewing applications (`may_review`, `reviewing_ids`, in reviewing.py): a meeting's organisers,
  and the people they name with the grant meetings.review_applications.
- Per-object grants (`granted_ids`): guardian object permissions on one object (a co-author's
  knowledge.change_knowledgeitem, a co-organiser's meetings.organise_meeting, a facilitator's
  communities.manage_group) count only while the person is an active member of the object's
  community. Leaving or being removed ends them on the very next request, even before the
  grant itself is revoked.

Every function returning ids returns a subquery (a `values("pk")` queryset), so callers filter
with it inside their own query and query counts do not grow with data.
"""

from ._base import (  # noqa: F401
    COMMUNITY_PERM,
    GROUP_PERM,
    _answers,
    is_portal_admin,
    note_memberships,
    portal_admins,
    request_answers,
)
from .audience import (  # noqa: F401
    audience_admins,
    audience_content,
    audience_granted,
    audience_group,
    audience_members,
    audience_walled,
    member_user_ids,
)
from .grants import (  # noqa: F401
    existing_user_grants,
    grant,
    granted_ids,
    grants_of,
    has_grant,
    may_erase_person,
    may_import,
    revoke,
    revoke_all_in,
    revoke_everything_of,
    user_grant_model,
    users_granted,
)
from .management import (  # noqa: F401
    FACILITATOR_GROUP_FIELDS,
    GROUP_FIELDS,
    can_manage,
    can_post_in,
    can_see_group,
    facilitated_group_ids,
    group_accepts_new_content,
    group_editable_fields,
    in_visible_group,
    managed_community_ids,
    managed_group_ids,
    managed_membership_filter,
    manages_any_group,
    may_shape_groups,
    postable_group_ids,
    readers_among,
    space_writer_ids,
    visible_group_ids,
)
from .membership import (  # noqa: F401
    active_community_ids,
    active_group_ids,
    can_see_content,
    is_active_member,
    may_accept_invitation,
    verified_addresses,
)
from .person import active_role, known_person, memberships  # noqa: F401
from .reviewing import REVIEW_PERM, may_review, reviewing_ids  # noqa: F401
from .translating import (  # noqa: F401
    may_ask_translation,
    may_review_translations,
    may_translate,
    translate_perm,
)

__all__ = [
    "COMMUNITY_PERM",
    "GROUP_PERM",
    "is_portal_admin",
    "note_memberships",
    "portal_admins",
    "request_answers",
    "active_community_ids",
    "active_role",
    "known_person",
    "memberships",
    "active_group_ids",
    "can_see_content",
    "is_active_member",
    "may_accept_invitation",
    "verified_addresses",
    "audience_admins",
    "audience_content",
    "audience_granted",
    "audience_group",
    "audience_members",
    "audience_walled",
    "member_user_ids",
    "existing_user_grants",
    "grant",
    "granted_ids",
    "grants_of",
    "has_grant",
    "may_import",
    "revoke",
    "revoke_all_in",
    "user_grant_model",
    "users_granted",
    "FACILITATOR_GROUP_FIELDS",
    "GROUP_FIELDS",
    "can_manage",
    "can_post_in",
    "can_see_group",
    "group_accepts_new_content",
    "group_editable_fields",
    "in_visible_group",
    "managed_community_ids",
    "facilitated_group_ids",
    "managed_group_ids",
    "managed_membership_filter",
    "manages_any_group",
    "may_shape_groups",
    "postable_group_ids",
    "readers_among",
    "space_writer_ids",
    "visible_group_ids",
    "REVIEW_PERM",
    "may_review",
    "reviewing_ids",
    "may_ask_translation",
    "may_review_translations",
    "may_translate",
    "translate_perm",
]
