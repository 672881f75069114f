"""The knowledge items of a community carry themes: the theme console (communities) retags them."""

from __future__ import annotations

from communities.hooks import ThemedObjects
from communities.models import Community, Membership

from .models import Follow, KnowledgeItem


def _refresh_search(pks: list[int]) -> None:
    # Theme names are part of an item's search text: a renamed theme is found under its new name.
    from .services import search_vector_update

    for item in KnowledgeItem.objects.filter(pk__in=pks):
        search_vector_update(item=item)


def themed_items(*, community) -> list[ThemedObjects]:
    """Return the community's knowledge items (drafts and hidden ones too), refreshing their search text after."""
    return [ThemedObjects(queryset=KnowledgeItem.objects.filter(community=community), retagged=_refresh_search)]


def follows_theme_moved(*, community, old_tag, new_tag) -> int:
    """Make the followers of old_tag who may see community's content follow new_tag too; return how many.

    A follow is of a name shared by every community, so the old follow stays (another community
    may still use that name); who cannot see the community gains nothing from its new name.
    """
    followers = Follow.objects.filter(theme=old_tag)
    if community.visibility != Community.Visibility.PUBLIC:
        members = Membership.objects.active().community_level().filter(community=community).values("user_id")
        followers = followers.filter(user_id__in=members)
    new = [Follow(user_id=user_id, theme=new_tag) for user_id in followers.values_list("user_id", flat=True)]
    return len(Follow.objects.bulk_create(new, ignore_conflicts=True))
