"""Co-organisers of one meeting: the people its organisers name to manage it with them.

Coordinators of the community and facilitators of the meeting's group name active members
of the community (found by name or by their full email address, among members only) and
remove them. Anyone else gets 404, as for a page they cannot see.
"""

from __future__ import annotations

from django.contrib import messages
from django.core.exceptions import ValidationError
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.translation import gettext as _

from communities.access import deny

from .. import selectors, services
from ..forms import PersonChoiceForm
from ._common import _meeting_or_none, _post_only


def _delegated(request, meeting_pk):
    """Return the meeting when the visitor may name its co-organisers; deny (404 or sign in) otherwise."""
    meeting = _meeting_or_none(request, meeting_pk)
    if meeting is None:
        return None, deny(request)
    if not selectors.can_name_coorganisers(user=request.user, meeting=meeting):
        raise Http404
    return meeting, None


def _back(meeting):
    return redirect("meetings:coorganisers", community_slug=meeting.community.slug, meeting_pk=meeting.pk)


def coorganisers(request, community_slug, meeting_pk):
    """List the meeting's co-organisers and find members to name (a GET search, answered on the server)."""
    meeting, response = _delegated(request, meeting_pk)
    if response:
        return response
    query = " ".join(request.GET.get("q", "").split())[:200]
    candidates = selectors.coorganiser_candidates(meeting=meeting, user=request.user, query=query)
    found = list(candidates[: selectors.COORGANISER_RESULTS + 1])
    context = {
        "community": request.community,
        "meeting": meeting,
        "coorganisers": list(selectors.coorganisers(meeting=meeting)),
        "query": query,
        "candidates": found[: selectors.COORGANISER_RESULTS],
        "more": len(found) > selectors.COORGANISER_RESULTS,
    }
    return render(request, "meetings/coorganisers.html", context)


def coorganiser_add(request, community_slug, meeting_pk):
    meeting, response = _delegated(request, meeting_pk)
    if response:
        return response
    if (response := _post_only(request)) is not None:
        return response
    people = selectors.active_members(meeting.community)
    form = PersonChoiceForm(request.POST, people=people)
    if not form.is_valid():
        messages.error(request, _("Choose a member of the community from the search results."))
        return _back(meeting)
    person = form.cleaned_data["user"]
    try:
        services.meeting_add_coorganiser(meeting=meeting, user=person, by=request.user)
    except ValidationError as error:
        messages.error(request, " ".join(error.messages))
    else:
        messages.success(request, _("%(name)s can now organise this meeting.") % {"name": person.get_full_name()})
    return _back(meeting)


def coorganiser_remove(request, community_slug, meeting_pk):
    meeting, response = _delegated(request, meeting_pk)
    if response:
        return response
    if (response := _post_only(request)) is not None:
        return response
    form = PersonChoiceForm(request.POST, people=selectors.coorganisers(meeting=meeting))
    if not form.is_valid():
        messages.info(request, _("This person no longer co-organises the meeting."))
        return _back(meeting)
    person = form.cleaned_data["user"]
    services.meeting_remove_coorganiser(meeting=meeting, user=person, by=request.user)
    messages.success(request, _("%(name)s no longer co-organises this meeting.") % {"name": person.get_full_name()})
    return _back(meeting)
