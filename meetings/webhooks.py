"""What meetings tell a community's webhooks: the payloads of meeting.* and registration.* events.

Services call emit_meeting / emit_registration inside their transaction (communities.webhooks.emit
writes the delivery rows). A payload holds what the community's coordinators see on the meeting's
page, never the online link (it is for registered people) nor an email address its owner keeps
to themselves.
"""

from __future__ import annotations

from communities import webhooks
from members.notifications import absolute_url

from .models import Meeting, Registration


def meeting_data(meeting: Meeting) -> dict:
    return {
        "id": meeting.pk,
        "title": meeting.title,
        "kind": meeting.kind,
        "format": meeting.format,
        "status": meeting.status,
        "start": meeting.start,
        "end": meeting.end,
        "time_zone": meeting.time_zone,
        "venue": meeting.venue,
        "city": meeting.city,
        "visibility": meeting.visibility,
        "group": meeting.group.slug if meeting.group_id else None,
        "sequence": meeting.sequence,
        "url": absolute_url(meeting.get_absolute_url()),
    }


def emit_meeting(meeting: Meeting, event: str) -> None:
    """Announce event (meeting.created, meeting.changed, meeting.cancelled) about meeting."""
    webhooks.emit(community=meeting.community_id, event=event, data=lambda: {"meeting": meeting_data(meeting)})


def registration_data(registration: Registration, meeting: Meeting) -> dict:
    return {
        "registration": {
            "id": registration.pk,
            "status": registration.status,
            "attendance_mode": registration.attendance_mode,
            "position": registration.position,
        },
        "meeting": {
            "id": meeting.pk,
            "title": meeting.title,
            "start": meeting.start,
            "url": absolute_url(meeting.get_absolute_url()),
        },
        "person": webhooks.person_data(registration.user, name=registration.name),
    }


def emit_registration(registration: Registration, event: str, *, meeting: Meeting) -> None:
    """Announce event (registration.created, registration.cancelled) about registration, of meeting."""
    webhooks.emit(community=meeting.community_id, event=event, data=lambda: registration_data(registration, meeting))
