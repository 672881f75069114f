"""Meetings of a community: schedule, agenda, registrations, outcomes and calendar feeds.

Times are stored in UTC; each meeting keeps its own IANA time zone so pages, emails
and calendar files can show it in the zone it was planned in.

One module per area: meetings (meetings, their series, themes, audiences and agenda),
registrations, outcomes (minutes and action items), certificates (of attendance), feeds (calendar feed tokens) and
reminders. Every model is imported here, so Django finds it and its app_label stays
"meetings".
registrations, outcomes (minutes and action items), feeds (calendar feed tokens),
reminders and applications (criteria, reviews, quotas). Every model is imported here,
so Django finds it and its app_label stays "meetings".
"""

# In the order the single module defined them, so the app registry lists them as before.
# isort: off
from .meetings import UID_DOMAIN, AgendaItem, Audience, Meeting, MeetingSeries, ThemedMeeting, new_uid
from .registrations import Registration
from .outcomes import ActionItem, MeetingOutcome
from .feeds import CalendarFeedToken, hash_feed_token
from .reminders import Reminder
from .questions import Answer, Question
from .following import MeetingInvitation, SeriesFollow, SeriesSkip
from .certificates import Certificate
from .applications import Application, ApplicationReview, ApplicationScore, ApplicationSetup, Criterion, Quota
from .translations import AgendaItemTranslation, MeetingTranslation
# isort: on

__all__ = [
    "AgendaItemTranslation",
    "MeetingTranslation",
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
    "Question",
    "Answer",
    "SeriesFollow",
    "SeriesSkip",
    "MeetingInvitation",
    "Certificate",
    "Application",
    "ApplicationSetup",
    "Criterion",
    "Quota",
    "ApplicationReview",
    "ApplicationScore",
]
