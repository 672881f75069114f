"""What the follow controls of a thread, a group or a community show: the viewer's own choice and what decides."""

from __future__ import annotations

from django import template
from django.urls import reverse

from communities import permissions

from ..services.following import effective_level, subscription_levels

register = template.Library()


def state(*, kind: str, own, effective, action: str, next_url: str) -> dict:
    return {"kind": kind, "own": own, "effective": effective, "action": action, "next": next_url}


def group_states(*, user, community, groups, next_url: str) -> dict[int, dict]:
    """Return the follow state of each group for user, from one query (the email settings page lists them)."""
    from ..models import Subscription

    rows = Subscription.objects.filter(user=user, community=community, thread__isnull=True)
    own_groups, own_community = {}, None
    for row in rows.values("group_id", "level"):
        if row["group_id"] is None:
            own_community = row["level"]
        else:
            own_groups[row["group_id"]] = row["level"]
    return {
        group.pk: state(
            kind="group",
            own=own_groups.get(group.pk),
            effective=own_groups.get(group.pk) or own_community,
            action=reverse(
                "discussion_mail:group_follow", kwargs={"community_slug": community.slug, "group_slug": group.slug}
            ),
            next_url=next_url,
        )
        for group in groups
    }


@register.simple_tag(takes_context=True)
def follow_state(context, thread=None, group=None, community=None):
    """Return the viewer's follow state for the target (None for a visitor who is not a member: no controls).

    The state says the person's own level for the target ("follow", "mute" or None), the level
    that decides (a thread's, else its group's, else the community's) and where to post a change.
    """
    request = context.get("request")
    user = getattr(request, "user", None)
    # A name missing from the template's context arrives as "" (string_if_invalid), not None.
    thread, group, community = thread or None, group or None, community or None
    if thread is not None:
        community, group = thread.community, None
    elif group is not None:
        community = group.community
    if community is None or user is None or not permissions.is_active_member(user, community):
        return None
    levels = subscription_levels(user=user, community=community, thread=thread, group=group)
    if thread is not None:
        own, kind = levels["thread"], "thread"
        action = reverse(
            "discussion_mail:thread_follow", kwargs={"community_slug": community.slug, "thread_pk": thread.pk}
        )
    elif group is not None:
        own, kind = levels["group"], "group"
        levels["thread"] = None
        action = reverse(
            "discussion_mail:group_follow", kwargs={"community_slug": community.slug, "group_slug": group.slug}
        )
    else:
        own, kind = levels["community"], "community"
        levels["thread"] = levels["group"] = None
        action = reverse("discussion_mail:community_follow", kwargs={"community_slug": community.slug})
    return state(
        kind=kind,
        own=own,
        effective=effective_level(levels),
        action=action,
        next_url=request.get_full_path() if request is not None else "",
    )


@register.simple_tag(takes_context=True)
def incoming_address_for(context, group=None, community=None):
    """Return the incoming address of the group (or community) when the viewer may write there, else ""."""
    from ..mail.addresses import incoming_address

    request = context.get("request")
    user = getattr(request, "user", None)
    group, community = group or None, community or None
    community = group.community if group is not None else community
    if community is None or user is None or not permissions.can_post_in(user, community, group):
        return ""
    return incoming_address(community=community, group=group)
