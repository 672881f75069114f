"""The knowledge items of a community carry themes: the theme console (communities) retags them."""

from __future__ import annotations

from communities.hooks import ThemedObjects

from .models import KnowledgeItem


def _refresh_search(pks: list[int]) -> None:
    # Theme names are part of an item's search text: a renamed theme is found under its new name.
    from .services import search_vector_update

    for item in KnowledgeItem.objects.filter(pk__in=pks):
        search_vector_update(item=item)


def themed_items(*, community) -> list[ThemedObjects]:
    """Return the community's knowledge items (drafts and hidden ones too), refreshing their search text after."""
    return [ThemedObjects(queryset=KnowledgeItem.objects.filter(community=community), retagged=_refresh_search)]
