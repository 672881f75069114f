"""Show a meeting's time in the viewer's zone, with the meeting's own zone beside it when the clocks differ.

10:00 in Rome is 11:00 in Tripoli in January (CET vs EET) but 10:00 in July (CEST vs
EET): the zone of the meeting is added only when the wall-clock times differ.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, tzinfo
from functools import lru_cache

from django.utils import formats
from django.utils.html import format_html
from django.utils.safestring import SafeString
from django.utils.translation import get_language
from django.utils.translation import gettext as _

from members import typography


def _clock(value: datetime) -> str:
    """Return value's time as date_format(value, "H:i") does ("09:05"), without building a DateFormat."""
    return f"{value.hour:02d}:{value.minute:02d}"


def zone_of(value: str | tzinfo | None) -> tzinfo | None:
    if value is None or isinstance(value, tzinfo):
        return value
    try:
        return zoneinfo.ZoneInfo(value)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return None


def in_zone(value: datetime, zone: tzinfo) -> datetime:
    """Return value on the clocks of zone; a moment those clocks cannot show (past year 9999) stays in UTC."""
    try:
        return value.astimezone(zone)
    except (OverflowError, ValueError):
        return value.astimezone(UTC)


def zone_name(zone: tzinfo) -> str:
    return getattr(zone, "key", None) or str(zone)


def zone_label(zone: tzinfo) -> str:
    """Return a zone as people read it, in the active language (CLDR): "Europe/Rome" is "Rome", "Roma", "روما"."""
    return typography.zone_label(zone_name(zone))


def _day(value: datetime) -> str:
    # A list shows many meetings on the same few days: each day is written once per language and
    # process (two date_format calls and a translation, about 40 µs, for every card; issue 15).
    return _day_in(value.date(), get_language())


@lru_cache(maxsize=2048)
def _day_in(day: date, language: str | None) -> str:
    return _("%(weekday)s %(date)s") % {
        "weekday": formats.date_format(day, "l"),
        "date": formats.date_format(day, "DATE_FORMAT"),
    }


def _span(start: datetime, end: datetime) -> str:
    """Return "Tuesday 14 January 2025, 11:00–12:00", or both days when it spans several."""
    if start.date() == end.date():
        return _("%(day)s, %(start)s–%(end)s") % {
            "day": _day(start),
            "start": _clock(start),
            "end": _clock(end),
        }
    return _("%(start_day)s %(start)s – %(end_day)s %(end)s") % {
        "start_day": _day(start),
        "start": _clock(start),
        "end_day": _day(end),
        "end": _clock(end),
    }


def _times(start: datetime, end: datetime | None) -> str:
    if end is None:
        return _clock(start)
    if start.date() == end.date():
        return f"{_clock(start)}–{_clock(end)}"
    return _span(start, end)


@dataclass(frozen=True)
class When:
    viewer_text: str
    viewer_zone: str
    meeting_text: str  # empty when the clocks agree
    meeting_zone: str
    iso_start: str

    @property
    def differs(self) -> bool:
        return bool(self.meeting_text)

    def as_text(self) -> str:
        text = f"{self.viewer_text} ({self.viewer_zone})"
        if self.meeting_text:
            text += " " + _("[%(time)s in %(zone)s]") % {"time": self.meeting_text, "zone": self.meeting_zone}
        return text


def _clocks_differ(value: datetime, a: tzinfo, b: tzinfo) -> bool:
    return in_zone(value, a).utcoffset() != in_zone(value, b).utcoffset()


def when(start: datetime, end: datetime | None, meeting_zone: str | tzinfo, viewer_zone: str | tzinfo | None) -> When:
    """Describe start–end in the viewer's zone, and in the meeting's zone when those clocks differ."""
    meeting_tz = zone_of(meeting_zone) or zoneinfo.ZoneInfo("UTC")
    viewer_tz = zone_of(viewer_zone) or meeting_tz
    local_start = in_zone(start, viewer_tz)
    local_end = in_zone(end, viewer_tz) if end else None
    viewer_text = _span(local_start, local_end) if local_end else f"{_day(local_start)}, {_times(local_start, None)}"
    meeting_text = ""
    if _clocks_differ(start, meeting_tz, viewer_tz) or (end and _clocks_differ(end, meeting_tz, viewer_tz)):
        meeting_start = in_zone(start, meeting_tz)
        meeting_end = in_zone(end, meeting_tz) if end else None
        meeting_text = _times(meeting_start, meeting_end)
        if meeting_start.date() != local_start.date() and (
            not meeting_end or meeting_start.date() == meeting_end.date()
        ):
            meeting_text = f"{_day(meeting_start)}, {meeting_text}"
    return When(
        viewer_text=viewer_text,
        viewer_zone=zone_label(viewer_tz),
        meeting_text=meeting_text,
        meeting_zone=zone_label(meeting_tz),
        iso_start=start.replace(microsecond=0).isoformat(),
    )


def when_html(value: When) -> SafeString:
    html = format_html(
        '<time datetime="{}">{}</time> <span class="tz-label">({})</span>',
        value.iso_start,
        value.viewer_text,
        value.viewer_zone,
    )
    if value.meeting_text:
        html += format_html(
            ' <span class="meeting-zone-time">{}</span>',
            _("[%(time)s in %(zone)s]") % {"time": value.meeting_text, "zone": value.meeting_zone},
        )
    return html


def time_only(value: datetime, meeting_zone: str | tzinfo, viewer_zone: str | tzinfo | None) -> When:
    """Describe one moment (an agenda item) by its time only, with the meeting's clock beside it when it differs."""
    meeting_tz = zone_of(meeting_zone) or zoneinfo.ZoneInfo("UTC")
    viewer_tz = zone_of(viewer_zone) or meeting_tz
    meeting_text = ""
    if _clocks_differ(value, meeting_tz, viewer_tz):
        meeting_text = _clock(in_zone(value, meeting_tz))
    return When(
        viewer_text=_clock(in_zone(value, viewer_tz)),
        viewer_zone=zone_label(viewer_tz),
        meeting_text=meeting_text,
        meeting_zone=zone_label(meeting_tz),
        iso_start=value.replace(microsecond=0).isoformat(),
    )
