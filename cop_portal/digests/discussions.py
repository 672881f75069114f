"""The digest's "Discussions" section: new posts in the threads, groups and communities a person follows.

Only for people who receive a community's discussions in the digest (DiscussionPreference mode
"digest", the default when they have no row): those in "every post" mode had each post by email,
those in "off" want none. A thread's own choice wins over its group's, a group's over its
community's (following a community but muting a thread leaves that thread out). A person's own
posts, hidden and deleted posts, and spaces they may not read are left out when the batch is
built, and again through the scoped querysets when the digest is sent.
"""

from __future__ import annotations

from dataclasses import dataclass, field

from django.db.models import Q

from communities.models import Community
from discussions.models import DeliveryMode, DiscussionPreference, Post, Subscription

FOLLOW, MUTE = Subscription.Level.FOLLOW, Subscription.Level.MUTE


@dataclass
class Follows:
    """One person's discussion subscriptions: {target id: level} per kind of target."""

    threads: dict[int, str] = field(default_factory=dict)
    groups: dict[int, str] = field(default_factory=dict)
    communities: dict[int, str] = field(default_factory=dict)

    def follows(self, post: Post) -> bool:
        """Return whether post's thread is followed, the most specific choice winning."""
        thread = post.thread
        for level in (
            self.threads.get(thread.pk),
            self.groups.get(thread.group_id) if thread.group_id else None,
            self.communities.get(thread.community_id),
        ):
            if level is not None:
                return level == FOLLOW
        return False


def follows_of(user_ids: list[int]) -> dict[int, Follows]:
    """Read the batch's subscriptions: one query."""
    follows = {pk: Follows() for pk in user_ids}
    rows = Subscription.objects.filter(user_id__in=user_ids).values_list(
        "user_id", "thread_id", "group_id", "community_id", "level"
    )
    for user_id, thread_id, group_id, community_id, level in rows:
        person = follows[user_id]
        if thread_id:
            person.threads[thread_id] = level
        elif group_id:
            person.groups[group_id] = level
        else:
            person.communities[community_id] = level
    return follows


def new_posts(follows: dict[int, Follows], *, start, end) -> list[Post]:
    """Return the shown posts of the window in anything the batch follows: one query (none when nobody follows)."""
    threads, groups, communities = set(), set(), set()
    for person in follows.values():
        threads |= {pk for pk, level in person.threads.items() if level == FOLLOW}
        groups |= {pk for pk, level in person.groups.items() if level == FOLLOW}
        communities |= {pk for pk, level in person.communities.items() if level == FOLLOW}
    if not (threads or groups or communities):
        return []
    from django.db.models import Count, F, Window
    from django.db.models.functions import RowNumber

    from .building import PARTITION_CAP

    # The newest PARTITION_CAP posts of each thread and the thread's count (for "and N more").
    posts = list(
        Post.objects.shown()
        .filter(created_at__gte=start, created_at__lt=end)
        .filter(Q(thread_id__in=threads) | Q(thread__group_id__in=groups) | Q(community_id__in=communities))
        .select_related("thread__community", "thread__group", "author")
        .annotate(
            partition_rank=Window(
                RowNumber(), partition_by=[F("thread_id")], order_by=[F("created_at").desc(), F("pk").desc()]
            ),
            partition_total=Window(Count("pk"), partition_by=[F("thread_id")]),
        )
        .filter(partition_rank__lte=PARTITION_CAP)
    )
    return sorted(posts, key=lambda post: (post.created_at, post.pk))


def digest_modes(user_ids: list[int], posts: list[Post]) -> set[tuple[int, int]]:
    """Return the (user, community) pairs whose discussions do NOT go to the digest: one query, none without posts."""
    if not posts:
        return set()
    return set(
        DiscussionPreference.objects.filter(
            user_id__in=user_ids, community_id__in={post.community_id for post in posts}
        )
        .exclude(mode=DeliveryMode.DIGEST)
        .values_list("user_id", "community_id")
    )


def may_read(post: Post, member_of: set[int]) -> bool:
    """The rule of Thread.objects.visible_to, in memory: a public community, or one the person is a member of."""
    return post.thread.community.visibility == Community.Visibility.PUBLIC or post.community_id in member_of


def order_by_thread(posts: list[Post]) -> list[Post]:
    """Return posts grouped by thread (most recently active thread first), oldest post first in each."""
    latest: dict[int, float] = {}
    for post in posts:
        latest[post.thread_id] = max(latest.get(post.thread_id, 0.0), post.created_at.timestamp())
    return sorted(posts, key=lambda post: (-latest[post.thread_id], post.thread_id, post.created_at, post.pk))


def recheck_posts(*, user, ids: list[int], excluded_communities: Q, muted_group_ids: list[int]) -> list[Post]:
    """Return the posts of ids user may still read and still wants in the digest, grouped by thread."""
    not_digest = DiscussionPreference.objects.filter(user=user).exclude(mode=DeliveryMode.DIGEST)
    muted_threads = Subscription.objects.filter(user=user, thread__isnull=False, level=MUTE)
    posts = list(
        Post.objects.visible_to(user)
        .shown()
        .filter(pk__in=ids)
        .exclude(author=user)
        .exclude(excluded_communities)
        .exclude(thread__group_id__in=muted_group_ids)
        .exclude(community_id__in=not_digest.values("community_id"))
        .exclude(thread_id__in=muted_threads.values("thread_id"))
        .select_related("thread__community", "thread__group", "author")
    )
    return order_by_thread(posts)
