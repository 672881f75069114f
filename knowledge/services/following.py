"""Following an item, a group or a theme."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.utils.translation import gettext as _
from taggit.models import Tag

from communities.models import Group
from members.models import User

from ..models import Follow, KnowledgeItem
from ..selectors import can_see_item


def _follow_target(*, user, item, group, theme) -> dict:
    targets = {"item": item, "group": group, "theme": theme}
    if sum(value is not None for value in targets.values()) != 1:
        raise TypeError("Follow exactly one of item, group or theme.")
    if item is not None and not can_see_item(user=user, item=item):
        raise PermissionDenied(_("You cannot see this item."))
    if group is not None and not Group.objects.visible_to(user).filter(pk=group.pk).exists():
        raise PermissionDenied(_("You cannot see this group."))
    return targets


def follow(*, user: User, item: KnowledgeItem | None = None, group: Group | None = None, theme: Tag | None = None):
    """Follow an item, a group or a theme; following twice is one follow."""
    if not user.is_authenticated:
        raise PermissionDenied(_("Sign in to follow."))
    targets = _follow_target(user=user, item=item, group=group, theme=theme)
    follow_row, _created = Follow.objects.get_or_create(user=user, **targets)
    return follow_row


def unfollow(
    *, user: User, item: KnowledgeItem | None = None, group: Group | None = None, theme: Tag | None = None
) -> bool:
    """Stop following; return whether something was followed."""
    if not user.is_authenticated:
        return False
    targets = {"item": item, "group": group, "theme": theme}
    deleted, _detail = Follow.objects.filter(user=user, **targets).delete()
    return bool(deleted)
