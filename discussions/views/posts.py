"""One post: editing it, its history, deleting it, hiding it (moderators) and flagging it."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from communities import permissions
from communities.access import NotVisible, deny, door
from knowledge.markup import render_markdown

from .. import services
from ..forms import FlagForm, PostEditForm
from ._common import post_url, refuse, visible_post


@door("content")
def post_edit(request, community, post_pk):
    """Let the author change the text of their post; the previous text goes to its history."""
    if not request.user.is_authenticated:
        return deny(request)
    post = visible_post(request, community, post_pk)
    if post.author_id != request.user.pk or post.deleted_at or post.hidden_at:
        if request.method == "POST":
            raise PermissionDenied
        messages.error(request, _("Only the author can change this post."))
        return redirect(post_url(post))
    if request.method == "POST":
        form = PostEditForm(request.POST)
        if form.is_valid():
            try:
                services.post_edit(post=post, by=request.user, body=form.cleaned_data["body"])
            except services.DiscussionError as error:
                form.add_error("body", error)
            else:
                messages.success(request, _("Your post was updated."))
                return redirect(post_url(post))
    else:
        form = PostEditForm(initial={"body": post.body})
    context = {"community": community, "thread": post.thread, "post": post, "form": form}
    return render(request, "discussions/post_edit.html", context)


@door("content")
def post_history(request, community, post_pk):
    """Show the earlier texts of an edited post, newest first (a hidden post's only to its moderators)."""
    post = visible_post(request, community, post_pk)
    if post.hidden_at and not services.can_moderate(request.user, post.thread):
        raise NotVisible
    revisions = [
        {"created_at": revision.created_at, "html": render_markdown(revision.body)}
        for revision in post.revisions.order_by("-created_at", "-pk")
    ]
    context = {"community": community, "thread": post.thread, "post": post, "revisions": revisions}
    return render(request, "discussions/post_history.html", context)


@door("content")
def post_delete(request, community, post_pk):
    """Ask the author to confirm, then delete the post (its place in the thread stays)."""
    if not request.user.is_authenticated:
        return deny(request)
    post = visible_post(request, community, post_pk)
    if post.author_id != request.user.pk:
        if request.method == "POST":
            raise PermissionDenied
        messages.error(request, _("Only the author can delete this post."))
        return redirect(post_url(post))
    if request.method == "POST":
        try:
            services.post_delete(post=post, by=request.user)
        except services.DiscussionError as error:
            return refuse(request, error, post_url(post))
        messages.success(request, _("Your post was deleted."))
        return redirect(post_url(post))
    context = {"community": community, "thread": post.thread, "post": post}
    return render(request, "discussions/post_delete.html", context)


def _moderate(request, community, post_pk, action, done: str):
    if not request.user.is_authenticated:
        return deny(request)
    post = visible_post(request, community, post_pk)
    if request.method != "POST":
        return redirect(post_url(post))
    if not services.can_moderate(request.user, post.thread):
        raise PermissionDenied
    try:
        action(post=post, by=request.user)
    except services.DiscussionError as error:
        return refuse(request, error, post_url(post))
    messages.success(request, done)
    return redirect(post_url(post))


@door("content")
def post_hide(request, community, post_pk):
    return _moderate(request, community, post_pk, services.post_hide, _("The post is hidden."))


@door("content")
def post_unhide(request, community, post_pk):
    return _moderate(request, community, post_pk, services.post_unhide, _("The post is shown again."))


@door("content")
def post_flag(request, community, post_pk):
    """Let a member report a post to the moderators (once), with an optional reason."""
    if not request.user.is_authenticated:
        return deny(request)
    post = visible_post(request, community, post_pk)
    if not permissions.is_active_member(request.user, community):
        if request.method == "POST":
            raise PermissionDenied
        messages.error(request, _("Only members of this community can report a post."))
        return redirect(post_url(post))
    if request.method == "POST":
        form = FlagForm(request.POST)
        if form.is_valid():
            try:
                services.flag_create(post=post, by=request.user, reason=form.cleaned_data["reason"])
            except services.DiscussionError as error:
                return refuse(request, error, post_url(post))
            messages.success(request, _("Thank you: the moderators will look at this post."))
            return redirect(post_url(post))
    else:
        form = FlagForm()
    context = {"community": community, "thread": post.thread, "post": post, "form": form}
    return render(request, "discussions/post_flag.html", context)
