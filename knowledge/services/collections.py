"""Collections: curated, ordered lists of a community's items."""

from __future__ import annotations

from collections.abc import Sequence

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.models import Community
from members.models import User

from ..markup import render_markdown
from ..models import Collection, CollectionEntry, KnowledgeItem
from ..selectors import can_curate, can_see_item, is_active_member
from ._common import DOUBLE_SUBMIT_WINDOW, _clean_text, _unique_slug


def _require_collection_editor(*, user, collection: Collection) -> None:
    if not Collection.objects.editable_by(user).filter(pk=collection.pk).exists():
        raise PermissionDenied(_("Only the editor or a coordinator can change this collection."))


def _clean_collection(*, community: Community, title: str, introduction: str, visibility: str, editor) -> dict:
    errors = {}
    title = _clean_text(title, limit=200)
    if not title:
        errors["title"] = _("Give the collection a title.")
    if visibility not in Collection.Visibility.values:
        errors["visibility"] = _("Choose who can see the collection.")
    if editor is not None and not is_active_member(user=editor, community=community):
        errors["editor"] = _("The editor must be a member of the community.")
    if errors:
        raise ValidationError(errors)
    introduction = _clean_text(introduction, limit=50_000)
    return {
        "title": title,
        "introduction": introduction,
        "introduction_html": render_markdown(introduction),
        "visibility": visibility,
    }


@transaction.atomic
def collection_create(
    *,
    community: Community,
    by: User,
    title: str,
    introduction: str = "",
    visibility: str = Collection.Visibility.COMMUNITY,
    editor: User | None = None,
) -> Collection:
    """Start a collection (coordinators and facilitators); its editor is by unless another member is named."""
    if not can_curate(user=by, community=community):
        raise PermissionDenied(_("Only coordinators and facilitators can start a collection."))
    editor = editor or by
    values = _clean_collection(
        community=community, title=title, introduction=introduction, visibility=visibility, editor=editor
    )
    recent = Collection.objects.filter(
        community=community, title=values["title"], created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW
    ).first()
    if recent is not None:
        return recent
    return Collection.objects.create(
        community=community,
        editor=editor,
        slug=_unique_slug(Collection, community=community, title=values["title"]),
        **values,
    )


@transaction.atomic
def collection_update(
    *, collection: Collection, by: User, title: str, introduction: str, visibility: str, editor: User | None = None
) -> Collection:
    _require_collection_editor(user=by, collection=collection)
    values = _clean_collection(
        community=collection.community,
        title=title,
        introduction=introduction,
        visibility=visibility,
        editor=editor or collection.editor,
    )
    if values["title"] != collection.title:
        collection.slug = _unique_slug(
            Collection, community=collection.community, title=values["title"], exclude_pk=collection.pk
        )
    for name, value in values.items():
        setattr(collection, name, value)
    collection.editor = editor or collection.editor
    collection.save()
    return collection


@transaction.atomic
def collection_delete(*, collection: Collection, by: User) -> None:
    _require_collection_editor(user=by, collection=collection)
    collection.delete()


def _renumber(collection: Collection, ordered_ids: list[int]) -> None:
    entries = {e.item_id: e for e in CollectionEntry.objects.filter(collection=collection)}
    changed = []
    for n, item_id in enumerate(ordered_ids, start=1):
        entry = entries.get(item_id)
        if entry is not None and entry.order != n:
            entry.order = n
            changed.append(entry)
    CollectionEntry.objects.bulk_update(changed, ["order"])


def _ordered_item_ids(collection: Collection) -> list[int]:
    return list(
        CollectionEntry.objects.filter(collection=collection).order_by("order", "pk").values_list("item_id", flat=True)
    )


@transaction.atomic
def collection_add_item(*, collection: Collection, item: KnowledgeItem, by: User) -> CollectionEntry:
    """Add item at the end of collection; adding it again changes nothing."""
    _require_collection_editor(user=by, collection=collection)
    if item.community_id != collection.community_id or not can_see_item(user=by, item=item):
        raise ValidationError(_("Only items of this community that you can see can be added."))
    Collection.objects.select_for_update().filter(pk=collection.pk).first()
    existing = CollectionEntry.objects.filter(collection=collection, item=item).first()
    if existing is not None:
        return existing
    last = CollectionEntry.objects.filter(collection=collection).aggregate(n=Max("order"))["n"] or 0
    return CollectionEntry.objects.create(collection=collection, item=item, order=last + 1)


@transaction.atomic
def collection_remove_item(*, collection: Collection, item: KnowledgeItem, by: User) -> None:
    _require_collection_editor(user=by, collection=collection)
    CollectionEntry.objects.filter(collection=collection, item=item).delete()
    _renumber(collection, _ordered_item_ids(collection))


@transaction.atomic
def collection_move_item(*, collection: Collection, item: KnowledgeItem, by: User, direction: str) -> None:
    """Move item one place up or down (the no-JavaScript way of ordering)."""
    _require_collection_editor(user=by, collection=collection)
    Collection.objects.select_for_update().filter(pk=collection.pk).first()
    ids = _ordered_item_ids(collection)
    if item.pk not in ids or direction not in {"up", "down"}:
        raise ValidationError(_("This item is not in the collection."))
    i = ids.index(item.pk)
    j = i - 1 if direction == "up" else i + 1
    if 0 <= j < len(ids):
        ids[i], ids[j] = ids[j], ids[i]
    _renumber(collection, ids)


@transaction.atomic
def collection_set_order(*, collection: Collection, by: User, item_ids: Sequence[int]) -> None:
    """Put the collection's items in the given order; items left out keep their relative order at the end."""
    _require_collection_editor(user=by, collection=collection)
    Collection.objects.select_for_update().filter(pk=collection.pk).first()
    current = _ordered_item_ids(collection)
    wanted = [pk for pk in dict.fromkeys(int(pk) for pk in item_ids) if pk in current]
    _renumber(collection, wanted + [pk for pk in current if pk not in wanted])
