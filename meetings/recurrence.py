"""Recurrence rules of meeting series, generated in the meeting's local time.

A rule such as "every month on the first Tuesday at 11:00 Europe/Rome until June" is
expanded with dateutil.rrule on naive *local* datetimes; each occurrence is then placed
in its zone and converted to UTC. Expanding in UTC instead would move the meeting by an
hour whenever daylight-saving time starts or ends.
"""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta

from dateutil import rrule
from django.utils import formats
from django.utils.translation import gettext as _
from django.utils.translation import pgettext

MAX_OCCURRENCES = 120

WEEKDAYS = [rrule.MO, rrule.TU, rrule.WE, rrule.TH, rrule.FR, rrule.SA, rrule.SU]
WEEKDAY_CODES = ["MO", "TU", "WE", "TH", "FR", "SA", "SU"]


class Frequency:
    WEEKLY = "weekly"
    MONTHLY = "monthly"


@dataclass(frozen=True)
class SeriesRule:
    """What a series repeats: every `interval` weeks or months, on a weekday, at a local time, until a day."""

    frequency: str
    weekday: int  # 0 = Monday
    start_time: time
    duration_minutes: int
    time_zone: str
    starts_on: date
    until: date
    ordinal: int | None = None  # monthly: 1..4 for the first..fourth weekday, -1 for the last
    interval: int = 1

    def to_rrule(self) -> str:
        """Return the RFC 5545 RRULE value (UNTIL in local time, like the DTSTART it applies to)."""
        parts = [f"FREQ={'WEEKLY' if self.frequency == Frequency.WEEKLY else 'MONTHLY'}"]
        if self.interval != 1:
            parts.append(f"INTERVAL={self.interval}")
        code = WEEKDAY_CODES[self.weekday]
        if self.frequency == Frequency.MONTHLY:
            ordinal = self.ordinal or 1
            code = f"{ordinal:+d}{code}"
        parts.append(f"BYDAY={code}")
        parts.append(f"UNTIL={self.until:%Y%m%d}T235959")
        return ";".join(parts)

    def local_occurrences(self) -> list[datetime]:
        """Return the naive local start of every occurrence, at most MAX_OCCURRENCES + 1 of them."""
        return expand(self.to_rrule(), self.starts_on, self.start_time)

    def missing_occurrences(self) -> list[datetime]:
        """Return the local starts that do not exist in the zone (skipped when the clocks go forward)."""
        from .localtime import is_missing

        zone = zoneinfo.ZoneInfo(self.time_zone)
        return [local for local in self.local_occurrences() if is_missing(local, zone)]

    def occurrences(self) -> list[tuple[datetime, datetime]]:
        """Return (start, end) of every occurrence in UTC; DST changes keep the local start time.

        The duration is real time: a meeting across the night the clocks change still lasts
        duration_minutes. A start repeated when the clocks go back is its first occurrence (fold=0).
        """
        zone = zoneinfo.ZoneInfo(self.time_zone)
        result = []
        for local in self.local_occurrences():
            start = local.replace(tzinfo=zone).astimezone(UTC)
            result.append((start, start + timedelta(minutes=self.duration_minutes)))
        return result


def expand(rule: str, starts_on: date, start_time: time) -> list[datetime]:
    dtstart = datetime.combine(starts_on, start_time)
    generator = rrule.rrulestr(rule, dtstart=dtstart)
    occurrences = []
    for occurrence in generator:
        occurrences.append(occurrence)
        if len(occurrences) > MAX_OCCURRENCES:
            break
    return occurrences


ORDINAL_LABELS = {
    1: lambda: pgettext("weekday of the month", "first"),
    2: lambda: pgettext("weekday of the month", "second"),
    3: lambda: pgettext("weekday of the month", "third"),
    4: lambda: pgettext("weekday of the month", "fourth"),
    -1: lambda: pgettext("weekday of the month", "last"),
}


def weekday_name(index: int) -> str:
    # 2024-01-01 was a Monday; the localised format gives the weekday name in the active language.
    return formats.date_format(date(2024, 1, 1) + timedelta(days=index), "l")


def describe(*, rrule_text: str, time_zone: str, start_time: time, until: date) -> str:
    """Return a sentence for people, e.g. "Every month on the first Tuesday at 11:00 (Europe/Rome) until 30 June"."""
    values = dict(part.split("=", 1) for part in rrule_text.split(";") if "=" in part)
    byday = values.get("BYDAY", "")
    code = byday[-2:]
    weekday = weekday_name(WEEKDAY_CODES.index(code)) if code in WEEKDAY_CODES else ""
    at = formats.time_format(start_time, "H:i")
    until_label = formats.date_format(until, "DATE_FORMAT")
    interval = int(values.get("INTERVAL", "1"))
    if values.get("FREQ") == "MONTHLY":
        ordinal_text = byday[:-2] or "+1"
        ordinal = ORDINAL_LABELS.get(int(ordinal_text), ORDINAL_LABELS[1])()
        if interval == 1:
            text = _("Every month on the %(ordinal)s %(weekday)s at %(time)s (%(zone)s) until %(until)s")
        else:
            text = _("Every %(interval)s months on the %(ordinal)s %(weekday)s at %(time)s (%(zone)s) until %(until)s")
        return text % {
            "ordinal": ordinal,
            "weekday": weekday,
            "time": at,
            "zone": time_zone,
            "until": until_label,
            "interval": interval,
        }
    if interval == 1:
        text = _("Every week on %(weekday)s at %(time)s (%(zone)s) until %(until)s")
    else:
        text = _("Every %(interval)s weeks on %(weekday)s at %(time)s (%(zone)s) until %(until)s")
    return text % {"weekday": weekday, "time": at, "zone": time_zone, "until": until_label, "interval": interval}
