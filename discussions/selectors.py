"""Reads of the discussions: thread lists with their unread flag, unread counts, a thread's pages.

Every function runs a fixed number of queries whatever the number of threads or posts.
"""

from __future__ import annotations

from django.db.models import Count, Exists, IntegerField, OuterRef, Q, QuerySet, Subquery
from django.db.models.functions import Coalesce

from .models import Flag, Post, ReadState, Thread

POSTS_PER_PAGE = 50


def _is_unread(user):
    """Return an expression true for a thread with a post after the last one user read (or never read)."""
    read = ReadState.objects.filter(user=user, thread=OuterRef("pk"), last_read_at__gte=OuterRef("last_post_at"))
    return ~Exists(read)


def thread_list(*, user, community, group=None, show: str = "") -> QuerySet[Thread]:
    """Return the threads of community (and its groups) user may read, pinned first then by last activity.

    Each thread carries `is_unread` for a signed-in user (False for visitors), computed in the same query.
    show narrows the list: "unread", "mine" (started or replied to by user), "unanswered" (no reply yet).
    """
    threads = (
        Thread.objects.visible_to(user)
        .filter(community=community)
        .select_related("community", "group", "created_by", "last_post__author")
        .order_by("-pinned", "-last_post_at", "-pk")
    )
    if group is not None:
        threads = threads.filter(group=group)
    signed_in = bool(getattr(user, "is_authenticated", False))
    if signed_in:
        threads = threads.annotate(is_unread=_is_unread(user))
    if show == "unread" and signed_in:
        threads = threads.filter(is_unread=True)
    elif show == "mine" and signed_in:
        threads = threads.filter(Q(created_by=user) | Exists(Post.objects.filter(thread=OuterRef("pk"), author=user)))
    elif show == "unanswered":
        threads = threads.filter(reply_count=0)
    return threads


def unread_counts(user, community_ids) -> dict[int, int]:
    """Return {community_id: number of unread threads} for user in the given communities, in one query."""
    if not getattr(user, "is_authenticated", False):
        return {}
    rows = (
        Thread.objects.visible_to(user)
        .filter(community_id__in=community_ids)
        .filter(_is_unread(user))
        .order_by()
        .values("community_id")
        .annotate(count=Count("pk"))
        .values_list("community_id", "count")
    )
    return dict(rows)


def unread_count_expression(user):
    """Return an expression: how many threads of the community OuterRef("community_id") user has not read.

    The same count as unread_counts, computed on the person's membership row (communities.hooks).
    """
    counted = (
        Thread.objects.visible_to(user)
        .filter(community=OuterRef("community_id"))
        .filter(_is_unread(user))
        .order_by()
        .values("community")
        .annotate(count=Count("pk"))
        .values("count")
    )
    return Coalesce(Subquery(counted, output_field=IntegerField()), 0)


def post_position(post: Post) -> int:
    """Return the 0-based position of post in its thread."""
    return (
        Post.objects.filter(thread_id=post.thread_id)
        .filter(Q(created_at__lt=post.created_at) | Q(created_at=post.created_at, pk__lt=post.pk))
        .count()
    )


def post_page(post: Post) -> int:
    """Return the number of the thread page that shows post."""
    return post_position(post) // POSTS_PER_PAGE + 1


_READ_FIELDS = ("id", "last_read_at", "last_read_post_id")
_UNREAD = object()


def with_read_state_of(threads: QuerySet[Thread], user) -> QuerySet[Thread]:
    """Annotate user's read state of each thread (its row's fields as read_state_<field>) to the threads' query."""
    if not getattr(user, "is_authenticated", False):
        return threads
    mine = ReadState.objects.filter(user=user, thread=OuterRef("pk"))
    return threads.annotate(**{f"read_state_{name}": Subquery(mine.values(name)[:1]) for name in _READ_FIELDS})


def read_state_of(thread: Thread, user) -> ReadState | None:
    """Return user's read state of a thread fetched with with_read_state_of (no query), None when there is none."""
    if not getattr(user, "is_authenticated", False) or getattr(thread, "read_state_id", None) is None:
        return None
    return ReadState(
        pk=thread.read_state_id,
        user=user,
        thread=thread,
        last_read_at=thread.read_state_last_read_at,
        last_read_post_id=thread.read_state_last_read_post_id,
    )


def first_unread_post(*, user, thread: Thread, state=_UNREAD) -> Post | None:
    """Return the first post of thread after the last one user read (the opening post if never read).

    state is user's ReadState of thread (or None) when the caller has read it already.
    """
    if not getattr(user, "is_authenticated", False):
        return None
    if state is _UNREAD:
        state = ReadState.objects.filter(user=user, thread=thread).first()
    posts = Post.objects.filter(thread=thread)
    if state is not None:
        after = Q(created_at__gt=state.last_read_at)
        if state.last_read_post_id:
            after |= Q(created_at=state.last_read_at, pk__gt=state.last_read_post_id)
        posts = posts.filter(after)
    return posts.order_by("created_at", "pk").first()


def open_flags(*, user, community) -> QuerySet[Flag]:
    """Return the unresolved flags of community's posts in the spaces user moderates (one query to read)."""
    return Flag.objects.filter(
        community=community,
        resolved_at__isnull=True,
        post__thread__in=Thread.objects.moderated_by(user).filter(community=community).values("pk"),
    )
