"""The meeting page and its .ics download."""

from __future__ import annotations

from django.conf import settings
from django.db.models import OuterRef, Prefetch, Subquery
from django.http import HttpResponse
from django.shortcuts import render
from django.utils.text import slugify
from django.utils.translation import get_language

from communities.access import deny

from .. import certificates, ical, selectors, selectors_forms, services
from ..calendar_links import add_to_calendar_links
from ..models import AgendaItemTranslation, Meeting, MeetingOutcome, Registration
from ._common import _meeting_or_none, _visible


def _agenda_items(meeting) -> list:
    """Return the agenda, with its translations into the viewer's language read in one query when needed."""
    items = meeting.agenda_items.all()
    viewer = (get_language() or settings.LANGUAGE_CODE).split("-")[0]
    if viewer != meeting.content_language:
        items = items.prefetch_related(
            Prefetch("translations", queryset=AgendaItemTranslation.objects.filter(language_code=viewer))
        )
    return list(items)


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
    user = request.user
    meetings = selectors.meeting_for_page(meeting_qs=selectors.with_counts(_visible(request), user))
    if user.is_authenticated:
        # The seat holder's attendance and mode come with the meeting too (certificate, split seats).
        mine = Registration.objects.filter(meeting=OuterRef("pk"), user=user)
        meetings = meetings.annotate(
            my_attended=Subquery(mine.values("attended")[:1]), my_mode=Subquery(mine.values("attendance_mode")[:1])
        )
    meeting = meetings.annotate(viewer_can_manage=selectors.can_manage_column(user)).filter(pk=meeting_pk).first()
    if meeting is None:
        return deny(request)
    if meeting.group_id:
        meeting.group.community = meeting.community  # the group's link needs the community's slug: no query
    can_manage = meeting.viewer_can_manage
    # The viewer's registration status came with the meeting (with_counts); the registration row
    # itself is read only for its place on the waitlist.
    status = getattr(meeting, "my_status", None)
    waitlisted = status == Registration.Status.WAITLISTED
    registered = status == Registration.Status.REGISTERED
    page_url = request.build_absolute_uri(meeting.get_absolute_url())
    try:
        outcome = meeting.outcome
    except MeetingOutcome.DoesNotExist:
        outcome = None
    questions = services.asked_questions(meeting)
    split = services.splits_seats(meeting, questions)
    certifies = meeting.is_past and certificates.offers_certificates(meeting, outcome, known=True)
    if waitlisted or (status and meeting.takes_applications):
        # The place on the waitlist; an application's own state (confirm by, withdraw) for its box.
        registration = selectors.registration_of(
            meeting=meeting, user=user, with_application=meeting.takes_applications
        )
    elif registered:
        # What the page shows of a seat (mode, attendance), from the meeting's own query: not saved.
        registration = Registration(
            meeting=meeting,
            user=user,
            status=status,
            attendance_mode=meeting.my_mode or "",
            attended=meeting.my_attended,
        )
    else:
        registration = None
    seats_left = max(0, meeting.capacity - meeting.seats_taken) if meeting.capacity is not None else None
    seat_counts = selectors_forms.seat_counts(meeting, split) if split else []
    if split:
        # Each mode has its own seats: the meeting is full only when every mode is.
        seats_left = None
    # The attendee list names only the people who agreed; it is for the participants and organisers.
    may_see_attendees = registered or can_manage
    attendees = selectors_forms.attendee_list(meeting, questions) if may_see_attendees else None
    context = {
        "community": request.community,
        "meeting": meeting,
        "registration_status": status,
        "registered": registered,
        "registration": registration,
        # (An application's place on the waitlist follows its rank: its own page tells it, not this one.)
        "waitlist_position": selectors.waitlist_position(registration=registration, split=split)
        if waitlisted and not meeting.takes_applications
        else None,
        # The online link is for people holding a seat, and for the organisers.
        "show_join": meeting.is_online and bool(meeting.online_url) and (registered or can_manage),
        "can_manage": can_manage,
        "can_name_coorganisers": can_manage and selectors.can_name_coorganisers(user=user, meeting=meeting),
        "closed_reason": services.registration_closed_reason(meeting=meeting),
        "seats_left": seats_left,
        "is_full": seats_left == 0 or (bool(seat_counts) and all(pool["left"] == 0 for pool in seat_counts)),
        "seat_counts": seat_counts,
        "asks_questions": bool(questions),
        "attendees": attendees,
        "outcome": outcome,
        "certificate_available": registered and certifies and registration.attended,
        "agenda_items": _agenda_items(meeting),
        "action_items": list(meeting.action_items.all()),
        "calendar_links": add_to_calendar_links(meeting, page_url=page_url, include_join=registered),
        "jsonld": _jsonld(meeting, page_url),
    }
    if meeting.takes_applications:  # asked only of such meetings, so other pages keep their query counts
        context["closed_reason"] = services.application_closed_reason(meeting=meeting)
        context["can_review"] = services.may_review(user=request.user, meeting=meeting, organises=can_manage)
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
