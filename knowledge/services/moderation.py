"""Taking things down: an item, a comment or an answer removed by the community's managers (or the admin).

The site has no delete button for these; the Django admin's delete calls these services, so
a removal checks the same rights (the community's coordinators and portal administrators,
through communities.permissions) and an item's stored files go with it once the deletion
has committed.
"""

from __future__ import annotations

from django.core.exceptions import PermissionDenied
from django.db import transaction
from django.utils.translation import gettext as _

from communities import permissions
from communities.reporting import reports_changed
from members.models import User

from ..models import Answer, Comment, KnowledgeItem


def _require_manager(*, user: User, community) -> None:
    if not permissions.can_manage(user, community):
        raise PermissionDenied(_("Only the community's coordinators can remove this."))


@transaction.atomic
def item_delete(*, item: KnowledgeItem, by: User) -> None:
    """Delete an item with its files, authors, revisions and conversation; remove its stored files after commit."""
    reports_changed(item.community_id)  # counted again by the reports (after commit)
    _require_manager(user=by, community=item.community)
    # Its files' stored objects go after commit with the rows (knowledge.signals).
    # The translations of a deleted original stay one set: the oldest becomes their original.
    translations = list(KnowledgeItem.objects.select_for_update().filter(translation_of=item).order_by("pk"))
    if translations:
        heir = translations[0]
        KnowledgeItem.objects.filter(pk=heir.pk).update(translation_of=None)
        KnowledgeItem.objects.filter(pk__in=[t.pk for t in translations[1:]]).update(translation_of=heir)
    item.delete()


@transaction.atomic
def comment_remove(*, comment: Comment, by: User) -> None:
    """Remove a comment (moderation)."""
    _require_manager(user=by, community=comment.community)
    comment.delete()


@transaction.atomic
def answer_remove(*, answer: Answer, by: User) -> None:
    """Remove an answer to a question (moderation)."""
    _require_manager(user=by, community=answer.item.community)
    answer.delete()
