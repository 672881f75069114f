"""What discussions adds to the pages of lower apps: the community home, a group's page, the console.

communities never imports discussions: discussions.apps registers these providers in
communities.hooks, and the communities templates include the partial a provider names.
Each provider reads through Thread.objects.visible_to with a fixed number of queries.
"""

from __future__ import annotations

from django.urls import reverse
from django.utils.translation import ngettext

from communities import permissions
from communities.hooks import ConsoleLink

from .models import Thread
from .selectors import open_flags

HOME_THREADS = 5
GROUP_THREADS = 10


def _latest(threads, limit: int) -> list[Thread]:
    return list(
        threads.select_related("community", "group", "last_post__author").order_by("-last_post_at", "-pk")[:limit]
    )


def community_home_discussions(*, request, community) -> dict:
    """Return the community home's "Latest discussions": the threads the viewer may read, most recently active first."""
    threads = Thread.objects.visible_to(request.user).filter(community=community)
    return {
        "home_discussions_template": "discussions/partials/_latest_threads.html",
        "home_threads": _latest(threads, HOME_THREADS),
        "home_discussions_can_post": permissions.can_post_in(request.user, community),
    }


def group_discussions(*, request, community, group) -> dict:
    """Return a group page's discussions: its latest threads and whether the viewer may start one."""
    threads = Thread.objects.visible_to(request.user).filter(community=community, group=group)
    return {
        "group_discussions_template": "discussions/partials/_group_threads.html",
        "group_threads": _latest(threads, GROUP_THREADS),
        "group_discussions_can_post": permissions.can_post_in(request.user, community, group),
    }


def console_flags(*, request, community, is_coordinator, groups) -> ConsoleLink:
    """Return the console's link to the flags page with the open flags of the spaces the viewer moderates."""
    count = open_flags(user=request.user, community=community).count()
    text = ngettext("Flagged posts (%(count)d open)", "Flagged posts (%(count)d open)", count) % {"count": count}
    return ConsoleLink(text=text, url=reverse("discussions:flags", kwargs={"community_slug": community.slug}))
