"""Who may translate what people wrote, and who reviews translations.

- Whoever may edit an object may translate it: a community's coordinators (its name and
  description), a group's managers, a meeting's organisers (coordinators, the group's
  facilitators, co-organisers), an announcement's managers.
- A coordinator may ask a member to translate one object: the member then holds the guardian
  grant `<app>.translate_<model>` on it, which counts only while they are an active member.
- Coordinators of the community (and portal admins) mark a translation reviewed.

Objects of higher apps (meetings, announcements) are read by their fields, never imported here.
"""

from __future__ import annotations

from ._base import _signed_in, is_portal_admin
from .grants import has_grant
from .management import can_manage


def translate_perm(obj) -> str:
    """Return the guardian permission that lets an asked member translate obj."""
    meta = obj._meta
    return f"{meta.app_label}.translate_{meta.model_name}"


def _community_of(obj):
    from ..models import Community

    return obj if isinstance(obj, Community) else obj.community


def _edits(user, obj) -> bool:
    from ..models import Community, Group

    if isinstance(obj, (Community, Group)):
        return can_manage(user, obj)
    if obj._meta.label == "meetings.Meeting":
        return (
            can_manage(user, obj.community)
            or (obj.group_id is not None and can_manage(user, obj.group))
            or has_grant(user, "meetings.organise_meeting", obj)
        )
    # An announcement (or anything else with a community and maybe a group): its managers.
    group = getattr(obj, "group", None)
    return can_manage(user, obj.community) or (group is not None and can_manage(user, group))


def may_translate(user, obj) -> bool:
    """Return whether user may add or change translations of obj."""
    if is_portal_admin(user):
        return True
    if not _signed_in(user):
        return False
    return _edits(user, obj) or has_grant(user, translate_perm(obj), obj)


def may_review_translations(user, obj) -> bool:
    """Return whether user may mark a translation of obj reviewed: the community's coordinators."""
    return can_manage(user, _community_of(obj))


def may_ask_translation(user, community) -> bool:
    """Return whether user may ask members of community to translate: its coordinators."""
    return can_manage(user, community)
