"""Read state: how far each person has read each thread."""

from __future__ import annotations

from django.db import IntegrityError, transaction

from .. import unread_cache
from ..models import Post, ReadState, Thread

_UNREAD = object()


def thread_mark_read(*, user, thread: Thread, post: Post | None, state=_UNREAD) -> ReadState | None:
    """Record that user has read thread up to post (never moves back); return the read state.

    Anonymous visitors have none. Reading an earlier page again keeps the furthest point read.
    state is user's ReadState of thread (or None) when the caller has just read it.
    """
    if post is None or not getattr(user, "is_authenticated", False):
        return None
    if state is _UNREAD:
        state = ReadState.objects.filter(user=user, thread=thread).first()
    if state is not None:
        if state.last_read_at is not None and (state.last_read_at, state.last_read_post_id or 0) >= (
            post.created_at,
            post.pk,
        ):
            return state
        ReadState.objects.filter(pk=state.pk).update(last_read_at=post.created_at, last_read_post=post)
        unread_cache.person_changed(user.pk)  # an update() sends no signal
        state.last_read_at, state.last_read_post = post.created_at, post
        return state
    try:
        with transaction.atomic():
            return ReadState.objects.create(user=user, thread=thread, last_read_at=post.created_at, last_read_post=post)
    except IntegrityError:  # two tabs at once: the other one recorded it
        return ReadState.objects.filter(user=user, thread=thread).first()
