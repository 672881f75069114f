"""The same rules seen from the other side: which of many people may see one community's, group's or object's content.

The functions above answer for one person and many objects (subqueries of object ids). A job that
tells many people about one object (the reminders of a meeting) asks the converse: of these people,
who may see it? Each function here returns a Q on the user model, for one query over a whole chunk
of people, and gives the same answer as its per-person twin for every signed-in, active person
(tests/notifications/test_reminders_batched.py compares both over varied people). Portal
administrators are not special-cased here: `audience_admins()` is added by the caller.
"""

from __future__ import annotations

from django.contrib.contenttypes.models import ContentType
from django.db.models import Q, QuerySet

from ._base import COMMUNITY_PERM
from .grants import _split


def audience_admins() -> Q:
    """Return a Q keeping the portal administrators (is_portal_admin)."""
    return Q(is_active=True, is_superuser=True)


def _nobody() -> Q:
    return Q(pk__in=[])


def _everybody() -> Q:
    # Not Q(): an empty Q disappears when combined with |, and would turn "anyone or X" into "X".
    return Q(pk__isnull=False)


def member_user_ids(community_id: int) -> QuerySet:
    """Return a subquery of the ids of community's active members (is_active_member, community level)."""
    from ..models import Membership

    return Membership.objects.active().community_level().filter(community_id=community_id).values("user_id")


def audience_members(community_id: int) -> Q:
    """Return a Q keeping community's active members (Community.objects.member_of)."""
    return Q(pk__in=member_user_ids(community_id))


def audience_content(community) -> Q:
    """Return a Q keeping who may see community's content (Community.objects.content_visible_to)."""
    from ..models import Community

    if community.visibility == Community.Visibility.PUBLIC:
        return _everybody()
    return audience_members(community.pk)


def audience_granted(perm: str, obj, *, community_id: int) -> Q:
    """Return a Q keeping who holds perm on obj (directly or through an auth group) while an active member of
    community_id (granted_ids)."""
    from guardian.models import GroupObjectPermission, UserObjectPermission

    app_label, codename = _split(perm)
    scope = {
        "permission__codename": codename,
        "content_type": ContentType.objects.get_for_model(type(obj)),
        "object_pk": str(obj.pk),
    }
    if app_label:
        scope["permission__content_type__app_label"] = app_label
    direct = UserObjectPermission.objects.filter(**scope).values("user_id")
    via_groups = GroupObjectPermission.objects.filter(**scope).values("group__user")
    return (Q(pk__in=direct) | Q(pk__in=via_groups)) & audience_members(community_id)


def audience_group(group) -> Q:
    """Return a Q keeping who may see group (visible_group_ids), administrators aside."""
    from ..models import Group, Membership

    community = group.community
    in_group = Membership.objects.active().filter(group_id=group.pk).values("user_id")
    sees = (Q(pk__in=in_group) & audience_members(community.pk)) | audience_granted(
        COMMUNITY_PERM, community, community_id=community.pk
    )
    if group.visibility == Group.Visibility.PUBLIC:
        sees |= audience_content(community)
    elif group.visibility == Group.Visibility.MEMBERS:
        sees |= audience_members(community.pk)
    return sees


def audience_walled(group) -> Q:
    """Return a Q keeping who may see content of group (in_visible_group): everybody for no group."""
    return _everybody() if group is None else audience_group(group)
