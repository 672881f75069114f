"""The knowledge list's count and suggestions, kept until the community's knowledge changes.

At network scale these two are most of the list's database time (issue 15): the suggestions rank
the authors, organisations and themes of the latest thousand items the viewer may see (12 ms for
REBUILD's member), and the page count walks up to a thousand rows past the page (7 ms). Both are
the same for every request that asks the same question, and the question is exactly the query:
its SQL and its parameters carry the viewer's rule (the communities and groups they may see, their
own items, as id lists), the filters and the page. So a value is kept under a hash of that query,
with the generations (members.generations) it was computed under:

- the community's, renewed by every saved or deleted item, author, theme or organisation link,
  review round, group, membership or change of the community itself (connect() below), now and
  when the transaction commits, so a value computed while a change commits is never used;
- the names', renewed when a person, an organisation or a theme is saved or deleted, since the
  suggestions show their names.

Nothing that decides what a viewer may see is left to time: a value is used only while both
generations stand. A write that goes around the models' signals (a queryset's update(), seed_scale's
COPY) is seen at the latest after KEEP_SECONDS; seed_scale renews the generations itself. With no
cache answering, the value is computed as before.
"""

from __future__ import annotations

import hashlib
from collections.abc import Callable
from typing import TypeVar

from django.core.cache import cache
from django.db import connection

from members import generations

T = TypeVar("T")

COMMUNITY_KEY = "knowledge-list:generation:{}"
NAMES_KEY = "knowledge-list:names"
KEEP_SECONDS = 300
# Saved on every sign-in or new password hash; neither shows in a suggestion.
PRIVATE_USER_FIELDS = {"last_login", "password"}


def changed(community_id: int | None) -> None:
    """Make every kept value of the community stale (now, and again when the transaction commits)."""
    if community_id is not None:
        generations.renew_now_and_on_commit(COMMUNITY_KEY.format(community_id))


def names_changed() -> None:
    """Make every kept value stale, in every community: a name they may show changed (or all rows did)."""
    generations.renew_now_and_on_commit(NAMES_KEY)


def remembered(community_id: int, kind: str, sql: str, params, compute: Callable[[], T]) -> T:
    """Return compute()'s value for the query (sql, params), kept while the community's knowledge stands."""
    text = "\x00".join((kind, connection.vendor, sql, repr(tuple(params))))
    key = "knowledge-list:" + hashlib.sha256(text.encode()).hexdigest()
    community_key = COMMUNITY_KEY.format(community_id)
    found = cache.get_many([community_key, NAMES_KEY, key])
    standing = (
        found.get(community_key) or generations.current(community_key),
        found.get(NAMES_KEY) or generations.current(NAMES_KEY),
    )
    if None in standing:  # no cache answering
        return compute()
    kept = found.get(key)
    if kept is not None and kept[0] == standing:
        return kept[1]
    value = compute()
    cache.set(key, (standing, value), KEEP_SECONDS)
    return value


def _community_of(instance) -> int | None:
    return getattr(instance, "community_id", None)


def _row_changed(sender, instance, **_kwargs) -> None:
    changed(_community_of(instance))


def _community_changed(sender, instance, **_kwargs) -> None:
    changed(instance.pk)


def _item_row_changed(sender, instance, **_kwargs) -> None:
    """An author or review round: its item's community (the row names the item, not the community)."""
    from .models import KnowledgeItem

    community_id = KnowledgeItem.objects.filter(pk=instance.item_id).values_list("community_id", flat=True).first()
    changed(community_id)


def _links_changed(sender, instance, action, reverse, model, pk_set, **_kwargs) -> None:
    """An item's themes, organisations or review round's reviewers were added, removed or cleared."""
    if not action.startswith("post_"):
        return
    from .models import KnowledgeItem, ReviewRound

    if isinstance(instance, KnowledgeItem):
        changed(instance.community_id)
    elif isinstance(instance, ReviewRound):
        _item_row_changed(sender, instance)
    elif model in (KnowledgeItem, ReviewRound):  # from the other side (an organisation's items, a person's rounds)
        from communities.models import Community

        if pk_set is None:  # cleared from the other side: every community
            communities = Community.objects.values_list("pk", flat=True)
        else:
            link = "pk__in" if model is KnowledgeItem else "review_rounds__in"
            communities = KnowledgeItem.objects.filter(**{link: pk_set}).values_list("community_id", flat=True)
        for community_id in set(communities):
            changed(community_id)


def _name_changed(sender, instance, update_fields=None, **_kwargs) -> None:
    if update_fields and set(update_fields) <= PRIVATE_USER_FIELDS:
        return
    names_changed()


def connect() -> None:
    """Connect the signals that renew the generations (KnowledgeConfig.ready)."""
    from django.db.models.signals import m2m_changed, post_delete, post_save
    from taggit.models import Tag

    from communities.models import Community, Group, Membership
    from members.models import Organization, User

    from .models import ItemAuthor, KnowledgeItem, ReviewRound

    def both(receiver, sender, name):
        post_save.connect(receiver, sender=sender, dispatch_uid=f"knowledge.list_cache.{name}.saved")
        post_delete.connect(receiver, sender=sender, dispatch_uid=f"knowledge.list_cache.{name}.deleted")

    for model in (KnowledgeItem, Group, Membership):
        both(_row_changed, model, model._meta.label_lower)
    both(_community_changed, Community, "community")
    for model in (ItemAuthor, ReviewRound):
        both(_item_row_changed, model, model._meta.label_lower)
    for through in (
        KnowledgeItem.themes.through,
        KnowledgeItem.organizations.through,
        ReviewRound.reviewers.through,
    ):
        m2m_changed.connect(_links_changed, sender=through, dispatch_uid=f"knowledge.list_cache.{through._meta.label}")
    for model in (User, Organization, Tag):
        both(_name_changed, model, f"names.{model._meta.label_lower}")
