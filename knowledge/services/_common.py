"""Helpers and constants shared by the knowledge service areas (private to knowledge.services)."""

from __future__ import annotations

import contextlib
import contextvars
from datetime import timedelta

from django.core.exceptions import PermissionDenied
from django.utils.text import slugify
from django.utils.translation import gettext as _

from communities import permissions
from communities.models import Community
from members import outbox

from ..models import ItemAuthor, KnowledgeItem
from ..selectors import can_edit_item

CHANGE_PERM = "knowledge.change_knowledgeitem"
# A second identical comment or answer within this window is taken for a double submit.
DOUBLE_SUBMIT_WINDOW = timedelta(minutes=2)


# ----------------------------------------------------------------------------- helpers


_muted = contextvars.ContextVar("knowledge_notifications_muted", default=False)


@contextlib.contextmanager
def notifications_muted():
    """Write without enqueueing notifications (demo data: nobody should get mail about a seed)."""
    token = _muted.set(True)
    try:
        yield
    finally:
        _muted.reset(token)


def _enqueue(task, *args) -> None:
    """Write the task's outbox row in this transaction (members.outbox), unless notifications are muted."""
    if _muted.get():
        return
    outbox.enqueue(task, *args)


def _clean_text(value: str | None, *, limit: int | None = None) -> str:
    value = (value or "").replace("\x00", "").strip()
    return value[:limit] if limit else value


def _require_member(*, user, community: Community, message: str | None = None) -> None:
    if permissions.is_active_member(user, community):
        return
    raise PermissionDenied(message or _("Only members of the community can do this."))


def _require_editor(*, user, item: KnowledgeItem) -> None:
    if not can_edit_item(user=user, item=item):
        raise PermissionDenied(_("You cannot edit this item."))


def _unique_slug(model, *, community: Community, title: str, exclude_pk: int | None = None) -> str:
    base = slugify(title, allow_unicode=True)[:200].strip("-") or "item"
    taken = set(
        model.objects.filter(community=community, slug__startswith=base)
        .exclude(pk=exclude_pk)
        .values_list("slug", flat=True)
    )
    slug, n = base, 2
    while slug in taken:
        slug = f"{base}-{n}"
        n += 1
    return slug


def _member_authors(item: KnowledgeItem) -> set[int]:
    ids = set(ItemAuthor.objects.filter(item=item, user__isnull=False).values_list("user_id", flat=True))
    if item.created_by_id:
        ids.add(item.created_by_id)
    return ids
