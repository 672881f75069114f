"""Issue 14, item 12: a meeting moved after its day-before reminder went out gets a fresh one.

Reminders were one row per (registration, offset): once the day-before row was sent, moving
the meeting a week later left nothing to send for the new date. They are now planned per
(registration, offset, start): the sent row stays as history, a new one is due before the new start.
"""

from datetime import timedelta

import pytest
from django.core import mail
from django.utils import timezone

from communities.models import Membership
from meetings import services
from meetings.models import Reminder
from meetings.reminders import reminder_send, reminders_dispatch, reminders_sync_meeting
from tests.factories import CommunityFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory

pytestmark = pytest.mark.django_db


@pytest.fixture
def cop(db):
    return CommunityFactory(slug="moved-cop", name="Moved CoP")


@pytest.fixture
def organiser(cop):
    return make_member(cop, UserFactory(full_name="Olga Organiser"), role=Membership.Role.COORDINATOR)


@pytest.fixture
def run(django_capture_on_commit_callbacks):
    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


def _day_before(registration):
    return list(Reminder.objects.filter(registration=registration, offset_minutes=1440).order_by("due_at"))


def _meeting_in(cop, days):
    start = (timezone.now() + timedelta(days=days)).replace(second=0, microsecond=0)
    return MeetingFactory(community=cop, start=start, end=start + timedelta(hours=1))


def _move(run, meeting, organiser, by):
    run(services.meeting_update, meeting=meeting, by=organiser, start=meeting.start + by, end=meeting.end + by)
    meeting.refresh_from_db()
    mail.outbox.clear()  # the change notice


def test_a_meeting_moved_after_its_day_before_reminder_gets_one_for_the_new_date(cop, organiser, run):
    person = make_member(cop)
    meeting = _meeting_in(cop, days=3)
    registration = run(services.registration_create, meeting=meeting, user=person)
    mail.outbox.clear()
    first_due = meeting.start - timedelta(days=1)
    assert run(reminders_dispatch, now=first_due) == 1
    assert len(mail.outbox) == 1

    _move(run, meeting, organiser, timedelta(days=7))

    sent, fresh = _day_before(registration)
    assert sent.status == Reminder.Status.SENT and sent.due_at == first_due  # history, untouched
    assert fresh.status == Reminder.Status.PENDING and fresh.due_at == meeting.start - timedelta(days=1)
    mail.outbox.clear()
    assert run(reminders_dispatch, now=fresh.due_at) == 1
    assert len(mail.outbox) == 1 and person.email in mail.outbox[0].to


def test_a_retried_send_and_a_second_sync_send_nothing_twice(cop, organiser, run):
    person = make_member(cop)
    meeting = _meeting_in(cop, days=3)
    registration = run(services.registration_create, meeting=meeting, user=person)
    run(reminders_dispatch, now=meeting.start - timedelta(days=1))
    _move(run, meeting, organiser, timedelta(days=7))
    for _ in range(2):
        reminders_sync_meeting(meeting=meeting)  # a repeated recompute creates no second row
    assert len(_day_before(registration)) == 2

    fresh = _day_before(registration)[-1]
    run(reminders_dispatch, now=fresh.due_at)
    assert len(mail.outbox) == 1
    assert reminder_send(reminder_id=fresh.pk) == 0  # the task delivered twice by the broker
    assert run(reminders_dispatch, now=fresh.due_at + timedelta(minutes=30)) == 0
    assert len(mail.outbox) == 1


def test_moving_back_to_a_date_already_reminded_sends_nothing_more(cop, organiser, run):
    person = make_member(cop)
    meeting = _meeting_in(cop, days=3)
    registration = run(services.registration_create, meeting=meeting, user=person)
    first_due = meeting.start - timedelta(days=1)
    run(reminders_dispatch, now=first_due)
    mail.outbox.clear()
    _move(run, meeting, organiser, timedelta(days=7))
    _move(run, meeting, organiser, -timedelta(days=7))  # back where it was: that start was already announced

    rows = _day_before(registration)
    assert [row.status for row in rows] == [Reminder.Status.SENT, Reminder.Status.CANCELLED]
    assert run(reminders_dispatch, now=first_due + timedelta(minutes=1)) == 0
    assert mail.outbox == []


def test_an_unsent_reminder_still_follows_the_meeting_without_a_second_row(cop, organiser, run):
    person = make_member(cop)
    meeting = _meeting_in(cop, days=5)
    registration = run(services.registration_create, meeting=meeting, user=person)
    _move(run, meeting, organiser, timedelta(days=2))
    (row,) = _day_before(registration)
    assert row.status == Reminder.Status.PENDING and row.due_at == meeting.start - timedelta(days=1)
