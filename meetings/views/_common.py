"""Helpers shared by the meeting pages: scoped lookups, the organiser check, form errors."""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import HttpResponseNotAllowed
from django.shortcuts import redirect
from django.utils.translation import gettext as _

from communities.access import deny

from .. import selectors
from ..models import Meeting


def _visible(request):
    return Meeting.objects.visible_to(request.user).filter(community=request.community)


def _meeting_or_none(request, pk) -> Meeting | None:
    return _visible(request).select_related("community", "group", "series").filter(pk=pk).first()


def _not_organiser(request, meeting):
    messages.error(request, _("Only the organisers of this meeting can do that."))
    return redirect(meeting)


def _post_only(request):
    return None if request.method == "POST" else HttpResponseNotAllowed(["POST"])


def _organised(request, pk):
    """Return (meeting, None) when the visitor organises meeting pk, else (None, the response to give)."""
    meeting = _meeting_or_none(request, pk)
    if meeting is None:
        return None, deny(request)
    if not selectors.can_manage(user=request.user, meeting=meeting):
        return None, _not_organiser(request, meeting)
    return meeting, None


def _apply_errors(form, error: ValidationError) -> None:
    if hasattr(error, "error_dict"):
        for field, errors in error.error_dict.items():
            form.add_error(field if field in form.fields else None, errors)
    else:
        form.add_error(None, error)


def _scheduling_context(request):
    """Return (groups, group_required) for the meeting forms, or None when the visitor schedules nothing here."""
    groups = selectors.schedulable_groups(user=request.user, community=request.community)
    if groups is None:
        return None
    return groups, not selectors.is_coordinator(user=request.user, community=request.community)
