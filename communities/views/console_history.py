"""The console's history: every change made to the community's shape, newest first (coordinators only)."""

from __future__ import annotations

from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.models import Organization

from ..models import Community, CommunityEvent, DimensionValue, Group, PartnerRole, Partnership, ReportingDimension
from ._console import coordinator_only

HISTORY_PAGE_SIZE = 50
# The keys of CommunityEvent.changes that are not a model field's name (the services' own words).
CHANGE_LABELS = {
    "archived": gettext_lazy("archived"),
    "themes": gettext_lazy("themes"),
    "role": gettext_lazy("role"),
    "position": gettext_lazy("position"),
    "organisation": gettext_lazy("organisation"),
    "values": gettext_lazy("values"),
    "until": gettext_lazy("until"),
    "into": gettext_lazy("into"),
    "open_invitations": gettext_lazy("open invitations"),
    "objects": gettext_lazy("objects changed"),
    "invited": gettext_lazy("invited"),
    "skipped": gettext_lazy("skipped"),
}
LABELLED_MODELS = (Community, Group, Partnership, PartnerRole, ReportingDimension, DimensionValue, Organization)


def change_label(field: str) -> str:
    """Return the translated name of a key of CommunityEvent.changes (a model field's verbose name, or ours)."""
    if field in CHANGE_LABELS:
        return CHANGE_LABELS[field]
    for model in LABELLED_MODELS:
        try:
            return model._meta.get_field(field).verbose_name
        except FieldDoesNotExist:
            continue
    return field.replace("_", " ")


@login_required
def manage_history(request, community_slug):
    """List the community's CommunityEvents (who, when, what), 50 a page."""
    community = coordinator_only(request)
    events = CommunityEvent.objects.filter(community=community).select_related("actor", "group")
    page = Paginator(events, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page:
        event.change_rows = [(change_label(field), values) for field, values in (event.changes or {}).items()]
    context = {
        "community": community,
        "is_coordinator": True,
        "console_section": "history",
        "console_title": _("History"),
        "page_obj": page,
    }
    return render(request, "communities/console/history.html", context)
