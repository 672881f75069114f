"""The email ledger and the one sender: once per key, SMTP failures retried or recorded, every email complete.

Only the SMTP server is faked (smtplib.SMTP inside Django's SMTP backend): the portal's code,
the Celery tasks (eager, with retries) and the database are real.
"""

import smtplib
import threading
from contextlib import contextmanager
from datetime import timedelta
from unittest import mock

import pytest
from django.core import mail
from django.db import connection
from django.test import override_settings

from communities.models import Community, Membership
from communities.services import invitation_create, membership_approve, membership_request
from cop_portal.celery import app as celery_app
from knowledge.models import KnowledgeItem
from knowledge.services import answer_create, item_create
from meetings import services as meeting_services
from meetings import tasks as meeting_tasks
from meetings.models import Reminder
from meetings.reminders import reminders_dispatch
from members.models import EmailLedger
from members.notifications import MAX_ATTEMPTS, notification_preferences_update, send_templated_email
from tests.conftest import require_service
from tests.factories import CommunityFactory, UserFactory, make_member
from tests.notifications.conftest import future_meeting, html_part, parsed

SMTP_BACKEND = {"EMAIL_BACKEND": "django.core.mail.backends.smtp.EmailBackend", "EMAIL_HOST": "smtp.example.org"}


class FakeSMTPServer:
    """The SMTP server outside: refuses the first `failures` messages with `code`, then accepts."""

    def __init__(self, failures: int, code: int = 421, refuse_recipients: bool = False):
        self.failures = failures
        self.code = code
        self.refuse_recipients = refuse_recipients
        self.attempts = 0
        self.delivered: list[bytes] = []

    def connect(self, host, port, **kwargs):
        server = self

        class Connection:
            def ehlo(self, *args):
                return 250, b"ok"

            def starttls(self, *args, **kwargs):
                return 220, b"ok"

            def login(self, *args):
                return 235, b"ok"

            def sendmail(self, from_addr, to_addrs, msg, *args, **kwargs):
                server.attempts += 1
                if server.attempts <= server.failures:
                    if server.refuse_recipients:
                        raise smtplib.SMTPRecipientsRefused(dict.fromkeys(to_addrs, (server.code, b"no such user")))
                    raise smtplib.SMTPResponseException(server.code, b"try again later")
                server.delivered.append(msg)
                return {}

            def quit(self):
                return 221, b"bye"

            def close(self):
                pass

        return Connection()


@contextmanager
def fake_smtp(failures: int, **kwargs):
    """Send through Django's SMTP backend to a fake server failing as told; Celery retries at once (eager)."""
    server = FakeSMTPServer(failures, **kwargs)
    propagates = celery_app.conf.task_eager_propagates
    celery_app.conf.task_eager_propagates = False
    try:
        with (
            override_settings(**SMTP_BACKEND),
            mock.patch(
                "django.core.mail.backends.smtp.EmailBackend.connection_class",
                property(lambda _backend: server.connect),
            ),
        ):
            yield server
    finally:
        celery_app.conf.task_eager_propagates = propagates


def _due_reminder(community, run_on_commit):
    meeting = future_meeting(community, title="Technical board")
    person = make_member(community)
    run_on_commit(meeting_services.registration_create, meeting=meeting, user=person)
    mail.outbox.clear()
    EmailLedger.objects.all().delete()  # the confirmation went through the locmem backend; start clean
    return meeting, person


def test_an_smtp_server_that_fails_three_times_then_accepts_delivers_one_message(community, run_on_commit):
    meeting, person = _due_reminder(community, run_on_commit)

    with fake_smtp(failures=3) as server:
        run_on_commit(reminders_dispatch, now=meeting.start - timedelta(days=1))

    assert server.attempts == 4
    assert len(server.delivered) == 1
    row = EmailLedger.objects.get(kind="reminder")
    assert row.status == EmailLedger.Status.SENT and row.attempts == 4 and row.user == person
    assert Reminder.objects.get(registration__user=person, offset_minutes=1440).status == Reminder.Status.SENT


