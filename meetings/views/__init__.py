"""Pages of a community's meetings: lists, calendar, the meeting page, registration and organiser tools.

Every lookup goes through Meeting.objects.visible_to(user) (or manageable_by) inside
request.community: a meeting the visitor may not see answers 404 (or the sign-in page
to an anonymous visitor), exactly like a missing one. A visible meeting that the
visitor may not organise sends them back to its page with a message.
"""

from __future__ import annotations

from .actions import action_register, action_status
from .applications import application_review, applications, applications_decide, applications_setup
from .applying import application_confirm, application_withdraw, apply, my_application
from .bulk import bulk
from .certificates import certificate_download, certificate_verify, certificates_manage
from .closing import attendance, meeting_close
from .coorganisers import coorganiser_add, coorganiser_remove, coorganisers
from .detail import meeting_detail, meeting_ics
from .feeds import community_feed, feed_manage, personal_feed
from .lists import PAGE_SIZE, meeting_calendar, meeting_list
from .meeting_agenda import agenda, agenda_item_delete, agenda_item_edit, agenda_item_move
from .organiser_registrations import (
    registration_approve,
    registration_decline,
    registrations,
    registrations_csv,
    registrations_xlsx,
)
from .registering import my_answers, register, unregister
from .registration_forms import form_builder, form_builtin, question_delete, question_edit, question_move
from .scheduling import meeting_cancel, meeting_create, meeting_duplicate, meeting_edit, series_create, series_detail
from .series_following import occurrence_skip, occurrence_unskip, series_extend, series_follow, series_leave

__all__ = [
    "application_confirm",
    "application_review",
    "application_withdraw",
    "applications",
    "applications_decide",
    "applications_setup",
    "apply",
    "my_application",
    "PAGE_SIZE",
    "action_register",
    "action_status",
    "certificate_download",
    "certificate_verify",
    "certificates_manage",
    "agenda",
    "agenda_item_delete",
    "agenda_item_edit",
    "agenda_item_move",
    "attendance",
    "bulk",
    "community_feed",
    "coorganiser_add",
    "coorganiser_remove",
    "coorganisers",
    "feed_manage",
    "form_builder",
    "form_builtin",
    "my_answers",
    "question_delete",
    "question_edit",
    "question_move",
    "registrations_xlsx",
    "meeting_calendar",
    "meeting_cancel",
    "meeting_close",
    "meeting_create",
    "meeting_detail",
    "meeting_duplicate",
    "meeting_edit",
    "meeting_ics",
    "meeting_list",
    "occurrence_skip",
    "occurrence_unskip",
    "personal_feed",
    "register",
    "registration_approve",
    "registration_decline",
    "registrations",
    "registrations_csv",
    "series_create",
    "series_detail",
    "series_extend",
    "series_follow",
    "series_leave",
    "unregister",
]
