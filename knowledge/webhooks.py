"""What knowledge tells a community's webhooks: the payload of item.published.

Called inside the publishing transaction (communities.webhooks.emit writes the delivery rows).
The payload holds what the item's page shows its community (authors by name, never an email).
"""

from __future__ import annotations

from communities import webhooks
from members.notifications import absolute_url

from .models import KnowledgeItem


def item_data(item: KnowledgeItem) -> dict:
    authors = item.authorships.select_related("user").order_by("order", "pk")
    return {
        "item": {
            "id": item.pk,
            "title": item.title,
            "kind": item.kind,
            "summary": item.summary,
            "language": item.language,
            "visibility": item.visibility,
            "group": item.group.slug if item.group_id else None,
            "published_at": item.published_at,
            "url": absolute_url(item.get_absolute_url()),
            "authors": [
                {"name": (author.user.full_name if author.user_id else author.name), "affiliation": author.affiliation}
                for author in authors
            ],
        }
    }


def emit_item_published(item: KnowledgeItem) -> None:
    """Announce that item was published."""
    webhooks.emit(community=item.community_id, event="item.published", data=lambda: item_data(item))
