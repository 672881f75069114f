"""Comments and answers on items, following items and groups, comments on meetings."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.exceptions import PermissionDenied, ValidationError
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from communities.access import door, resolve
from communities.models import Group
from members.redirects import safe_next

from .. import services
from ..forms import AnswerForm, CommentForm
from ..models import Answer
from ._common import _refuse, _visible_item


@login_required
@door("content")
def comment_create(request, community, knowledge_pk):
    item = _visible_item(request, community, knowledge_pk)
    if request.method != "POST":
        return redirect(item)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a comment first."))
        return redirect(item)
    try:
        comment = services.comment_create(by=request.user, item=item, body=form.cleaned_data["body"])
    except (PermissionDenied, ValidationError) as error:
        return _refuse(request, error, item)
    messages.success(request, _("Your comment was added."))
    return redirect(f"{item.get_absolute_url()}#comment-{comment.pk}")


@login_required
@door("content")
def answer_create(request, community, knowledge_pk):
    item = _visible_item(request, community, knowledge_pk)
    if request.method != "POST":
        return redirect(item)
    form = AnswerForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write an answer first."))
        return redirect(item)
    try:
        answer = services.answer_create(item=item, by=request.user, body=form.cleaned_data["body"])
    except (PermissionDenied, ValidationError) as error:
        return _refuse(request, error, item)
    messages.success(request, _("Your answer was added."))
    return redirect(f"{item.get_absolute_url()}#answer-{answer.pk}")


@login_required
@door("content")
def answer_accept(request, community, answer_pk):
    answer = resolve(
        request,
        Answer.objects.visible_to(request.user).filter(item__community=community).select_related("item__community"),
        pk=answer_pk,
    )
    if request.method != "POST":
        return redirect(answer.item)
    try:
        services.answer_accept(answer=answer, by=request.user)
    except PermissionDenied as error:
        return _refuse(request, error, answer.item)
    messages.success(request, _("The answer is marked as accepted."))
    return redirect(f"{answer.item.get_absolute_url()}#answer-{answer.pk}")


@login_required
@door("content")
def item_follow(request, community, knowledge_pk):
    item = _visible_item(request, community, knowledge_pk)
    if request.method != "POST":
        return redirect(item)
    if request.POST.get("action") == "unfollow":
        services.unfollow(user=request.user, item=item)
        messages.success(request, _("You no longer follow this item."))
    else:
        services.follow(user=request.user, item=item)
        messages.success(request, _("You follow this item: you will hear about new comments and answers."))
    return redirect(item)


@login_required
@door("content")
def group_follow(request, community, group_slug):
    group = resolve(request, Group.objects.visible_to(request.user).filter(community=community), slug=group_slug)
    if request.method != "POST":
        return redirect(group)
    if request.POST.get("action") == "unfollow":
        services.unfollow(user=request.user, group=group)
        messages.success(request, _("You no longer follow this group."))
    else:
        services.follow(user=request.user, group=group)
        messages.success(request, _("You follow this group."))
    return redirect(safe_next(request, group))


# ----------------------------------------------------------------------------- comments on meetings


@login_required
@door("content")
def meeting_comment_create(request, community, meeting_pk):
    """Post a comment on a meeting (the form is the partial the meeting page includes)."""
    from meetings.models import Meeting

    meeting = resolve(request, Meeting.objects.visible_to(request.user).filter(community=community), pk=meeting_pk)
    if request.method != "POST":
        return redirect(meeting)
    form = CommentForm(request.POST)
    if not form.is_valid():
        messages.error(request, _("Write a comment first."))
        return redirect(meeting)
    try:
        comment = services.comment_create(by=request.user, meeting=meeting, body=form.cleaned_data["body"])
    except (PermissionDenied, ValidationError) as error:
        return _refuse(request, error, meeting)
    messages.success(request, _("Your comment was added."))
    return redirect(f"{meeting.get_absolute_url()}#comment-{comment.pk}")
