"""Moderators' writes: hiding posts, pinning, closing and moving threads, flags.

A moderator of a thread is one who manages its space (_common.can_moderate: the community's
coordinators, the group's facilitators). Each write is idempotent: pinning a pinned thread,
hiding a hidden post or flagging a post twice changes nothing.
"""

from __future__ import annotations

from django.db import IntegrityError, transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities import permissions

from ..models import Flag, Post, Thread
from ._common import DiscussionError, can_moderate


def _require_moderator(*, by, thread: Thread) -> None:
    if not can_moderate(by, thread):
        raise DiscussionError(_("Only the moderators of this space can do this."), code="not_a_moderator")


def _locked_thread(thread: Thread) -> Thread:
    return Thread.objects.select_for_update(of=("self",)).select_related("community", "group").get(pk=thread.pk)


def _locked_post(post: Post) -> Post:
    return (
        Post.objects.select_for_update(of=("self",))
        .select_related("thread__community", "thread__group")
        .get(pk=post.pk)
    )


@transaction.atomic
def post_hide(*, post: Post, by) -> Post:
    """Hide post from readers (the row and its text stay for the moderators); resolve its open flags."""
    post = _locked_post(post)
    _require_moderator(by=by, thread=post.thread)
    if post.hidden_at is None:
        post.hidden_at, post.hidden_by = timezone.now(), by
        post.save(update_fields=["hidden_at", "hidden_by"])
    Flag.objects.filter(post=post, resolved_at__isnull=True).update(resolved_at=timezone.now(), resolved_by=by)
    return post


@transaction.atomic
def post_unhide(*, post: Post, by) -> Post:
    """Show a hidden post again."""
    post = _locked_post(post)
    _require_moderator(by=by, thread=post.thread)
    if post.hidden_at is not None:
        post.hidden_at, post.hidden_by = None, None
        post.save(update_fields=["hidden_at", "hidden_by"])
    return post


def _set(thread: Thread, by, **fields) -> Thread:
    thread = _locked_thread(thread)
    _require_moderator(by=by, thread=thread)
    changed = [name for name, value in fields.items() if getattr(thread, name) != value]
    if changed:
        for name in changed:
            setattr(thread, name, fields[name])
        thread.save(update_fields=[*changed, "updated_at"])
    return thread


@transaction.atomic
def thread_pin(*, thread: Thread, by) -> Thread:
    """Keep thread at the top of its lists."""
    return _set(thread, by, pinned=True)


@transaction.atomic
def thread_unpin(*, thread: Thread, by) -> Thread:
    return _set(thread, by, pinned=False)


@transaction.atomic
def thread_close(*, thread: Thread, by) -> Thread:
    """Close thread: it stays readable and takes no more replies (but from its moderators)."""
    return _set(thread, by, closed=True)


@transaction.atomic
def thread_reopen(*, thread: Thread, by) -> Thread:
    return _set(thread, by, closed=False)


@transaction.atomic
def thread_move(*, thread: Thread, by, group=None) -> Thread:
    """Move thread to another group of its community, or to the community itself (group None).

    The mover must moderate the thread where it is and the space it goes to.
    """
    thread = _locked_thread(thread)
    _require_moderator(by=by, thread=thread)
    if group is not None and group.community_id != thread.community_id:
        raise DiscussionError(_("Choose a group of this community."), code="group_of_another_community")
    target = group if group is not None else thread.community
    if not permissions.can_manage(by, target):
        raise DiscussionError(_("You can move threads only to spaces you moderate."), code="not_a_moderator")
    if not permissions.group_accepts_new_content(group):
        raise DiscussionError(_("This group is archived: nothing new can be added to it."), code="group_archived")
    if thread.group_id == (group.pk if group is not None else None):
        return thread
    thread.group = group
    thread.save(update_fields=["group", "updated_at"])
    return thread


@transaction.atomic
def flag_create(*, post: Post, by, reason: str = "") -> Flag:
    """Report post to the moderators of its space; a second flag by the same person returns the first."""
    thread = post.thread
    if not permissions.is_active_member(by, thread.community):
        raise DiscussionError(_("Only members of this community can report a post."), code="not_a_member")
    reason = (reason or "").replace("\x00", "").strip()[:500]
    existing = Flag.objects.filter(post=post, flagged_by=by).first()
    if existing is not None:
        return existing
    try:
        with transaction.atomic():
            return Flag.objects.create(post=post, community=thread.community, flagged_by=by, reason=reason)
    except IntegrityError:  # flagged at the same moment from another tab
        return Flag.objects.get(post=post, flagged_by=by)


@transaction.atomic
def flag_resolve(*, flag: Flag, by, hide: bool = False) -> Flag:
    """Resolve flag: dismiss it, or hide its post (which resolves every open flag of the post)."""
    flag = (
        Flag.objects.select_for_update(of=("self",))
        .select_related("post__thread__community", "post__thread__group")
        .get(pk=flag.pk)
    )
    _require_moderator(by=by, thread=flag.post.thread)
    if hide:
        post_hide(post=flag.post, by=by)
        flag.refresh_from_db()
        return flag
    if flag.resolved_at is None:
        flag.resolved_at, flag.resolved_by = timezone.now(), by
        flag.save(update_fields=["resolved_at", "resolved_by"])
    return flag
