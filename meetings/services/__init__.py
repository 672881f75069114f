"""Every write to meetings, series, agendas, registrations and outcomes goes through these functions.

Functions are keyword-only and idempotent: a double submit changes nothing. Bad input
raises django.core.exceptions.ValidationError with translatable messages keyed by the
field they concern, and nothing is saved. Notifications are enqueued on commit.
"""

from __future__ import annotations

from ._common import CO_ORGANISER_PERM, EDITABLE_FIELDS, SIGNIFICANT_FIELDS, RegistrationError
from .agenda import agenda_item_add, agenda_item_delete, agenda_item_move, agenda_item_update, agenda_reorder
from .attendance import (
    ActionItemData,
    attendance_mark,
    meeting_close,
    meetings_needing_closing_reminder,
    registration_attendance_set,
    walk_in_add,
)
from .feeds import calendar_feed_token_create, calendar_feed_token_revoke, calendar_feed_user
from .membership_ended import meetings_membership_ended
from .registrations import (
    registration_approve,
    registration_cancel,
    registration_change_status,
    registration_closed_reason,
    registration_create,
    registration_decline,
    registration_invite,
    registration_invite_by_email,
)
from .scheduling import (
    meeting_add_coorganiser,
    meeting_cancel,
    meeting_change_status,
    meeting_duplicate,
    meeting_mark_held,
    meeting_remove_coorganiser,
    meeting_schedule,
    meeting_update,
)
from .series import series_cancel_following, series_create

__all__ = [
    "ActionItemData",
    "CO_ORGANISER_PERM",
    "EDITABLE_FIELDS",
    "RegistrationError",
    "SIGNIFICANT_FIELDS",
    "agenda_item_add",
    "agenda_item_delete",
    "agenda_item_move",
    "agenda_item_update",
    "agenda_reorder",
    "attendance_mark",
    "calendar_feed_token_create",
    "calendar_feed_token_revoke",
    "calendar_feed_user",
    "meeting_add_coorganiser",
    "meeting_cancel",
    "meeting_change_status",
    "meeting_close",
    "meeting_duplicate",
    "meeting_mark_held",
    "meeting_remove_coorganiser",
    "meeting_schedule",
    "meeting_update",
    "meetings_membership_ended",
    "meetings_needing_closing_reminder",
    "registration_approve",
    "registration_attendance_set",
    "registration_cancel",
    "registration_change_status",
    "registration_closed_reason",
    "registration_create",
    "registration_decline",
    "registration_invite",
    "registration_invite_by_email",
    "series_cancel_following",
    "series_create",
    "walk_in_add",
]
