"""Issue 15: reminders are claimed and rendered ahead of their moment, sent at it, in one ledger batch, once."""

from datetime import timedelta
from smtplib import SMTPServerDisconnected
from unittest import mock

import pytest
from django.core import mail
from django.core.cache import cache
from django.core.mail.backends.locmem import EmailBackend
from django.db import connection
from django.test.utils import CaptureQueriesContext
from django.utils import timezone

from communities.services import membership_leave
from meetings import reminder_sending, reminders
from meetings.models import Meeting, Registration, Reminder
from members.models import EmailLedger, OutboxMessage
from tests.factories import UserFactory, make_member
from tests.notifications.conftest import future_meeting


@pytest.fixture(autouse=True)
def _clean_cache():
    cache.clear()
    yield
    cache.clear()


def _claimed(community, people, *, due_in=timedelta(seconds=60), title="Ahead"):
    """One meeting starting an hour after due_in from now, and a claimed 60-minute reminder per person."""
    due = (timezone.now() + due_in).replace(microsecond=0)
    meeting = future_meeting(community, start=due + timedelta(hours=1), title=title)
    rows = []
    for person in people:
        registration = Registration.objects.create(meeting=meeting, user=person)
        rows.append(
            Reminder.objects.create(
                meeting=meeting,
                registration=registration,
                offset_minutes=60,
                due_at=due,
                status=Reminder.Status.CLAIMED,
                claimed_at=timezone.now(),
            )
        )
    return meeting, rows


def _ids(rows):
    return [row.pk for row in rows]


def test_the_dispatcher_claims_ahead_in_chunks_sharing_one_moment(community, django_capture_on_commit_callbacks):
    people = [make_member(community) for _ in range(3)]
    now = timezone.now().replace(microsecond=0)
    first = future_meeting(community, start=now + timedelta(hours=1, seconds=30))
    second = future_meeting(community, start=now + timedelta(hours=1, seconds=90))
    later = future_meeting(community, start=now + timedelta(hours=1) + reminders.LOOKAHEAD + timedelta(minutes=1))
    for meeting in (first, second, later):
        for person in people:
            registration = Registration.objects.create(meeting=meeting, user=person)
            Reminder.objects.create(
                meeting=meeting, registration=registration, offset_minutes=60, due_at=meeting.start - timedelta(hours=1)
            )
    with mock.patch("meetings.tasks.send_reminders.apply_async"), django_capture_on_commit_callbacks():
        assert reminders.reminders_dispatch(now=now) == 6, "both within LOOKAHEAD, not the later one"
    chunks = [message.args[0] for message in OutboxMessage.objects.filter(task_name="meetings.send_reminders")]
    moments = [set(Reminder.objects.filter(pk__in=chunk).values_list("due_at", flat=True)) for chunk in chunks]
    assert sorted(len(chunk) for chunk in chunks) == [3, 3]
    assert all(len(moment) == 1 for moment in moments), "a chunk is one moment"


def test_a_chunk_claimed_ahead_is_rendered_then_sent_at_its_moment(community):
    people = [make_member(community) for _ in range(3)]
    _meeting, rows = _claimed(community, people, due_in=timedelta(seconds=2))
    due = rows[0].due_at

    assert reminder_sending.reminders_prepare(reminder_ids=_ids(rows)) == due
    assert mail.outbox == [], "nothing leaves before its moment"
    reminder_sending.wait_until(due)
    with mock.patch.object(reminder_sending, "build_message", side_effect=AssertionError("rendered again")):
        assert reminder_sending.reminders_send(reminder_ids=_ids(rows)) == 3
    assert sorted(m.to[0] for m in mail.outbox) == sorted(p.email for p in people)
    sent_at = EmailLedger.objects.filter(kind="reminder").values_list("sent_at", flat=True)
    assert all(moment >= due for moment in sent_at), "sent at the moment, not when it was claimed"
    assert "starts in 1\xa0hour." in mail.outbox[0].body, "worded for the moment it is sent"


def test_the_eager_task_waits_for_the_moment(community):
    from meetings.tasks import send_reminders

    people = [make_member(community) for _ in range(2)]
    _meeting, rows = _claimed(community, people, due_in=timedelta(seconds=2))
    assert send_reminders.apply(args=[_ids(rows)]).get() == 2
    sent_at = EmailLedger.objects.filter(kind="reminder").values_list("sent_at", flat=True)
    assert all(moment >= rows[0].due_at for moment in sent_at)


def test_a_worker_publishes_the_prepared_chunk_again_for_its_moment(community):
    from meetings.tasks import send_reminders

    _meeting, rows = _claimed(community, [make_member(community)], due_in=timedelta(seconds=60))
    with mock.patch.object(send_reminders, "apply_async") as publish:
        assert send_reminders.run(_ids(rows)) == 0  # run outside eager mode, as a worker does
    assert mail.outbox == []
    (call,) = publish.call_args_list
    assert call.args[0] == (_ids(rows), True) and call.kwargs["eta"] == rows[0].due_at
    assert cache.get(f"prepared-email:reminder:{rows[0].pk}:{rows[0].registration.user_id}") is not None


