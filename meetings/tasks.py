"""Meeting notifications and the periodic closing reminder: thin tasks that take ids and re-check state."""

from __future__ import annotations

import logging

from celery import shared_task

from members.notifications import MAIL_RETRY as RETRY

logger = logging.getLogger(__name__)


@shared_task(name="meetings.notify_registration", **RETRY)
def notify_registration(registration_id: int, event: str) -> bool:
    """Tell a person about their registration; skipped when its status has changed since."""
    from .notifications import send_registration_notice

    return send_registration_notice(registration_id=registration_id, event=event)


@shared_task(name="meetings.notify_series_followed", **RETRY)
def notify_series_followed(follow_id: int, stamp: int) -> bool:
    """Tell a person who followed a series which dates they are registered for; dropped once they left it."""
    from .series_emails import send_series_followed

    return send_series_followed(follow_id=follow_id, stamp=stamp)


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


@shared_task(name="meetings.send_reminders", bind=True, **RETRY)
def send_reminders(self, reminder_ids: list[int], prepared: bool = False) -> int:
    """Send a chunk of claimed reminders (the dispatcher's unit); a retry skips those already sent.

    A chunk claimed ahead of its due moment is rendered now and published again for that moment
    (prepared=True, a Celery eta: the worker holds it without a process). Where that cannot be (eager,
    or the broker refuses it) the task waits for the moment here. A lost eta message delays the
    chunk (its rows are claimed again after STALE_CLAIM), it never loses it.
    """
    from members.outbox import _broker_errors

    from .reminder_sending import reminders_prepare, reminders_send, wait_until

    if not prepared:
        due = reminders_prepare(reminder_ids=reminder_ids)
        if due is not None:
            if not self.request.is_eager:
                try:
                    send_reminders.apply_async((reminder_ids, True), eta=due, retry=False, ignore_result=True)
                except _broker_errors() as error:
                    logger.warning("Reminders %s: no eta on the broker (%s), waiting here", reminder_ids[:1], error)
                else:
                    return 0
            wait_until(due)
    return reminders_send(reminder_ids=reminder_ids)


@shared_task(name="meetings.notify_meeting_invitation", **RETRY)
def notify_meeting_invitation(invitation_id: int) -> bool:
    """Send one bulk invitation to a meeting, in the person's language; sent once whatever the retries."""
    from .invitation_emails import send_meeting_invitation

    return send_meeting_invitation(invitation_id=invitation_id)


# --- Follow-up (minutes, action items, certificates): meetings/follow_up_notifications.py ------------


@shared_task(name="meetings.send_minutes", **RETRY)
def send_minutes(meeting_id: int, mail_round: int) -> int:
    """Email one round of a meeting's published minutes (a superseded round sends nothing)."""
    from .follow_up_notifications import send_minutes as send

    return send(meeting_id=meeting_id, mail_round=mail_round)


@shared_task(name="meetings.send_action_notice", **RETRY)
def send_action_notice(item_id: int, event: str, owner_id: int, due_date: str) -> bool:
    """Tell an action's owner it was assigned to them (or is due soon, or overdue), unless it changed since."""
    from .follow_up_notifications import send_action_notice as send

    return send(item_id=item_id, event=event, owner_id=owner_id, due_date=due_date)


@shared_task(name="meetings.send_action_notices", **RETRY)
def send_action_notices(notices: list[list]) -> int:
    """Send a chunk of claimed action reminders (item, event, owner, due date); a retry skips those sent."""
    from .follow_up_notifications import send_action_notice as send

    return sum(
        send(item_id=item_id, event=event, owner_id=owner_id, due_date=due_date)
        for item_id, event, owner_id, due_date in notices
    )


@shared_task(name="meetings.dispatch_action_reminders")
def dispatch_action_reminders() -> int:
    """Claim the action items due a reminder or an overdue notice and enqueue them (beat; each once)."""
    from .services import action_reminders_dispatch

    return action_reminders_dispatch()


@shared_task(name="meetings.send_certificate", **RETRY)
def send_certificate(certificate_id: int) -> bool:
    """Email one participant their certificate of attendance, as a PDF attachment."""
    from .certificates import send_certificate as send

    return send(certificate_id=certificate_id)


@shared_task(name="meetings.notify_application", **RETRY)
def notify_application(registration_id: int, event: str) -> bool:
    """Tell an applicant what became of their application, in their language; dropped when it changed since."""
    from .application_emails import send_application_notice

    return send_application_notice(registration_id=registration_id, event=event)


@shared_task(name="meetings.release_unconfirmed_applications")
def release_unconfirmed_applications() -> int:
    """Release the seats not confirmed by their date to the next people waiting (beat; safe to run twice at once)."""
    from .services import applications_release_unconfirmed

    return applications_release_unconfirmed()
