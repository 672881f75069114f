"""The meeting page and its .ics download."""

from __future__ import annotations

from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import slugify

from communities.access import deny

from .. import ical, selectors, services
from ..calendar_links import add_to_calendar_links
from ..models import Meeting, MeetingOutcome, Registration
from ._common import _meeting_or_none, _visible


def _jsonld(meeting: Meeting, page_url: str) -> dict:
    attendance = {
        Meeting.Format.IN_PERSON: "https://schema.org/OfflineEventAttendanceMode",
        Meeting.Format.ONLINE: "https://schema.org/OnlineEventAttendanceMode",
        Meeting.Format.HYBRID: "https://schema.org/MixedEventAttendanceMode",
    }[meeting.format]
    locations = []
    if meeting.is_in_person:
        address = {"@type": "PostalAddress"}
        if meeting.city:
            address["addressLocality"] = meeting.city
        if meeting.country:
            address["addressCountry"] = str(meeting.country)
        locations.append({"@type": "Place", "name": meeting.venue or meeting.city or "", "address": address})
    if meeting.is_online:
        # The page, never the join link: that one is for registered people only.
        locations.append({"@type": "VirtualLocation", "url": page_url})
    data = {
        "@context": "https://schema.org",
        "@type": "Event",
        "name": meeting.title,
        "description": meeting.description,
        "startDate": meeting.local_start.isoformat(),
        "endDate": meeting.local_end.isoformat(),
        "eventStatus": "https://schema.org/EventCancelled"
        if meeting.is_cancelled
        else "https://schema.org/EventScheduled",
        "eventAttendanceMode": attendance,
        "url": page_url,
        "organizer": {
            "@type": "Organization",
            "name": meeting.host_organization.name if meeting.host_organization_id else meeting.community.name,
        },
    }
    if locations:
        data["location"] = locations if len(locations) > 1 else locations[0]
    if meeting.capacity:
        data["maximumAttendeeCapacity"] = meeting.capacity
    return data


def meeting_detail(request, community_slug, meeting_pk):
    meeting = selectors.meeting_for_page(meeting_qs=selectors.with_counts(_visible(request), request.user)).filter(
        pk=meeting_pk
    )
    meeting = meeting.first()
    if meeting is None:
        return deny(request)
    can_manage = selectors.can_manage(user=request.user, meeting=meeting)
    registration = selectors.registration_of(meeting=meeting, user=request.user)
    registered = registration is not None and registration.status == Registration.Status.REGISTERED
    page_url = request.build_absolute_uri(meeting.get_absolute_url())
    try:
        outcome = meeting.outcome
    except MeetingOutcome.DoesNotExist:
        outcome = None
    seats_left = max(0, meeting.capacity - meeting.seats_taken) if meeting.capacity is not None else None
    context = {
        "community": request.community,
        "meeting": meeting,
        "registration": registration,
        "registered": registered,
        "waitlist_position": selectors.waitlist_position(registration=registration) if registration else None,
        # The online link is for people holding a seat, and for the organisers.
        "show_join": meeting.is_online and bool(meeting.online_url) and (registered or can_manage),
        "can_manage": can_manage,
        "can_name_coorganisers": can_manage and selectors.can_name_coorganisers(user=request.user, meeting=meeting),
        "closed_reason": services.registration_closed_reason(meeting=meeting),
        "seats_left": seats_left,
        "is_full": seats_left == 0,
        "outcome": outcome,
        "agenda_items": list(meeting.agenda_items.all()),
        "action_items": list(meeting.action_items.all()),
        "calendar_links": add_to_calendar_links(meeting, page_url=page_url, include_join=registered),
        "jsonld": _jsonld(meeting, page_url),
    }
    return render(request, "meetings/meeting_detail.html", context)


def meeting_ics(request, community_slug, meeting_pk):
    """Download one meeting as .ics; the join link is in it only for a registered person."""
    meeting = _meeting_or_none(request, meeting_pk)
    if meeting is None:
        return deny(request)
    registration = selectors.registration_of(meeting=meeting, user=request.user)
    registered = registration is not None and registration.status == Registration.Status.REGISTERED
    body = ical.build_calendar(
        [meeting],
        name=meeting.title,
        base_url=request.build_absolute_uri("/"),
        join_for={meeting.pk} if registered else set(),
    )
    response = HttpResponse(body, content_type="text/calendar; charset=utf-8")
    filename = slugify(meeting.title)[:60] or "meeting"
    response["Content-Disposition"] = f'attachment; filename="{filename}.ics"'
    response["Cache-Control"] = "private, no-store"
    return response
