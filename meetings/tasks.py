"""Meeting notifications and the periodic closing reminder: thin tasks that take ids and re-check state."""

from __future__ import annotations

from smtplib import SMTPException

from celery import shared_task

RETRY = {"autoretry_for": (SMTPException, ConnectionError), "retry_backoff": True, "max_retries": 5}


@shared_task(name="meetings.notify_registration", **RETRY)
def notify_registration(registration_id: int, event: str) -> bool:
    """Tell a person about their registration; skipped when its status has changed since."""
    from .notifications import send_registration_notice

    return send_registration_notice(registration_id=registration_id, event=event)


@shared_task(name="meetings.notify_meeting_cancelled", **RETRY)
def notify_meeting_cancelled(meeting_id: int) -> int:
    """Tell the people registered for a cancelled meeting, with a METHOD:CANCEL invitation."""
    from .notifications import send_cancellation_notices

    return send_cancellation_notices(meeting_id=meeting_id)


@shared_task(name="meetings.notify_meeting_updated", **RETRY)
def notify_meeting_updated(meeting_id: int, sequence: int) -> int:
    """Send registered people the new time or place, with an updated METHOD:REQUEST invitation."""
    from .notifications import send_update_notices

    return send_update_notices(meeting_id=meeting_id, sequence=sequence)


@shared_task(name="meetings.send_closing_reminder", **RETRY)
def send_closing_reminder(meeting_id: int) -> int:
    from .notifications import send_closing_reminder as send

    return send(meeting_id=meeting_id)


@shared_task(name="meetings.remind_unclosed_meetings")
def remind_unclosed_meetings() -> int:
    """Find meetings not closed within 3 days of their end and remind their organisers (periodic, idempotent)."""
    from .services import meetings_needing_closing_reminder

    ids = list(meetings_needing_closing_reminder().values_list("pk", flat=True))
    for meeting_id in ids:
        send_closing_reminder.delay(meeting_id)
    return len(ids)
