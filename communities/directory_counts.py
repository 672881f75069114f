"""The directory cards' member counts, kept in the shared cache until a membership changes.

Counting a card's active members is an index-only scan of its community's memberships: for the 30
cards of the directory at network scale that is about 85,000 index entries, 9–13 ms of every
directory request, for numbers that change only when someone joins or leaves (issue 15). The
counts are kept together, in one cache entry with the generation (members.generations) they were
counted under, and read with the current generation in one round trip; every saved or deleted
membership renews the generation, now and when its transaction commits, so counts read while a change
commits are never used. Counts not kept (a new generation, an expired entry, a community not counted
yet) are counted in one query for the page's cards and added to the entry. A write that bypasses the
model's signals (seed_scale's COPY) calls changed() itself; anything else is at most COUNT_SECONDS old.
"""

from __future__ import annotations

from collections.abc import Iterable

from django.core.cache import cache
from django.db.models import Count

from members import generations

GENERATION_KEY = "directory:member-counts:generation"
COUNTS_KEY = "directory:member-counts"
COUNT_SECONDS = 600


def changed(**_kwargs) -> None:
    """Make every kept count stale (a membership was saved or deleted; connected in CommunitiesConfig.ready)."""
    generations.renew_now_and_on_commit(GENERATION_KEY)


def member_counts(community_ids: Iterable[int]) -> dict[int, int]:
    """Return {community id: its active community-level members} for community_ids (kept, else one query)."""
    ids = list(community_ids)
    if not ids:
        return {}
    found = cache.get_many([GENERATION_KEY, COUNTS_KEY])
    generation = found.get(GENERATION_KEY) or generations.current(GENERATION_KEY)
    if generation is None:  # no cache answering: count them
        return _counted(ids)
    counted_under, counts = found.get(COUNTS_KEY) or (None, {})
    if counted_under != generation:
        counts = {}
    missing = [pk for pk in ids if pk not in counts]
    if missing:
        # Two requests adding different cards at once may each keep only theirs: the others are counted again.
        counts = {**counts, **_counted(missing)}
        cache.set(COUNTS_KEY, (generation, counts), COUNT_SECONDS)
    return {pk: counts[pk] for pk in ids}


def _counted(ids: list[int]) -> dict[int, int]:
    from .models import Membership

    counts = dict.fromkeys(ids, 0)
    rows = (
        Membership.objects.active()
        .community_level()
        .filter(community_id__in=ids)
        .order_by()
        .values("community_id")
        # COUNT(*): the partial index membership_active_member_idx holds only the community, so this is
        # an index-only scan of it.
        .annotate(count=Count("*"))
        .values_list("community_id", "count")
    )
    counts.update(rows)
    return counts


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from .models import Membership

    post_save.connect(changed, sender=Membership, dispatch_uid="communities.directory_counts.saved")
    post_delete.connect(changed, sender=Membership, dispatch_uid="communities.directory_counts.deleted")