def test_a_stale_prepared_email_is_rendered_again(community):
    person = make_member(community)
    meeting, rows = _claimed(community, [person], title="Old title")
    reminder_sending.reminders_prepare(reminder_ids=_ids(rows))
    Meeting.objects.filter(pk=meeting.pk).update(title="New title", updated_at=timezone.now())
    assert reminder_sending.reminders_send(reminder_ids=_ids(rows)) == 1
    (message,) = mail.outbox
    assert "New title" in message.subject and "Old title" not in message.body


def test_who_may_receive_is_asked_again_at_the_moment(community):
    stayer, leaver = make_member(community), make_member(community)
    _meeting, rows = _claimed(community, [stayer, leaver])
    reminder_sending.reminders_prepare(reminder_ids=_ids(rows))
    membership_leave(user=leaver, community=community)
    assert reminder_sending.reminders_send(reminder_ids=_ids(rows)) == 1
    assert [m.to for m in mail.outbox] == [[stayer.email]]
    statuses = dict(Reminder.objects.filter(pk__in=_ids(rows)).values_list("registration__user", "status"))
    assert statuses == {stayer.pk: Reminder.Status.SENT, leaver.pk: Reminder.Status.CANCELLED}


def test_a_chunk_costs_constant_reads_and_one_statement_per_email(community):
    few = _claimed(community, [make_member(community) for _ in range(2)], title="Few")[1]
    many = _claimed(community, [make_member(community) for _ in range(12)], title="Many")[1]
    counts = []
    for rows in (few, many):
        with CaptureQueriesContext(connection) as captured:
            reminder_sending.reminders_send(reminder_ids=_ids(rows))
        counts.append(len([q for q in captured if "SAVEPOINT" not in q["sql"]]))  # BEGIN/COMMIT outside tests
        assert len([q for q in captured if "INSERT INTO" in q["sql"] and "members_emailledger" in q["sql"]]) == 1
    # The reads, the locks and the ledger INSERT are per chunk; each email adds one UPDATE (its outcome).
    assert counts[1] - counts[0] == 12 - 2, counts
    assert len(mail.outbox) == 14


def test_a_retried_chunk_sends_nothing_twice(community):
    people = [make_member(community) for _ in range(4)]
    _meeting, rows = _claimed(community, people)
    assert reminder_sending.reminders_send(reminder_ids=_ids(rows)) == 4
    Reminder.objects.filter(pk__in=_ids(rows)).update(status=Reminder.Status.CLAIMED)  # as if the task ran again
    reminder_sending.reminders_prepare(reminder_ids=_ids(rows))
    assert reminder_sending.reminders_send(reminder_ids=_ids(rows)) == 0
    assert len(mail.outbox) == 4
    assert EmailLedger.objects.filter(kind="reminder", status=EmailLedger.Status.SENT).count() == 4


def test_a_transient_smtp_error_records_what_went_out_and_the_retry_sends_the_rest(community):
    people = [make_member(community) for _ in range(4)]
    _meeting, rows = _claimed(community, people)
    real = EmailBackend.send_messages
    calls = {"count": 0}

    def flaky(self, messages):
        calls["count"] += 1
        if calls["count"] == 3:
            raise SMTPServerDisconnected("lost the server")
        return real(self, messages)

    with mock.patch.object(EmailBackend, "send_messages", flaky), pytest.raises(SMTPServerDisconnected):
        reminder_sending.reminders_send(reminder_ids=_ids(rows))
    assert len(mail.outbox) == 2
    assert EmailLedger.objects.filter(status=EmailLedger.Status.SENT).count() == 2
    assert set(Reminder.objects.filter(pk__in=_ids(rows)).values_list("status", flat=True)) == {
        Reminder.Status.CLAIMED
    }, "left for the retry"
    assert reminder_sending.reminders_send(reminder_ids=_ids(rows)) == 2, "the retry sends only the other two"
    assert sorted(address for m in mail.outbox for address in m.to) == sorted(p.email for p in people)
    assert set(Reminder.objects.filter(pk__in=_ids(rows)).values_list("status", flat=True)) == {Reminder.Status.SENT}


def test_reminders_turned_off_after_preparation_are_skipped(community):
    from members.notifications import notification_stream_off
    from members.tokens import STREAM_REMINDERS

    person, other = make_member(community), make_member(community, UserFactory())
    _meeting, rows = _claimed(community, [person, other])
    reminder_sending.reminders_prepare(reminder_ids=_ids(rows))
    notification_stream_off(user=person, stream=STREAM_REMINDERS)
    assert reminder_sending.reminders_send(reminder_ids=_ids(rows)) == 1
    assert [m.to for m in mail.outbox] == [[other.email]]
    assert EmailLedger.objects.get(user=person).status == EmailLedger.Status.SKIPPED


@pytest.mark.django_db(transaction=True)
def test_two_runs_of_one_chunk_at_once_send_each_email_once():
    import threading

    from django.db import connection as db_connection

    from tests.factories import CommunityFactory

    community = CommunityFactory()
    people = [make_member(community) for _ in range(6)]
    _meeting, rows = _claimed(community, people)
    barrier, errors, results = threading.Barrier(2), [], []

    def run():
        try:
            barrier.wait(timeout=10)
            results.append(reminder_sending.reminders_send(reminder_ids=_ids(rows)))
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            db_connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert not errors, errors
    assert sorted(results) == [0, 6] or sum(results) == 6, results
    assert sorted(address for m in mail.outbox for address in m.to) == sorted(p.email for p in people)
