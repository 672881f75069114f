"""Helpers shared by several areas of the community pages: safe "next" URLs, POST-only answers, group lookups."""

from __future__ import annotations

from django.http import HttpResponseNotAllowed
from django.shortcuts import get_object_or_404

from members.redirects import safe_next

from ..access import deny
from ..models import Group
from ..selectors import user_can_see_content


def _next_url(request, default: str) -> str:
    """Return the POSTed "next" when it is a path of this site, else default."""
    return safe_next(request, default)


def _post_only(request):
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


def _visible_group(request, group_slug) -> Group:
    """Return the group of the request's community the visitor may see, or 404."""
    group = get_object_or_404(
        Group.objects.visible_to(request.user).filter(community=request.community), slug=group_slug
    )
    group.community = request.community  # the same row, already read: group.community costs no query
    return group


def _content_or_login(request):
    """Return a redirect to sign in for an anonymous visitor of a members-only community; 404 for others."""
    if user_can_see_content(user=request.user, community=request.community):
        return None
    return deny(request)
