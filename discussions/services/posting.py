"""Starting a thread and replying to one."""

from __future__ import annotations

from datetime import timedelta

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from knowledge.markup import render_markdown
from members import outbox

from ..models import Post, ReadState, Subscription, Thread
from ._common import BODY_LIMIT, DiscussionError, can_moderate, clean_text, clean_title, require_poster

# A second identical post by the same person in the same thread within this window is a double submit.
DOUBLE_SUBMIT_WINDOW = timedelta(minutes=2)


def _follow(*, user, thread: Thread) -> None:
    """Follow thread (starting it, replying or being mentioned), unless the person chose to mute it."""
    Subscription.objects.get_or_create(
        user=user, thread=thread, defaults={"community": thread.community, "level": Subscription.Level.FOLLOW}
    )


def _mark_read(*, user, thread: Thread, post: Post) -> None:
    ReadState.objects.update_or_create(
        user=user, thread=thread, defaults={"last_read_at": post.created_at, "last_read_post": post}
    )


def _new_post(*, thread: Thread, by, body: str, source: str, message_id: str | None, language: str) -> Post:
    post = Post.objects.create(
        community=thread.community,
        thread=thread,
        author=by,
        body=body,
        body_html=render_markdown(body),
        language=language or getattr(by, "language", "") or "",
        is_opening=not thread.posts.exists(),
        source=source,
        message_id=message_id or None,
    )
    return post


def _after_post(*, thread: Thread, post: Post, by) -> None:
    _follow(user=by, thread=thread)
    _mark_read(user=by, thread=thread, post=post)
    outbox.enqueue("discussions.notify_post", post.pk, key=f"discussions:post:{post.pk}")


@transaction.atomic
def thread_start(
    *,
    community,
    by,
    title: str,
    body: str,
    group=None,
    source: str = Post.Source.WEB,
    message_id: str | None = None,
    language: str = "",
) -> Thread:
    """Open a thread in the community or one of its groups with its first post; return it."""
    if group is not None and group.community_id != community.pk:
        raise DiscussionError(_("Choose a group of this community."), code="group_of_another_community")
    require_poster(user=by, community=community, group=group)
    title = clean_title(title)
    body = clean_text(body, limit=BODY_LIMIT, field="body")
    if message_id:
        existing = Post.objects.filter(message_id=message_id).select_related("thread").first()
        if existing:
            return existing.thread  # a redelivered email opens one thread
    recent = (
        Thread.objects.filter(
            community=community,
            group=group,
            created_by=by,
            title=title,
            created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW,
        )
        .order_by("-pk")
        .first()
    )
    if recent is not None:
        return recent  # a double submit opens one thread
    now = timezone.now()
    thread = Thread.objects.create(
        community=community,
        group=group,
        title=title,
        created_by=by,
        last_post_at=now,
        language=language or getattr(by, "language", "") or "",
    )
    post = _new_post(thread=thread, by=by, body=body, source=source, message_id=message_id, language=language)
    Thread.objects.filter(pk=thread.pk).update(last_post=post, last_post_at=post.created_at)
    thread.last_post, thread.last_post_at = post, post.created_at
    _after_post(thread=thread, post=post, by=by)
    return thread


@transaction.atomic
def post_reply(
    *,
    thread: Thread,
    by,
    body: str,
    source: str = Post.Source.WEB,
    message_id: str | None = None,
    language: str = "",
) -> Post:
    """Add a reply at the end of thread; return it (the same post for a double submit or a redelivered email)."""
    thread = Thread.objects.select_for_update(of=("self",)).select_related("community", "group").get(pk=thread.pk)
    require_poster(user=by, community=thread.community, group=thread.group)
    if thread.closed and not can_moderate(by, thread):
        raise DiscussionError(_("This thread is closed: it takes no more replies."), code="closed")
    body = clean_text(body, limit=BODY_LIMIT, field="body")
    if message_id:
        existing = Post.objects.filter(message_id=message_id).first()
        if existing:
            return existing
    recent = (
        Post.objects.filter(thread=thread, author=by, body=body, created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW)
        .order_by("-pk")
        .first()
    )
    if recent is not None:
        return recent
    post = _new_post(thread=thread, by=by, body=body, source=source, message_id=message_id, language=language)
    Thread.objects.filter(pk=thread.pk).update(
        last_post=post, last_post_at=post.created_at, reply_count=thread.reply_count + 1, updated_at=timezone.now()
    )
    _after_post(thread=thread, post=post, by=by)
    return post
