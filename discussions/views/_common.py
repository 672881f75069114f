"""Lookups and answers shared by the discussion page areas (private to discussions.views)."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.shortcuts import redirect
from django.urls import reverse

from communities.access import resolve

from ..models import Post, Thread
from ..selectors import post_page, with_read_state_of


def visible_thread(request, community, thread_pk, *, for_update: bool = False, with_read_state: bool = False) -> Thread:
    threads = Thread.objects.visible_to(request.user).filter(community=community)
    if with_read_state:
        threads = with_read_state_of(threads, request.user)
    return resolve(request, threads.select_related("community", "group", "created_by"), pk=thread_pk)


def visible_post(request, community, post_pk) -> Post:
    return resolve(
        request,
        Post.objects.visible_to(request.user)
        .filter(community=community)
        .select_related("thread__community", "thread__group", "author"),
        pk=post_pk,
    )


def post_url(post: Post) -> str:
    """Return the address of post on its thread's page (the right page, and the post's anchor)."""
    page = post_page(post)
    query = f"?page={page}" if page > 1 else ""
    return f"{post.thread.get_absolute_url()}{query}#post-{post.pk}"


def list_url(community) -> str:
    return reverse("discussions:list", kwargs={"community_slug": community.slug})


def refuse(request, error: ValidationError, target: str):
    """Tell the person why the write was refused (nothing changed) and go back to target."""
    for message in error.messages:
        messages.error(request, message)
    return redirect(target)
