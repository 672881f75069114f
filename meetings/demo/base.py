"""What every demo meeting is made of (Demo) and the dates the demo data places them on."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta

from django.utils import timezone

from ..models import Meeting

K = Meeting.Kind
F = Meeting.Format
ZOOM = "https://meet.example.org/{}"


@dataclass
class Demo:
    key: str  # the stable part of the UID
    community: str
    title: str
    kind: str
    format: str
    start: datetime  # local, naive: placed in time_zone
    hours: float
    time_zone: str = "Europe/Rome"
    group: str | None = None
    description: str = ""
    venue: str = ""
    city: str = ""
    country: str = ""
    host: str | None = None  # organisation name
    audience: list[str] = field(default_factory=list)
    themes: list[str] = field(default_factory=list)
    capacity: int | None = None
    online_capacity: int | None = None  # hybrid meetings asking the attendance mode: the online seats
    policy: str = Meeting.RegistrationPolicy.OPEN
    visibility: str = Meeting.Visibility.MEMBERS
    organiser: str | None = None  # email of the demo account that scheduled it
    minutes: str = ""
    decisions: str = ""
    agenda: list[tuple[str, str]] = field(default_factory=list)  # (HH:MM local, title)
    attendees: list[str] = field(default_factory=list)  # emails of demo accounts who registered (and came)


def _upcoming(days: int, hour: int, minute: int = 0) -> datetime:
    """Return a naive local date-time `days` from today, for demo meetings that must lie ahead."""
    return datetime.combine(timezone.localdate() + timedelta(days=days), time(hour, minute))


def _first_weekday_of_next_month(weekday: int) -> date:
    today = timezone.localdate()
    first = (today.replace(day=1) + timedelta(days=32)).replace(day=1)
    return first + timedelta(days=(weekday - first.weekday()) % 7)
