"""Pages of a community's meetings: lists, calendar, the meeting page, registration and organiser tools.

Every lookup goes through Meeting.objects.visible_to(user) (or manageable_by) inside
request.community: a meeting the visitor may not see answers 404 (or the sign-in page
to an anonymous visitor), exactly like a missing one. A visible meeting that the
visitor may not organise sends them back to its page with a message.
"""

from __future__ import annotations

from .closing import attendance, meeting_close
from .coorganisers import coorganiser_add, coorganiser_remove, coorganisers
from .detail import meeting_detail, meeting_ics
from .feeds import community_feed, feed_manage, personal_feed
from .lists import PAGE_SIZE, meeting_calendar, meeting_list
from .meeting_agenda import agenda, agenda_item_delete, agenda_item_edit, agenda_item_move
from .organiser_registrations import registration_approve, registration_decline, registrations, registrations_csv
from .registering import register, unregister
from .scheduling import meeting_cancel, meeting_create, meeting_duplicate, meeting_edit, series_create, series_detail

__all__ = [
    "PAGE_SIZE",
    "agenda",
    "agenda_item_delete",
    "agenda_item_edit",
    "agenda_item_move",
    "attendance",
    "community_feed",
    "coorganiser_add",
    "coorganiser_remove",
    "coorganisers",
    "feed_manage",
    "meeting_calendar",
    "meeting_cancel",
    "meeting_close",
    "meeting_create",
    "meeting_detail",
    "meeting_duplicate",
    "meeting_edit",
    "meeting_ics",
    "meeting_list",
    "personal_feed",
    "register",
    "registration_approve",
    "registration_decline",
    "registrations",
    "registrations_csv",
    "series_create",
    "series_detail",
    "unregister",
]
