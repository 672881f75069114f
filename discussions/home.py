"""What discussions adds to the pages of lower apps: the community home and a group's page.

communities never imports discussions: discussions.apps registers these providers in
communities.hooks, and the communities templates include the partial a provider names.
Each provider reads through Thread.objects.visible_to with a fixed number of queries.
"""

from __future__ import annotations

from communities import permissions

from .models import Thread

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
        "discussions_path": f"/c/{community.slug}/discussions/",
    }


def group_discussions(*, request, community, group) -> dict:
    """Return a group page's discussions: its latest threads and whether the viewer may start one."""
    threads = Thread.objects.visible_to(request.user).filter(community=community, group=group)
    return {
        "group_discussions_template": "discussions/partials/_group_threads.html",
        "group_threads": _latest(threads, GROUP_THREADS),
        "group_discussions_can_post": permissions.can_post_in(request.user, community, group),
        "discussions_path": f"/c/{community.slug}/discussions/",
    }
