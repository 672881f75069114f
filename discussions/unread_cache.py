"""The header's unread-threads count of a community, remembered between a person's requests.

The count is read with the person's memberships (communities.hooks.register_membership_annotation),
but building, planning and running its permission-scoped subquery cost about 15 ms of every member's
community page at network scale. It changes only when a thread, post or group of the community
changes, or when the person reads, joins, leaves or changes role: each of those starts a new
generation (of the community, or of the person) after its transaction commits, and a count stored
under an older generation is never used. So the badge is as exact as before; what changes without
a signal (a bulk load) shows within TTL_SECONDS.
"""

from __future__ import annotations

from django.core.cache import cache

from members import generations

TTL_SECONDS = 300


def _count_key(user_id: int, community_slug: str) -> str:
    return f"unread-threads:{user_id}:{community_slug}"


def _community_key(community_slug: str) -> str:
    return f"unread-threads:community:{community_slug}"


def _person_key(user_id: int) -> str:
    return f"unread-threads:person:{user_id}"


class UnreadCountCache:
    """What load_person asks before computing the count (communities.hooks)."""

    def lookup(self, user, community_slug: str):
        keys = [_count_key(user.pk, community_slug), _community_key(community_slug), _person_key(user.pk)]
        found = cache.get_many(keys)
        entry, community, person = (found.get(key) for key in keys)
        if entry is not None and community is not None and person is not None and entry[1:] == (community, person):
            return entry[0], None
        # Read before the count is computed: a change committed meanwhile makes this token stale.
        return None, (community or generations.current(keys[1]), person or generations.current(keys[2]))

    def store(self, user, community_slug: str, value, token) -> None:
        if None in token:
            return  # the cache is not answering: compute every time, as without it
        cache.set(_count_key(user.pk, community_slug), (value, *token), TTL_SECONDS)


def unread_counts_remembered(user, communities) -> dict[int, int]:
    """Return {community id: unread threads} for user in communities (rows with pk and slug), as unread_counts.

    The counts still valid in the cache cost one read for all of them (the /me/ page lists every
    community of the person: 45 for the heaviest member, a 9 ms count); the others are counted in
    one query and stored, under the generations read (or started) before counting.
    """
    from .selectors import unread_counts

    communities = list(communities)
    if not communities:
        return {}
    person_key = _person_key(user.pk)
    keys = [person_key]
    for community in communities:
        keys += [_count_key(user.pk, community.slug), _community_key(community.slug)]
    found = cache.get_many(keys)
    person = found.get(person_key) or generations.current(person_key)
    # A community's generation nobody started yet is started here, for all of them in one write: a new
    # token is what a change writes too, so at worst it ends entries that were valid (never the reverse).
    started = {
        _community_key(community.slug): generations.new_token()
        for community in communities
        if found.get(_community_key(community.slug)) is None
    }
    if started:
        cache.set_many(started, None)
        found.update(started)
    counts, missing, tokens = {}, [], {}
    for community in communities:
        entry = found.get(_count_key(user.pk, community.slug))
        generation = found.get(_community_key(community.slug))
        valid = entry is not None and generation is not None and entry[1:] == (generation, person)
        if valid and entry[0][0] == community.pk:  # and not another community that had the slug
            counts[community.pk] = entry[0][1]
            continue
        missing.append(community)
        tokens[community.pk] = (generation, person)
    if missing:
        computed = unread_counts(user, [community.pk for community in missing])
        stored = {}
        for community in missing:
            counts[community.pk] = value = computed.get(community.pk, 0)
            if None not in tokens[community.pk]:
                stored[_count_key(user.pk, community.slug)] = ((community.pk, value), *tokens[community.pk])
        if stored:
            cache.set_many(stored, TTL_SECONDS)
    return counts


def person_changed(user_id: int) -> None:
    """The person read a thread, or their memberships changed: their counts are computed again."""
    generations.renew_now_and_on_commit(_person_key(user_id))


def community_changed(community_id: int) -> None:
    """A thread, post or group of the community changed: everyone's count of it is computed again."""
    from communities.models import Community

    slug = Community.objects.filter(pk=community_id).values_list("slug", flat=True).first()
    if slug:
        generations.renew_now_and_on_commit(_community_key(slug))


def thread_changed(sender, instance, **kwargs) -> None:
    community_changed(instance.community_id)


def post_changed(sender, instance, **kwargs) -> None:
    from .models import Thread

    community_id = Thread.objects.filter(pk=instance.thread_id).values_list("community_id", flat=True).first()
    if community_id:
        community_changed(community_id)


def group_changed(sender, instance, **kwargs) -> None:
    community_changed(instance.community_id)


def person_row_changed(sender, instance, **kwargs) -> None:
    person_changed(instance.user_id)


def connect() -> None:
    from django.db.models.signals import post_delete, post_save

    from communities.models import Group, Membership

    from .models import Post, ReadState, Thread

    for model, receiver in (
        (Thread, thread_changed),
        (Post, post_changed),
        (Group, group_changed),
        (Membership, person_row_changed),
        (ReadState, person_row_changed),
    ):
        for name, signal in (("saved", post_save), ("deleted", post_delete)):
            signal.connect(receiver, sender=model, dispatch_uid=f"discussions.unread.{model.__name__}.{name}")
