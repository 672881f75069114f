"""Authors editing and deleting their own posts."""

from __future__ import annotations

from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import Post, PostRevision, Thread
from ._common import BODY_LIMIT, DiscussionError, clean_text, require_poster
from .mentions import post_mentions_store


def _require_author(*, post: Post, by) -> None:
    if by is None or not by.is_authenticated or post.author_id != by.pk:
        raise DiscussionError(_("Only the author can change this post."), code="not_the_author")


def _locked(post: Post) -> Post:
    return (
        Post.objects.select_for_update(of=("self",))
        .select_related("thread__community", "thread__group")
        .get(pk=post.pk)
    )


@transaction.atomic
def post_edit(*, post: Post, by, body: str) -> Post:
    """Replace the text of post by its author, keeping the previous text as a revision; return the post.

    Saving the same text again (a double submit) changes nothing. The author must still be
    allowed to write in the space; a deleted or hidden post is not edited.
    """
    post = _locked(post)
    _require_author(post=post, by=by)
    thread: Thread = post.thread
    require_poster(user=by, community=thread.community, group=thread.group)
    if post.deleted_at is not None:
        raise DiscussionError(_("This post was deleted."), code="deleted")
    if post.hidden_at is not None:
        raise DiscussionError(_("A moderator hid this post: it cannot be edited."), code="hidden")
    body = clean_text(body, limit=BODY_LIMIT, field="body")
    if body == post.body:
        return post
    PostRevision.objects.create(post=post, body=post.body, edited_by=by)
    post.body = body
    post.edited_at = timezone.now()
    post.save(update_fields=["body", "edited_at"])
    post_mentions_store(post=post, thread=thread)
    return post


@transaction.atomic
def post_delete(*, post: Post, by) -> Post:
    """Delete post by its author: the row stays in the thread (order and counts), its text and history go."""
    post = _locked(post)
    _require_author(post=post, by=by)
    if post.deleted_at is not None:
        return post
    post.revisions.all().delete()
    post.body, post.body_html, post.deleted_at = "", "", timezone.now()
    post.save(update_fields=["body", "body_html", "deleted_at"])
    post.mentions.clear()
    return post
