"""Following or muting a group as a whole, from its page: one choice that the existing streams obey.

What "following a group" means is spread over three apps, each with its own service:
- discussions: a Subscription on the group (its threads' new posts, by email or in the digest);
- knowledge: a Follow on the group (its new items in the digest);
- members: NotificationPreference.muted_groups (the digest leaves the group out entirely).

Follow: discussions follow, knowledge follow, digest not muted. Mute: discussions mute,
knowledge unfollowed, digest muted. Clear: back to the community's defaults (no own choice).
Each underlying service is idempotent, so a repeated POST changes nothing more. This lives in
cop_portal because it combines apps that do not know each other.
"""

from __future__ import annotations

from dataclasses import dataclass

from django.contrib.auth import get_user_model
from django.db import transaction
from django.db.models import Exists, OuterRef, Subquery
from django.utils.translation import gettext as _

from communities import permissions
from communities.models import Group
from discussions import services as discussion_services
from discussions.models import Subscription
from knowledge import services as knowledge_services
from knowledge.models import Follow
from members.models import NotificationPreference
from members.notifications import notification_group_mute

FOLLOW = "follow"
MUTE = "mute"
CLEAR = "clear"
LEVELS = (FOLLOW, MUTE, CLEAR)


class GroupFollowError(Exception):
    """A follow or mute that cannot be done, with a translated text for the person."""

    def __init__(self, text: str, *, code: str):
        super().__init__(text)
        self.text = text
        self.code = code


@dataclass(frozen=True)
class GroupFollowState:
    """The viewer's own choice about a group: "follow", "mute" or "" (none: the community's defaults apply)."""

    level: str

    @property
    def following(self) -> bool:
        return self.level == FOLLOW

    @property
    def muted(self) -> bool:
        return self.level == MUTE


def group_follow_state(*, user, group: Group) -> GroupFollowState | None:
    """Return user's follow state for group, or None when they may not follow it (not an active member)."""
    if not permissions.is_active_member(user, group.community):
        return None
    # The three choices read in one query (subqueries on the person's row), not three.
    row = (
        get_user_model()
        .objects.filter(pk=user.pk)
        .values_list(
            Subquery(NotificationPreference.objects.filter(user=OuterRef("pk")).values("muted_groups")[:1]),
            Subquery(
                Subscription.objects.filter(user=OuterRef("pk"), group=group, thread__isnull=True).values("level")[:1]
            ),
            Exists(Follow.objects.filter(user=OuterRef("pk"), group=group)),
        )
        .first()
    )
    preference, subscription, follows = row or (None, None, False)
    if group.pk in (preference or []) or subscription == Subscription.Level.MUTE:
        return GroupFollowState(level=MUTE)
    if subscription == Subscription.Level.FOLLOW or follows:
        return GroupFollowState(level=FOLLOW)
    return GroupFollowState(level="")


@transaction.atomic
def group_follow_set(*, user, group: Group, level: str) -> GroupFollowState:
    """Follow, mute or clear user's choice about group; the same choice twice changes nothing."""
    if level not in LEVELS:
        raise GroupFollowError(_("Choose to follow or to mute the group."), code="bad_level")
    community = group.community
    if not permissions.is_active_member(user, community) or not permissions.can_see_group(user, group):
        raise GroupFollowError(_("Only members of this community can follow its groups."), code="not_a_member")
    if level == CLEAR:
        discussion_services.subscription_clear(user=user, community=community, group=group)
    else:
        discussion_services.subscription_set(user=user, community=community, group=group, level=level)
    if level == FOLLOW:
        knowledge_services.follow(user=user, group=group)
    else:
        knowledge_services.unfollow(user=user, group=group)
    notification_group_mute(user=user, group_id=group.pk, muted=level == MUTE)
    return GroupFollowState(level="" if level == CLEAR else level)


def group_page_follow(*, request, community, group) -> dict:
    """Fill the follow/mute control of a group's page (communities.hooks): at most four queries."""
    state = group_follow_state(user=request.user, group=group)
    if state is None:
        return {}
    return {"group_follow_template": "notifications/partials/_group_follow.html", "group_follow": state}
