"""'Add to calendar' links for the common calendar services (no JavaScript, no third-party script)."""

from __future__ import annotations

from datetime import UTC
from urllib.parse import urlencode

from django.utils.translation import gettext_lazy as _

from .ical import event_description, event_location
from .models import Meeting


def _compact(value) -> str:
    return value.astimezone(UTC).strftime("%Y%m%dT%H%M%SZ")


def _iso(value) -> str:
    return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def add_to_calendar_links(meeting: Meeting, *, page_url: str, include_join: bool) -> list[tuple[str, str]]:
    """Return (label, url) pairs for Google, Outlook.com, Office 365 and Yahoo calendars.

    The join link goes into the details only when include_join is true (the viewer is registered).
    """
    join_url = meeting.online_url if include_join and meeting.is_online and meeting.online_url else None
    details = event_description(meeting, page_url=page_url, join_url=join_url)
    location = event_location(meeting, join_url=join_url)
    google = "https://calendar.google.com/calendar/render?" + urlencode(
        {
            "action": "TEMPLATE",
            "text": meeting.title,
            "dates": f"{_compact(meeting.start)}/{_compact(meeting.end)}",
            "ctz": meeting.time_zone,
            "details": details,
            "location": location,
        }
    )
    outlook_params = {
        "path": "/calendar/action/compose",
        "rru": "addevent",
        "subject": meeting.title,
        "startdt": _iso(meeting.start),
        "enddt": _iso(meeting.end),
        "body": details,
        "location": location,
    }
    outlook = "https://outlook.live.com/calendar/0/deeplink/compose?" + urlencode(outlook_params)
    office = "https://outlook.office.com/calendar/0/deeplink/compose?" + urlencode(outlook_params)
    yahoo = "https://calendar.yahoo.com/?" + urlencode(
        {
            "v": "60",
            "title": meeting.title,
            "st": _compact(meeting.start),
            "et": _compact(meeting.end),
            "desc": details,
            "in_loc": location,
        }
    )
    return [
        (str(_("Google Calendar")), google),
        (str(_("Outlook.com")), outlook),
        (str(_("Office 365")), office),
        (str(_("Yahoo Calendar")), yahoo),
    ]