def test_an_smtp_server_that_always_fails_marks_the_ledger_row_failed(community, run_on_commit):
    meeting, person = _due_reminder(community, run_on_commit)

    with fake_smtp(failures=1000) as server:
        run_on_commit(reminders_dispatch, now=meeting.start - timedelta(days=1))

    assert server.delivered == []
    assert server.attempts == MAX_ATTEMPTS == 6, "the first try and five retries, no more"
    row = EmailLedger.objects.get(kind="reminder")
    assert row.status == EmailLedger.Status.FAILED
    assert row.attempts == MAX_ATTEMPTS
    assert "421" in row.last_error
    assert row.community_id == community.pk, "it shows in the coordinators' delivery log"
    with fake_smtp(failures=0) as again:
        meeting_tasks.send_reminder.delay(Reminder.objects.get(registration__user=person, offset_minutes=1440).pk)
    assert again.attempts == 0, "a failed row is not tried again by a duplicate task"


@pytest.mark.parametrize("refuse_recipients", [False, True], ids=["550 answer", "recipient refused"])
def test_a_permanent_refusal_is_recorded_at_once_without_retries(community, run_on_commit, refuse_recipients):
    meeting, _person = _due_reminder(community, run_on_commit)

    with fake_smtp(failures=1000, code=550, refuse_recipients=refuse_recipients) as server:
        run_on_commit(reminders_dispatch, now=meeting.start - timedelta(days=1))

    assert server.attempts == 1
    row = EmailLedger.objects.get(kind="reminder")
    assert row.status == EmailLedger.Status.FAILED and row.attempts == 1 and "550" in row.last_error


def test_every_mail_task_retries_with_bounded_exponential_backoff_and_jitter():
    from communities import tasks as community_tasks
    from cop_portal import digests
    from knowledge import tasks as knowledge_tasks

    sending = [
        meeting_tasks.send_reminder,
        meeting_tasks.notify_registration,
        meeting_tasks.notify_meeting_cancelled,
        meeting_tasks.notify_meeting_updated,
        meeting_tasks.send_closing_reminder,
        community_tasks.notify_decision,
        community_tasks.send_invitation,
        knowledge_tasks.notify_answer_created,
        digests.send_digest,
    ]
    for task in sending:
        assert smtplib.SMTPException in task.autoretry_for, task.name
        assert task.retry_backoff is True and task.retry_backoff_max == 600, task.name
        assert task.retry_jitter is True and task.max_retries == 5, task.name


def test_the_same_key_sends_once_and_a_new_key_sends_again(community):
    person = make_member(community)
    kwargs = {
        "to_email": person.email,
        "user": person,
        "template_prefix": "communities/emails/role_changed",
        "context": {"recipient": person, "community": community, "membership": Membership(community=community)},
        "language": "en",
    }
    assert send_templated_email(once_key="event:test:1:1", **kwargs) is True
    assert send_templated_email(once_key="event:test:1:1", **kwargs) is False
    assert send_templated_email(once_key="event:test:2:1", **kwargs) is True
    assert len(mail.outbox) == 2
    assert EmailLedger.objects.filter(status=EmailLedger.Status.SENT).count() == 2


@pytest.mark.django_db(transaction=True)
@override_settings(EMAIL_BACKEND="tests.notifications.mailbox.SlowLocmem")
def test_two_workers_sending_the_same_key_at_once_send_one_email():
    require_service(connection.vendor == "postgresql", "PostgreSQL (row locks)")
    community = CommunityFactory()
    person = make_member(community)
    results, errors = [], []
    barrier = threading.Barrier(2)

    def send():
        try:
            barrier.wait(timeout=10)
            results.append(
                send_templated_email(
                    to_email=person.email,
                    user=person,
                    template_prefix="communities/emails/role_changed",
                    context={"recipient": person, "community": community, "membership": Membership()},
                    language="en",
                    once_key="event:race:1",
                )
            )
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=send) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert not errors, errors
    assert sorted(results) == [False, True]
    assert len(mail.outbox) == 1


