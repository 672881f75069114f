"""Tag pages: the items of one theme in every community the viewer can see."""

from __future__ import annotations

from django.contrib import messages
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _
from taggit.models import Tag

from . import services
from .models import KnowledgeItem
from .selectors import is_following

PAGE_SIZE = 30


def _tag_or_404(tag_slug):
    tag = Tag.objects.filter(slug=tag_slug).first()
    if tag is None:
        raise Http404
    return tag


def tag_detail(request, tag_slug):
    """List the visible items with this theme, across communities; a theme on nothing visible is 404."""
    tag = _tag_or_404(tag_slug)
    items = (
        KnowledgeItem.objects.visible_to(request.user)
        .filter(themes__slug=tag.slug)
        .for_list()
        .order_by("community__name", "-published_at", "-pk")
    )
    page = Paginator(items, PAGE_SIZE).get_page(request.GET.get("page"))
    if not page.object_list and page.number == 1:
        raise Http404
    context = {
        "tag": tag,
        "page": page,
        "items": page.object_list,
        "following": is_following(user=request.user, theme=tag),
    }
    return render(request, "knowledge/tag_detail.html", context)


@login_required
def tag_follow(request, tag_slug):
    tag = _tag_or_404(tag_slug)
    if not KnowledgeItem.objects.visible_to(request.user).filter(themes__slug=tag.slug).exists():
        raise Http404
    if request.method == "POST":
        if request.POST.get("action") == "unfollow":
            services.unfollow(user=request.user, theme=tag)
            messages.success(request, _("You no longer follow this theme."))
        else:
            services.follow(user=request.user, theme=tag)
            messages.success(request, _("You follow this theme."))
    return redirect("tags:detail", tag_slug=tag.slug)
