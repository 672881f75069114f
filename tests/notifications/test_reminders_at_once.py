"""Issue 15: one dispatcher pass claims every due reminder (not 5,511 of 10,000), each sent once."""

from collections import Counter
from datetime import timedelta

from django.contrib.auth.hashers import UNUSABLE_PASSWORD_PREFIX
from django.core import mail
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communities.models import Membership
from meetings import reminders
from meetings.models import Registration, Reminder
from members.models import OutboxMessage, User
from tests.notifications.conftest import future_meeting

DUE = 500


def _due_reminders(community, count: int):
    """Create count people registered for one meeting, each with a reminder due a minute ago (bulk, like a seed)."""
    now = timezone.now()
    meeting = future_meeting(community, days=0, start=now.replace(microsecond=0) + timedelta(minutes=59))
    users = User.objects.bulk_create(
        User(email=f"due-{index}@example.org", full_name=f"Due {index}", password=UNUSABLE_PASSWORD_PREFIX)
        for index in range(count)
    )
    Membership.objects.bulk_create(
        Membership(user=user, community=community, status=Membership.Status.ACTIVE) for user in users
    )
    registrations = Registration.objects.bulk_create(Registration(meeting=meeting, user=user) for user in users)
    Reminder.objects.bulk_create(
        Reminder(
            meeting=meeting, registration=registration, offset_minutes=60, due_at=meeting.start - timedelta(hours=1)
        )
        for registration in registrations
    )
    return meeting, now


def test_one_pass_claims_every_due_reminder_and_each_is_sent_once(community, run_on_commit):
    meeting, now = _due_reminders(community, DUE)
    mail.outbox.clear()

    assert run_on_commit(reminders.reminders_dispatch, now=now) == DUE

    assert Counter(Reminder.objects.filter(meeting=meeting).values_list("status", flat=True)) == {
        Reminder.Status.SENT: DUE
    }
    recipients = Counter(address for message in mail.outbox for address in message.to)
    assert len(recipients) == DUE and set(recipients.values()) == {1}
    assert run_on_commit(reminders.reminders_dispatch, now=now + timedelta(minutes=1)) == 0
    assert len(mail.outbox) == DUE, "a second pass sends nothing again"


def test_claiming_takes_a_constant_number_of_statements_whatever_is_due(community, django_capture_on_commit_callbacks):
    """Claiming 500 rows costs what claiming 5 does: a SELECT, an UPDATE per outcome, one INSERT of send tasks."""
    _meeting, now = _due_reminders(community, DUE)
    with django_capture_on_commit_callbacks(execute=False), CaptureQueriesContext(connection) as captured:
        assert reminders.reminders_dispatch(now=now) == DUE
    assert len(captured) <= 8, [query["sql"][:120] for query in captured]
    # One send task per chunk of SEND_CHUNK reminders, written in one INSERT.
    assert OutboxMessage.objects.filter(task_name="meetings.send_reminders").count() == DUE // reminders.SEND_CHUNK
