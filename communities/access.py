"""The one view-level door: resolve what a viewer asks for through a scoped queryset, else refuse alike.

A visitor who may not see something gets the same answer whether it is hidden or missing:
an anonymous visitor is sent to sign in (a member might see it), a signed-in outsider gets 404.
Every app's views use these helpers; who may do what is decided in communities.permissions.

    @door("content")                      # the community's content: public, or its members
    def item_detail(request, community, knowledge_pk):
        item = resolve(request, KnowledgeItem.objects.visible_to(request.user), community=community, pk=knowledge_pk)

    @door("manage")                       # its coordinators only
    def report(request, community): ...
"""

from __future__ import annotations

import functools

from django.contrib.auth.views import redirect_to_login
from django.http import Http404

from . import permissions


class NotVisible(Exception):
    """Raised by resolve(): what the viewer asked for is hidden from them (or missing)."""


def deny(request):
    """Answer a visitor who may not see something: a redirect to sign in if anonymous; else raise 404."""
    if not request.user.is_authenticated:
        return redirect_to_login(request.get_full_path())
    raise Http404


def resolve(request, queryset, **lookup):
    """Return the object of the scoped queryset matching lookup; raise NotVisible when there is none.

    Inside a view wrapped by door() the caller answers as deny() does.
    """
    obj = queryset.filter(**lookup).first()
    if obj is None:
        raise NotVisible
    return obj


def _allowed(rule: str | None, request) -> bool:
    community, user = request.community, request.user
    if rule is None:
        return True
    if rule == "content":
        return permissions.can_see_content(user, community)
    if rule == "member":
        return permissions.is_active_member(user, community)
    if rule == "manage":
        return permissions.can_manage(user, community)
    if rule == "manage_any":
        return permissions.manages_any_group(user, community)
    raise ValueError(f"unknown access rule {rule!r}")


def door(rule: str | None = "content"):
    """Wrap a view of a community's page: check rule, then call view(request, community, **kwargs).

    rule is "content" (who may see the community's content), "member" (its active members),
    "manage" (its coordinators), "manage_any" (its coordinators and facilitators) or None (no
    community-wide rule; the view resolves its objects). A refused visitor, and a NotVisible
    raised by resolve() in the view, are answered by deny().
    """

    def decorate(view):
        @functools.wraps(view)
        def wrapper(request, community_slug, *args, **kwargs):
            if not _allowed(rule, request):
                return deny(request)
            try:
                return view(request, request.community, *args, **kwargs)
            except NotVisible:
                return deny(request)

        return wrapper

    return decorate
