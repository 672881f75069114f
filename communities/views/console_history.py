"""The console's history: every change made to the community's shape, newest first (coordinators only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _

from ..models import CommunityEvent
from ._console import coordinator_only

HISTORY_PAGE_SIZE = 50


@login_required
def manage_history(request, community_slug):
    """List the community's CommunityEvents (who, when, what), 50 a page."""
    community = coordinator_only(request)
    events = CommunityEvent.objects.filter(community=community).select_related("actor", "group")
    page = Paginator(events, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    context = {
        "community": community,
        "is_coordinator": True,
        "console_section": "history",
        "console_title": _("History"),
        "page_obj": page,
    }
    return render(request, "communities/console/history.html", context)
