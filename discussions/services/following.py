"""Following and muting threads, groups and communities; how each person receives a community's discussions.

A Subscription row says follow or mute; the most specific row decides (a thread's row beats its
group's, which beats the community's). No row at all means not following. DiscussionPreference
says how a followed post reaches the person: every post by email, in the digest (the default,
when there is no row) or off. Choosing every post follows the community, unless the person chose
something for the community already: mailing-list mode means every post.
"""

from __future__ import annotations

from django.db import transaction
from django.utils.translation import gettext as _

from communities import permissions

from ..models import DeliveryMode, DiscussionPreference, Subscription
from ._common import DiscussionError

FOLLOW = Subscription.Level.FOLLOW
MUTE = Subscription.Level.MUTE


def _require_member(*, user, community) -> None:
    if not permissions.is_active_member(user, community):
        raise DiscussionError(_("Only members of this community can follow its discussions."), code="not_a_member")


def _target(*, community, thread=None, group=None) -> dict:
    if thread is not None and thread.community_id != community.pk:
        raise DiscussionError(_("Choose a thread of this community."), code="thread_of_another_community")
    if group is not None and group.community_id != community.pk:
        raise DiscussionError(_("Choose a group of this community."), code="group_of_another_community")
    if thread is not None:
        return {"thread": thread, "group": None}
    return {"thread": None, "group": group}


@transaction.atomic
def subscription_set(*, user, community, level: str, thread=None, group=None) -> Subscription:
    """Follow or mute a thread, a group's discussions or the community's (one of thread, group or neither).

    Setting the same level twice changes nothing.
    """
    if level not in Subscription.Level.values:
        raise DiscussionError(_("Choose to follow or to mute."), code="bad_level")
    _require_member(user=user, community=community)
    target = _target(community=community, thread=thread, group=group)
    subscription, created = Subscription.objects.select_for_update().get_or_create(
        user=user, community=community, **target, defaults={"level": level}
    )
    if not created and subscription.level != level:
        subscription.level = level
        subscription.save(update_fields=["level"])
    return subscription


@transaction.atomic
def subscription_clear(*, user, community, thread=None, group=None) -> bool:
    """Stop following or muting the target (back to what the wider space says); return whether a row went."""
    target = _target(community=community, thread=thread, group=group)
    deleted, _rows = Subscription.objects.filter(user=user, community=community, **target).delete()
    return bool(deleted)


@transaction.atomic
def discussion_preference_set(*, user, community, mode: str) -> DiscussionPreference:
    """Choose how user receives the community's discussions; choosing the same mode twice changes nothing."""
    if mode not in DeliveryMode.values:
        raise DiscussionError(_("Choose how to receive the discussions from the list."), code="bad_mode")
    _require_member(user=user, community=community)
    preference, created = DiscussionPreference.objects.select_for_update().get_or_create(
        user=user, community=community, defaults={"mode": mode}
    )
    if not created and preference.mode != mode:
        preference.mode = mode
        preference.save(update_fields=["mode", "updated_at"])
    if mode == DeliveryMode.EVERY_POST:
        Subscription.objects.get_or_create(
            user=user, community=community, thread=None, group=None, defaults={"level": FOLLOW}
        )
    return preference


# --- Reads --------------------------------------------------------------------------------------------


def delivery_mode(*, user, community) -> str:
    row = DiscussionPreference.objects.filter(user=user, community=community).values_list("mode", flat=True).first()
    return row or DeliveryMode.DIGEST


def subscription_levels(*, user, community, thread=None, group=None) -> dict[str, str | None]:
    """Return the person's own levels for the thread, its (or the given) group and the community, in one query."""
    group_id = thread.group_id if thread is not None else (group.pk if group is not None else None)
    rows = Subscription.objects.filter(user=user, community=community).filter(
        _space_filter(thread_id=thread.pk if thread is not None else None, group_id=group_id)
    )
    levels: dict[str, str | None] = {"thread": None, "group": None, "community": None}
    for row in rows.values("thread_id", "group_id", "level"):
        if row["thread_id"] is not None:
            levels["thread"] = row["level"]
        elif row["group_id"] is not None:
            levels["group"] = row["level"]
        else:
            levels["community"] = row["level"]
    return levels


def effective_level(levels: dict[str, str | None]) -> str | None:
    """Return the level that decides: the thread's, else the group's, else the community's (None: not following)."""
    return levels["thread"] or levels["group"] or levels["community"]


def _space_filter(*, thread_id, group_id):
    from django.db.models import Q

    condition = Q(thread__isnull=True, group__isnull=True)
    if group_id is not None:
        condition |= Q(thread__isnull=True, group_id=group_id)
    if thread_id is not None:
        condition |= Q(thread_id=thread_id)
    return condition
