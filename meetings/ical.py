"""iCalendar (RFC 5545) files of meetings, built with the icalendar library.

One builder serves the three uses: the .ics of one meeting, the feeds (community and
personal) and the invitations attached to emails (METHOD:REQUEST / METHOD:CANCEL).

- UID is the meeting's stored uid, stable for its whole life.
- SEQUENCE is the meeting's sequence (grows when time, place or status changes).
- Without a METHOD, DTSTAMP is the last revision of the meeting (RFC 5545 3.8.7.2);
  with a METHOD it is the moment the invitation is made.
- Times carry the meeting's TZID, with VTIMEZONE blocks limited to the years used.
- A cancelled meeting stays in feeds with STATUS:CANCELLED.
- The join link appears only when the caller says the person is registered.
- Text is cleaned before it is written (one-line values on one line, no control characters;
  the library escapes and folds the rest), and a feed is built row by row: a meeting that
  cannot be written (a date outside the years meetings use, a broken row) is left out and
  logged, so one bad row never breaks a community's or a person's calendar.
"""

from __future__ import annotations

import logging
from collections.abc import Iterable
from datetime import UTC, date, datetime

import icalendar
from django.conf import settings
from django.utils import timezone
from django.utils.translation import gettext as _

from members.notifications import absolute_url
from members.text import multi_line, one_line

from . import localtime
from .models import Meeting

PRODID = "-//CoP Portal//Meetings//EN"
logger = logging.getLogger(__name__)


def _noreply_address() -> str:
    from email.utils import parseaddr

    address = parseaddr(settings.DEFAULT_FROM_EMAIL)[1] or "noreply@cop.localhost"
    return address


def event_description(meeting: Meeting, *, page_url: str, join_url: str | None) -> str:
    parts = []
    if meeting.description:
        parts.append(meeting.description.strip())
    if meeting.is_cancelled:
        parts.append(_("This meeting was cancelled."))
    if join_url:
        parts.append(_("Join online: %(url)s") % {"url": join_url})
    parts.append(_("Meeting page: %(url)s") % {"url": page_url})
    return multi_line("\n\n".join(parts))


def event_location(meeting: Meeting, *, join_url: str | None) -> str:
    place = meeting.place_label()
    if meeting.format == Meeting.Format.ONLINE:
        return one_line(join_url or _("Online"))
    if meeting.format == Meeting.Format.HYBRID:
        online = join_url or _("online")
        return one_line(f"{place} + {online}" if place else online)
    return one_line(place)


def meeting_event(
    meeting: Meeting,
    *,
    page_url: str,
    include_join: bool,
    stamp: datetime | None = None,
    attendee_email: str | None = None,
    attendee_name: str = "",
) -> icalendar.Event:
    """Return the VEVENT of meeting; include_join decides whether its online link goes in."""
    join_url = meeting.online_url if include_join and meeting.is_online and meeting.online_url else None
    event = icalendar.Event()
    event.add("uid", meeting.uid)
    event.add("sequence", meeting.sequence)
    event.add("dtstamp", (stamp or meeting.updated_at).astimezone(UTC))
    event.add("created", meeting.created_at.astimezone(UTC))
    event.add("last-modified", meeting.updated_at.astimezone(UTC))
    event.add("dtstart", meeting.local_start)
    event.add("dtend", meeting.local_end)
    event.add("summary", one_line(meeting.title))
    event.add("description", event_description(meeting, page_url=page_url, join_url=join_url))
    location = event_location(meeting, join_url=join_url)
    if location:
        event.add("location", location)
    event.add("url", page_url)
    event.add("status", "CANCELLED" if meeting.is_cancelled else "CONFIRMED")
    event.add("categories", [one_line(str(meeting.get_kind_display()))])
    event.add("class", "PUBLIC" if meeting.visibility == Meeting.Visibility.PUBLIC else "PRIVATE")
    if attendee_email:
        organizer = icalendar.vCalAddress(f"mailto:{_noreply_address()}")
        organizer.params["cn"] = icalendar.vText(one_line(meeting.community.name))
        event.add("organizer", organizer)
        attendee = icalendar.vCalAddress(f"mailto:{attendee_email}")
        if attendee_name:
            attendee.params["cn"] = icalendar.vText(one_line(attendee_name))
        attendee.params["role"] = icalendar.vText("REQ-PARTICIPANT")
        attendee.params["partstat"] = icalendar.vText("ACCEPTED")
        attendee.params["rsvp"] = icalendar.vText("FALSE")
        event.add("attendee", attendee)
    return event


def _calendar(name: str | None, method: str | None = None) -> icalendar.Calendar:
    calendar = icalendar.Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    name = one_line(name or "")
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("name", name)
    return calendar


def _add_timezones(calendar: icalendar.Calendar, meetings: list[Meeting]) -> None:
    """Add one VTIMEZONE per zone used, covering only the years of the meetings (small files)."""
    if not meetings:
        return
    first = max(min(m.start for m in meetings).year - 1, localtime.EARLIEST_YEAR)
    last = min(max(m.end for m in meetings).year + 2, localtime.LATEST_YEAR + 1)
    try:
        calendar.add_missing_timezones(first_date=date(first, 1, 1), last_date=date(last, 1, 1))
    except Exception:  # a zone the library cannot describe: times keep their TZID, clients know it
        logger.exception("Could not add the VTIMEZONE blocks of a calendar")


def _writable(meeting: Meeting) -> bool:
    return localtime.moment_in_range(meeting.start) and localtime.moment_in_range(meeting.end)


def build_calendar(
    meetings: Iterable[Meeting],
    *,
    name: str | None,
    base_url: str | None = None,
    join_for: set[int] | frozenset[int] = frozenset(),
) -> bytes:
    """Return a feed (no METHOD) of meetings; join links only for the meeting ids in join_for."""
    calendar = _calendar(name)
    written = []
    for meeting in meetings:
        if not _writable(meeting):
            logger.warning("Meeting %s left out of a calendar: its dates are out of range", meeting.pk)
            continue
        try:
            page_url = absolute_url(meeting.get_absolute_url(), base_url)
            event = meeting_event(meeting, page_url=page_url, include_join=meeting.pk in join_for)
            event.to_ical()  # fails here, for this row only, rather than for the whole feed
        except Exception:
            logger.exception("Meeting %s left out of a calendar: it could not be written", meeting.pk)
            continue
        calendar.add_component(event)
        written.append(meeting)
    _add_timezones(calendar, written)
    return calendar.to_ical()


def invitation(
    meeting: Meeting, *, method: str, attendee_email: str, attendee_name: str = "", include_join: bool
) -> bytes:
    """Return an iTIP message (METHOD:REQUEST or METHOD:CANCEL) about meeting for one person."""
    assert method in {"REQUEST", "CANCEL"}
    calendar = _calendar(None, method=method)
    page_url = absolute_url(meeting.get_absolute_url())
    event = meeting_event(
        meeting,
        page_url=page_url,
        include_join=include_join and method == "REQUEST",
        stamp=timezone.now(),
        attendee_email=attendee_email,
        attendee_name=attendee_name,
    )
    if method == "CANCEL":
        event["status"] = icalendar.vText("CANCELLED")
    calendar.add_component(event)
    _add_timezones(calendar, [meeting])
    return calendar.to_ical()
