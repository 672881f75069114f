"""The console's history: every change made to the community's shape, newest first (coordinators only)."""

from __future__ import annotations

from django.conf import settings
from django.contrib.auth.decorators import login_required
from django.core.exceptions import FieldDoesNotExist
from django.core.paginator import Paginator
from django.shortcuts import render
from django.utils.translation import gettext as _
from django.utils.translation import gettext_lazy

from members.models import Organization
from members.typography import join_comma

from ..models import (
    Community,
    CommunityEvent,
    DimensionValue,
    Group,
    JoinPolicy,
    Membership,
    PartnerRole,
    Partnership,
    ReportingDimension,
)
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
    "pending_requests": gettext_lazy("Pending requests"),
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


# What the services record under each key (CommunityEvent.changes), as the console's forms name it.
FIELD_LABELS = {
    "name": gettext_lazy("Name"),
    "slug": gettext_lazy("slug"),
    "tagline": gettext_lazy("Short description"),
    "description": gettext_lazy("Description"),
    "logo": gettext_lazy("Logo"),
    "accent_color": gettext_lazy("Accent colour"),
    "languages": gettext_lazy("Languages"),
    "default_language": gettext_lazy("Default language"),
    "countries": gettext_lazy("Countries"),
    "region": gettext_lazy("Region"),
    "join_policy": gettext_lazy("How people join"),
    "eligible_organization_kinds": gettext_lazy("Reserved to organisation kinds"),
    "domain": gettext_lazy("Own host name"),
    "themes": gettext_lazy("Themes"),
    "kind": gettext_lazy("Kind"),
    "archived": gettext_lazy("Archived"),
    "position": gettext_lazy("Position"),
    "role": gettext_lazy("Role"),
    "since": gettext_lazy("Partner since"),
    "notes": gettext_lazy("Notes"),
    "ended_on": gettext_lazy("Ended on"),
    "values": gettext_lazy("Reporting labels"),
    "invited": gettext_lazy("Invited"),
    "into": gettext_lazy("Into"),
    "skipped": gettext_lazy("Skipped"),
    "organisation": gettext_lazy("Organisation"),
    "people moved": gettext_lazy("People moved"),
    "is_verified": gettext_lazy("Verified"),
}


def _choices(event: CommunityEvent, field: str) -> dict[str, str]:
    """Return the labels of the coded values a field records (a group's and a community's differ)."""
    if field == "visibility":
        return dict((Group.Visibility if event.group_id else Community.Visibility).choices)
    return {
        "kind": dict(Group.Kind.choices) if event.action.startswith("group") else dict(Organization.Kind.choices),
        "join_policy": dict(JoinPolicy.choices),
        "eligible_organization_kinds": dict(Organization.Kind.choices),
        "role": dict(Membership.Role.choices),
        "languages": dict(settings.LANGUAGES),
        "default_language": dict(settings.LANGUAGES),
    }.get(field, {})


def _shown(value, labels: dict[str, str]):
    """Return a recorded value as the reader should see it: labels for codes, Yes/No for flags."""
    if isinstance(value, bool) or value in ("True", "False"):
        return _("Yes") if value in (True, "True") else _("No")
    if isinstance(value, list):
        return join_comma(str(_shown(item, labels)) for item in value)
    if isinstance(value, str) and value in labels:
        return labels[value]
    return value


def readable_changes(event: CommunityEvent) -> list[tuple[str, object, object]]:
    """Return the event's changes as (label, before, after), in the reader's language."""
    rows = []
    for field, (before, after) in (event.changes or {}).items():
        labels = _choices(event, field)
        rows.append((FIELD_LABELS.get(field) or change_label(field), _shown(before, labels), _shown(after, labels)))
    return rows


@login_required
def manage_history(request, community_slug):
    """List the community's CommunityEvents (who, when, what), 50 a page."""
    community = coordinator_only(request)
    events = CommunityEvent.objects.filter(community=community).select_related("actor", "group")
    page = Paginator(events, HISTORY_PAGE_SIZE).get_page(request.GET.get("page"))
    for event in page.object_list:
        event.readable_changes = readable_changes(event)
    context = {
        "community": community,
        "is_coordinator": True,
        "console_section": "history",
        "console_title": _("History"),
        "page_obj": page,
    }
    return render(request, "communities/console/history.html", context)
