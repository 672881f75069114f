"""Who may open which console page: shared by every console area.

A coordinator of the community (or a portal administrator) opens every console page; a
facilitator opens the console limited to the groups they run; everyone else gets 404,
as for any place they cannot see.
"""

from __future__ import annotations

from django.http import Http404

from .. import permissions
from ..models import Community
from ..selectors import managed_groups


def coordinator_only(request) -> Community:
    """Return the request's community when the user coordinates it; 404 otherwise."""
    community = request.community
    if not permissions.can_manage(request.user, community):
        raise Http404
    return community


def console_scope(request) -> tuple[bool, object]:
    """Return (is_coordinator, managed groups) for a console page; 404 for anyone who manages nothing here."""
    community = request.community
    is_coordinator = permissions.can_manage(request.user, community)
    groups = managed_groups(user=request.user, community=community)
    if not is_coordinator and not groups.exists():
        raise Http404
    return is_coordinator, groups
