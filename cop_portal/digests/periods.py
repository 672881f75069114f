"""The period a digest covers, ending at the person's local morning, and its ledger key."""

from __future__ import annotations

import zoneinfo
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta

from members.models import NotificationPreference

DIGEST_HOUR = 7
DAILY = NotificationPreference.DigestFrequency.DAILY
WEEKLY = NotificationPreference.DigestFrequency.WEEKLY


@dataclass(frozen=True)
class Period:
    """The span a digest covers: [start, end) in UTC, ending at the person's local morning."""

    frequency: str
    key: str
    start: datetime
    end: datetime


def _zone(name: str) -> zoneinfo.ZoneInfo:
    try:
        return zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return zoneinfo.ZoneInfo("UTC")


def period_for(*, frequency: str, time_zone: str, now: datetime) -> Period | None:
    """Return the period whose digest is due at now in time_zone, or None before the morning (or not Monday)."""
    zone = _zone(time_zone)
    local = now.astimezone(zone)
    morning = datetime.combine(local.date(), time(DIGEST_HOUR), tzinfo=zone)
    if local < morning:
        return None
    if frequency == DAILY:
        start = datetime.combine(local.date() - timedelta(days=1), time(DIGEST_HOUR), tzinfo=zone)
        key = f"day-{local.date().isoformat()}"
    elif frequency == WEEKLY and local.weekday() == 0:
        start = datetime.combine(local.date() - timedelta(days=7), time(DIGEST_HOUR), tzinfo=zone)
        year, week, _weekday = local.date().isocalendar()
        key = f"week-{year}-W{week:02d}"
    else:
        return None
    return Period(frequency=frequency, key=key, start=start.astimezone(UTC), end=morning.astimezone(UTC))


def digest_key(user_id: int, period: Period) -> str:
    return f"digest:{user_id}:{period.key}"
