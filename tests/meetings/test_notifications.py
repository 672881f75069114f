"""Emails about meetings: confirmation with an invitation, waitlist, promotion, decisions, cancellation, reminders."""

from datetime import timedelta

import icalendar
import pytest
from django.conf import settings
from django.core import mail
from django.utils import timezone

from meetings import services, tasks
from meetings.models import Meeting
from meetings.notifications import send_registration_notice
from members.models import EmailLedger
from tests.factories import UserFactory, make_member
from tests.meetings.factories import MeetingFactory

JOIN = "https://meet.example.org/secret-room"


@pytest.fixture
def run_on_commit(django_capture_on_commit_callbacks):
    """Run the tasks enqueued on commit (Celery is eager in tests), as a real commit would."""

    def run(function, **kwargs):
        with django_capture_on_commit_callbacks(execute=True):
            return function(**kwargs)

    return run


def _calendar_part(message):
    for part in message.attachments:
        if hasattr(part, "get_content_type") and part.get_content_type() == "text/calendar":
            return part
    return None


def _ics(message) -> icalendar.Calendar:
    part = _calendar_part(message)
    assert part is not None, "no text/calendar attachment"
    return icalendar.Calendar.from_ical(part.get_payload(decode=True))


def test_confirmation_email_has_the_join_link_and_a_request_invitation(community, member, run_on_commit):
    meeting = MeetingFactory(community=community, online_url=JOIN, title="Technical board")
    run_on_commit(services.registration_create, meeting=meeting, user=member)
    (message,) = mail.outbox
    assert message.to == [member.email]
    assert "You are registered: Technical board" in message.subject
    assert JOIN in message.body
    assert JOIN in message.alternatives[0][0]
    part = _calendar_part(message)
    assert part.get_param("method") == "REQUEST"
    calendar = _ics(message)
    assert calendar["METHOD"] == "REQUEST"
    (event,) = calendar.walk("VEVENT")
    assert str(event["UID"]) == meeting.uid
    assert str(event["ORGANIZER"]).startswith("mailto:noreply@")
    assert JOIN in str(event["DESCRIPTION"])
    # Times in the person's zone (Tripoli) with Rome's beside them when they differ.
    assert "(Tripoli)" in message.body


def test_waitlisted_and_pending_people_get_no_join_link(community, run_on_commit):
    full = MeetingFactory(community=community, online_url=JOIN, capacity=1)
    run_on_commit(services.registration_create, meeting=full, user=make_member(community))
    mail.outbox.clear()
    waiting = make_member(community)
    run_on_commit(services.registration_create, meeting=full, user=waiting)
    approval = MeetingFactory(
        community=community, online_url=JOIN, registration_policy=Meeting.RegistrationPolicy.APPROVAL
    )
    run_on_commit(services.registration_create, meeting=approval, user=make_member(community))
    waitlisted, pending = mail.outbox
    assert "waitlist" in waitlisted.subject and "Request received" in pending.subject
    for message in (waitlisted, pending):
        assert JOIN not in message.body
        assert JOIN not in message.alternatives[0][0]
        assert _calendar_part(message) is None


def test_a_promoted_person_is_told_and_gets_the_join_link(community, run_on_commit):
    meeting = MeetingFactory(community=community, online_url=JOIN, capacity=1)
    holder, waiting = make_member(community), make_member(community)
    seat = run_on_commit(services.registration_create, meeting=meeting, user=holder)
    run_on_commit(services.registration_create, meeting=meeting, user=waiting)
    mail.outbox.clear()
    run_on_commit(services.registration_cancel, registration=seat, by=holder)
    (message,) = mail.outbox
    assert message.to == [waiting.email]
    assert "A seat is yours" in message.subject
    assert JOIN in message.body
    assert _ics(message)["METHOD"] == "REQUEST"


def test_approval_decisions_are_sent(community, coordinator, run_on_commit):
    meeting = MeetingFactory(community=community, registration_policy=Meeting.RegistrationPolicy.APPROVAL)
    accepted = run_on_commit(services.registration_create, meeting=meeting, user=make_member(community))
    refused = run_on_commit(services.registration_create, meeting=meeting, user=make_member(community))
    mail.outbox.clear()
    run_on_commit(services.registration_approve, registration=accepted, by=coordinator)
    run_on_commit(services.registration_decline, registration=refused, by=coordinator)
    approved, declined = mail.outbox
    assert "approved" in approved.subject and approved.to == [accepted.user.email]
    assert "declined" in declined.subject and declined.to == [refused.user.email]
    assert _calendar_part(declined) is None