def test_a_stream_turned_off_is_skipped_on_the_ledger(community, django_capture_on_commit_callbacks):
    asker, helper = make_member(community), make_member(community)
    notification_preferences_update(
        user=asker, reminders_enabled=True, reminder_offsets=[60], digest_frequency="weekly", updates_enabled=False
    )
    question = item_create(
        community=community, by=asker, kind=KnowledgeItem.Kind.QUESTION, title="Who has a template?", publish=True
    )
    with django_capture_on_commit_callbacks(execute=True):
        answer_create(item=question, by=helper, body="Here is ours.")
    assert mail.outbox == []
    assert EmailLedger.objects.get(user=asker).status == EmailLedger.Status.SKIPPED


def _every_kind_of_email(run_on_commit):
    """Trigger one email of each app, to people with different languages; return {address: language}."""
    community = CommunityFactory(join_policy=Community.JoinPolicy.APPROVAL, default_language="it")
    coordinator = make_member(community, UserFactory(language="ar"), role=Membership.Role.COORDINATOR)
    requester = UserFactory(language="it")
    request = run_on_commit(membership_request, user=requester, community=community)  # to the coordinator (ar)
    run_on_commit(membership_approve, membership=request, by=coordinator, reason="Benvenuta")  # to the requester (it)
    run_on_commit(invitation_create, community=community, email="new@example.org", by=coordinator)  # no account: it
    meeting = future_meeting(community, title="Plenary")
    attendee = make_member(community, UserFactory(language="en"))
    run_on_commit(meeting_services.registration_create, meeting=meeting, user=attendee)  # confirmation (en)
    run_on_commit(reminders_dispatch, now=meeting.start - timedelta(hours=1))  # reminder (en)
    run_on_commit(meeting_services.meeting_cancel, meeting=meeting, by=coordinator)  # cancellation (en)
    question = item_create(
        community=community, by=requester, kind=KnowledgeItem.Kind.QUESTION, title="Domanda", publish=True
    )
    run_on_commit(answer_create, item=question, by=attendee, body="Risposta")  # knowledge (it)
    return {
        coordinator.email: "ar",
        requester.email: "it",
        "new@example.org": "it",
        attendee.email: "en",
    }


def test_every_email_has_text_and_html_the_recipients_language_a_settings_link_and_one_click_unsubscribe(
    db, run_on_commit
):
    languages = _every_kind_of_email(run_on_commit)
    kinds = set(EmailLedger.objects.values_list("kind", flat=True))
    assert {"request_received", "decision", "invitation", "registration_registered", "reminder", "cancelled"} <= kinds
    assert "answer_created" in kinds
    assert len(mail.outbox) >= 7
    for message in mail.outbox:
        (recipient,) = message.to
        received = parsed(message)
        assert message.extra_headers["Content-Language"] == languages[recipient], message.subject
        types = [part.get_content_type() for part in received.walk()]
        assert "text/plain" in types and "text/html" in types, message.subject
        html = html_part(message)
        assert f'lang="{languages[recipient]}"' in html
        assert ('dir="rtl"' in html) == (languages[recipient] == "ar")
        unsubscribe = " ".join(received["List-Unsubscribe"].split())  # unfold the header
        assert unsubscribe.startswith("<http") and "/unsubscribe/" in unsubscribe and "<mailto:" in unsubscribe
        assert received["List-Unsubscribe-Post"] == "List-Unsubscribe=One-Click"
        assert "/unsubscribe/" in message.body and "/unsubscribe/" in html
        if recipient != "new@example.org":  # a person with an account is shown their settings
            assert "/me/notifications/" in message.body and "/me/notifications/" in html
    assert EmailLedger.objects.exclude(status=EmailLedger.Status.SENT).count() == 0
