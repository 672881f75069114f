"""Meetings of a community: schedule, agenda, registrations, outcomes and calendar feeds.

Times are stored in UTC; each meeting keeps its own IANA time zone so pages, emails
and calendar files can show it in the zone it was planned in.
"""

from .meetings import (
    UID_DOMAIN,
    ActionItem,
    AgendaItem,
    Audience,
    CalendarFeedToken,
    Meeting,
    MeetingOutcome,
    MeetingSeries,
    Registration,
    Reminder,
    ThemedMeeting,
    hash_feed_token,
    new_uid,
)

__all__ = [
    "UID_DOMAIN",
    "new_uid",
    "Audience",
    "ThemedMeeting",
    "MeetingSeries",
    "Meeting",
    "AgendaItem",
    "Registration",
    "MeetingOutcome",
    "ActionItem",
    "hash_feed_token",
    "CalendarFeedToken",
    "Reminder",
]
