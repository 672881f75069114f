"""Moderators' pages: pinning, closing, moving threads, and the open flags of the spaces they moderate."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import PermissionDenied
from django.shortcuts import redirect, render
from django.urls import reverse
from django.utils.translation import gettext as _

from communities.access import deny, door
from members.ids import parse_id

from .. import services
from ..forms import MoveForm
from ..selectors import open_flags
from ._common import refuse, visible_thread


def _thread_action(request, community, thread_pk, action, done: str):
    if not request.user.is_authenticated:
        return deny(request)
    thread = visible_thread(request, community, thread_pk)
    if request.method != "POST":
        return redirect(thread)
    if not services.can_moderate(request.user, thread):
        raise PermissionDenied
    try:
        action(thread=thread, by=request.user)
    except services.DiscussionError as error:
        return refuse(request, error, thread.get_absolute_url())
    messages.success(request, done)
    return redirect(thread)


@door("content")
def thread_pin(request, community, thread_pk):
    return _thread_action(request, community, thread_pk, services.thread_pin, _("The thread is pinned."))


@door("content")
def thread_unpin(request, community, thread_pk):
    return _thread_action(request, community, thread_pk, services.thread_unpin, _("The thread is no longer pinned."))


@door("content")
def thread_close(request, community, thread_pk):
    return _thread_action(request, community, thread_pk, services.thread_close, _("The thread is closed."))


@door("content")
def thread_reopen(request, community, thread_pk):
    return _thread_action(request, community, thread_pk, services.thread_reopen, _("The thread is open again."))


@door("content")
def thread_move(request, community, thread_pk):
    """Move a thread to another group of the community, or to the community itself."""
    if not request.user.is_authenticated:
        return deny(request)
    thread = visible_thread(request, community, thread_pk)
    if not services.can_moderate(request.user, thread):
        if request.method == "POST":
            raise PermissionDenied
        return redirect(thread)
    if request.method == "POST":
        form = MoveForm(request.POST, community=community, user=request.user)
        if form.is_valid():
            try:
                services.thread_move(thread=thread, by=request.user, group=form.cleaned_data["group"])
            except services.DiscussionError as error:
                form.add_error(None, error)
            else:
                messages.success(request, _("The thread was moved."))
                return redirect(thread)
    else:
        form = MoveForm(
            initial={"group": thread.group.slug if thread.group else None}, community=community, user=request.user
        )
    return render(request, "discussions/thread_move.html", {"community": community, "thread": thread, "form": form})


@door("manage_any")
def flag_list(request, community):
    """List the open flags of the spaces the moderator moderates; resolve one by dismissing it or hiding its post."""
    user = request.user
    flags = open_flags(user=user, community=community)
    if request.method == "POST":
        flag_pk = parse_id(request.POST.get("flag"))
        flag = flags.filter(pk=flag_pk).first() if flag_pk is not None else None
        target = reverse("discussions:flags", kwargs={"community_slug": community.slug})
        if flag is None:
            messages.error(request, _("This flag was already resolved."))
            return redirect(target)
        try:
            services.flag_resolve(flag=flag, by=user, hide=request.POST.get("action") == "hide")
        except services.DiscussionError as error:
            return refuse(request, error, target)
        messages.success(request, _("The flag is resolved."))
        return redirect(target)
    rows = flags.select_related("post__thread", "post__author", "flagged_by").order_by("created_at", "pk")[:200]
    return render(request, "discussions/flag_list.html", {"community": community, "flags": rows})
