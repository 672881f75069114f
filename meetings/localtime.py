"""Placing a wall-clock time typed by an organiser in a meeting's zone, and the years meetings may use.

- Meetings happen between EARLIEST_YEAR and LATEST_YEAR. Outside, a date is a typo (year 9999
  or year 1), and converting it between zones, or writing VTIMEZONE blocks around it,
  overflows Python's date range.
- A local time that does not exist (the hour skipped when the clocks go forward, e.g. 02:30
  on the last Sunday of March in Europe/Rome) is refused with a message naming the skipped times.
- A local time that happens twice (the hour repeated when the clocks go back, e.g. 02:30 on
  the last Sunday of October in Europe/Rome) is read as its FIRST occurrence (fold=0: still
  summer time, UTC+2 in Rome). This is documented on the forms' help texts as well.
"""

from __future__ import annotations

import zoneinfo
from datetime import UTC, date, datetime, timedelta, tzinfo

from django.core.exceptions import ValidationError
from django.utils import formats
from django.utils.translation import gettext_lazy as _

EARLIEST_YEAR = 2000
LATEST_YEAR = 2100
EARLIEST = datetime(EARLIEST_YEAR, 1, 1, tzinfo=UTC)
LATEST = datetime(LATEST_YEAR, 12, 31, 23, 59, tzinfo=UTC)

OUT_OF_RANGE = _("Choose a date between the years %(first)d and %(last)d.")


def out_of_range_error(code: str = "out_of_range") -> ValidationError:
    return ValidationError(OUT_OF_RANGE, code=code, params={"first": EARLIEST_YEAR, "last": LATEST_YEAR})


def year_in_range(value: date | datetime | None) -> bool:
    return value is None or EARLIEST_YEAR <= value.year <= LATEST_YEAR


def moment_in_range(value: datetime | None) -> bool:
    """Return whether an aware moment lies in the years meetings may use (None is fine)."""
    if value is None:
        return True
    try:
        return EARLIEST <= value.astimezone(UTC) <= LATEST
    except (OverflowError, ValueError):
        return False


def _offset(moment: datetime, zone: tzinfo) -> timedelta:
    return moment.astimezone(zone).utcoffset() or timedelta(0)


def _gap_bounds(naive: datetime, zone: tzinfo) -> tuple[datetime, datetime]:
    """Return the first skipped local time and the first one after the gap naive falls in."""
    before = naive.replace(tzinfo=zone, fold=0).utcoffset()
    after = naive.replace(tzinfo=zone, fold=1).utcoffset()
    low = (naive - max(before, after)).replace(tzinfo=UTC)  # still on the old clock
    high = (naive - min(before, after)).replace(tzinfo=UTC)  # already on the new clock
    old = _offset(low, zone)
    while high - low > timedelta(minutes=1):
        middle = low + (high - low) / 2
        if _offset(middle, zone) == old:
            low = middle
        else:
            high = middle
    change = high.replace(second=0, microsecond=0)
    return (change + old).replace(tzinfo=None), (change + _offset(change, zone)).replace(tzinfo=None)


def is_missing(naive: datetime, zone: tzinfo) -> bool:
    """Return whether naive never shows on the clocks of zone (skipped when they go forward)."""
    placed = naive.replace(tzinfo=zone)
    return placed.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != naive


def is_ambiguous(naive: datetime, zone: tzinfo) -> bool:
    """Return whether naive shows twice on the clocks of zone (repeated when they go back)."""
    return naive.replace(tzinfo=zone, fold=0).utcoffset() != naive.replace(tzinfo=zone, fold=1).utcoffset()


def missing_time_error(naive: datetime, zone: tzinfo) -> ValidationError:
    first, after = _gap_bounds(naive, zone)
    return ValidationError(
        _(
            "On %(day)s the clocks go forward in %(zone)s: times from %(first)s to %(last)s do not exist "
            "that day. Choose another time."
        ),
        code="missing_local_time",
        params={
            "day": formats.date_format(naive.date(), "DATE_FORMAT"),
            "zone": getattr(zone, "key", str(zone)),
            "first": formats.time_format(first, "H:i"),
            "last": formats.time_format(after - timedelta(minutes=1), "H:i"),
        },
    )


def place(naive: datetime | None, zone_name: str) -> datetime | None:
    """Return naive wall-clock time placed in zone_name, in UTC, or raise a ValidationError saying why not.

    A time repeated when the clocks go back is read as its first occurrence (fold=0).
    """
    if naive is None:
        return None
    if not year_in_range(naive):
        raise out_of_range_error()
    zone = zoneinfo.ZoneInfo(zone_name)
    naive = naive.replace(tzinfo=None, fold=0)
    if is_missing(naive, zone):
        raise missing_time_error(naive, zone)
    return naive.replace(tzinfo=zone).astimezone(UTC)