def test_cancellation_sends_method_cancel_with_the_same_uid_once(community, coordinator, run_on_commit):
    meeting = MeetingFactory(community=community, online_url=JOIN)
    people = [make_member(community) for _ in range(2)]
    for person in people:
        run_on_commit(services.registration_create, meeting=meeting, user=person)
    mail.outbox.clear()
    run_on_commit(services.meeting_cancel, meeting=meeting, by=coordinator)
    run_on_commit(services.meeting_cancel, meeting=meeting, by=coordinator)
    tasks.notify_meeting_cancelled.delay(meeting.pk)  # a duplicated task sends nothing more
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    for message in mail.outbox:
        assert message.subject.endswith(f"Cancelled: {meeting.title}")
        calendar = _ics(message)
        assert calendar["METHOD"] == "CANCEL"
        (event,) = calendar.walk("VEVENT")
        assert str(event["UID"]) == meeting.uid
        assert event["STATUS"] == "CANCELLED"
        assert JOIN not in message.body


def test_a_retried_notice_is_sent_once_and_a_stale_one_not_at_all(community, member, run_on_commit):
    meeting = MeetingFactory(community=community)
    registration = run_on_commit(services.registration_create, meeting=meeting, user=member)
    assert len(mail.outbox) == 1
    assert send_registration_notice(registration_id=registration.pk, event="registered") is False
    assert len(mail.outbox) == 1
    assert EmailLedger.objects.filter(status=EmailLedger.Status.SENT).count() == 1
    services.registration_cancel(registration=registration)
    # The person cancelled since: a late "registered" notice is dropped.
    EmailLedger.objects.all().delete()
    assert send_registration_notice(registration_id=registration.pk, event="registered") is False


def test_emails_are_written_in_the_recipients_language(community, run_on_commit):
    italian = make_member(community, UserFactory(language="it", time_zone="Europe/Rome"))
    meeting = MeetingFactory(community=community)
    run_on_commit(services.registration_create, meeting=meeting, user=italian)
    (message,) = mail.outbox
    assert message.extra_headers["Content-Language"] == "it"


def _ended(community, days_ago, **kwargs):
    end = timezone.now() - timedelta(days=days_ago)
    return MeetingFactory(community=community, start=end - timedelta(hours=2), end=end, **kwargs)


def test_meetings_not_closed_within_three_days_remind_their_organisers_once(community, coordinator, facilitator):
    overdue = _ended(community, 4, created_by=facilitator, title="Overdue board")
    _ended(community, 1, created_by=facilitator)  # not yet three days
    _ended(community, 5, created_by=facilitator, status=Meeting.Status.HELD)  # closed
    _ended(community, 5, created_by=facilitator, status=Meeting.Status.CANCELLED)
    assert tasks.remind_unclosed_meetings.delay().get() == 1
    (message,) = mail.outbox
    assert message.to == [facilitator.email]
    assert "Overdue board" in message.subject
    assert f"/meetings/{overdue.pk}/close/" in message.body
    overdue.refresh_from_db()
    assert overdue.closing_reminder_sent_at is not None
    assert tasks.remind_unclosed_meetings.delay().get() == 0
    tasks.send_closing_reminder.delay(overdue.pk)
    assert len(mail.outbox) == 1


def test_without_a_creator_the_coordinators_are_reminded(community, coordinator):
    _ended(community, 4, created_by=None)
    tasks.remind_unclosed_meetings.delay()
    assert [m.to for m in mail.outbox] == [[coordinator.email]]


def test_the_reminder_runs_from_the_beat_schedule():
    entries = [entry["task"] for entry in settings.CELERY_BEAT_SCHEDULE.values()]
    assert "meetings.remind_unclosed_meetings" in entries


def test_a_change_of_time_sends_registered_people_the_new_revision_but_a_typo_does_not(
    community, coordinator, run_on_commit
):
    meeting = MeetingFactory(community=community, online_url=JOIN)
    registered = make_member(community)
    run_on_commit(services.registration_create, meeting=meeting, user=registered)
    mail.outbox.clear()
    run_on_commit(services.meeting_update, meeting=meeting, by=coordinator, description="Fixed a typo")
    assert mail.outbox == []
    run_on_commit(
        services.meeting_update,
        meeting=meeting,
        by=coordinator,
        start=meeting.start + timedelta(hours=2),
        end=meeting.end + timedelta(hours=2),
    )
    (message,) = mail.outbox
    assert message.to == [registered.email] and message.subject.endswith(f"Changed: {meeting.title}")
    (event,) = _ics(message).walk("VEVENT")
    assert str(event["UID"]) == meeting.uid and event["SEQUENCE"] == 1
    assert event.decoded("DTSTART") == meeting.start + timedelta(hours=2)
    tasks.notify_meeting_updated.delay(meeting.pk, 1)  # a duplicate sends nothing more
    tasks.notify_meeting_updated.delay(meeting.pk, 0)  # nor does a stale revision
    assert len(mail.outbox) == 1
