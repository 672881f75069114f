"""Meeting notifications and the periodic closing reminder: thin tasks that take ids and re-check state."""

from __future__ import annotations

from celery import shared_task

from members.notifications import MAIL_RETRY as RETRY


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


@shared_task(name="meetings.dispatch_reminders")
def dispatch_reminders() -> int:
    """Claim the reminders due now and enqueue their sends (beat, every minute; safe to run twice at once)."""
    from .reminders import reminders_dispatch

    return reminders_dispatch()


@shared_task(name="meetings.send_reminder", **RETRY)
def send_reminder(reminder_id: int) -> int:
    """Send one claimed reminder, unless the meeting, the registration or the person changed since."""
    from .reminders import reminder_send

    return reminder_send(reminder_id=reminder_id)


@shared_task(name="meetings.send_reminders", **RETRY)
def send_reminders(reminder_ids: list[int]) -> int:
    """Send a chunk of claimed reminders (the dispatcher's unit); a retry skips those already sent."""
    from .reminders import reminder_send

    return sum(reminder_send(reminder_id=pk) for pk in reminder_ids)
