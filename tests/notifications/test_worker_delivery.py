"""Reminders through the real broker and worker processes: concurrent dispatchers, a killed worker, a flushed Redis.

Each test starts Celery workers (tests/processes.py) on the PostgreSQL test database and the
Redis of REDIS_URL, consuming a mail queue only this test uses. The SMTP server outside is a
directory: the worker writes each delivered message there (tests/notifications/mailbox.py).
"""

import contextlib
import os
import signal
import threading
import uuid
from datetime import timedelta
from pathlib import Path

import pytest
import redis
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from meetings.models import Registration, Reminder
from meetings.reminders import LOOKAHEAD, reminders_dispatch, reminders_sync_registration
from members.models import EmailLedger
from tests.factories import CommunityFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory
from tests.notifications.mailbox import delivered
from tests.processes import executable, service_env, wait_for

pytestmark = pytest.mark.celery_worker


@pytest.fixture
def mail_queue(broker_app):
    """Route the mail tasks of this test to a queue of its own, and delete it afterwards."""
    queue = f"test-mail-{uuid.uuid4().hex[:12]}"
    with override_settings(MAIL_QUEUE=queue):
        yield queue
    # Best effort: the queue may be gone already.
    with broker_app.connection_for_write() as conn, contextlib.suppress(Exception):
        conn.default_channel.queue_delete(queue)


@pytest.fixture
def mailbox(tmp_path) -> Path:
    path = tmp_path / "mailbox"
    path.mkdir()
    return path


def start_worker(services, queue: str, mailbox: Path, name: str = "worker", **env):
    args = [
        executable("celery"),
        "-A",
        "cop_portal",
        "worker",
        "--pool=solo",
        "--loglevel=INFO",
        "-Q",
        queue,
        "-n",
        f"{name}-{queue}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    environment = service_env(
        DJANGO_SETTINGS_MODULE="tests.notifications.worker_settings",
        CELERY_TASK_ALWAYS_EAGER="false",
        MAIL_QUEUE=queue,
        TEST_MAILBOX_DIR=str(mailbox),
        **env,
    )
    return services(name, args, environment)


def reminders_for(count: int, *, days: float = 3):
    """Create count registered people for one meeting, each with their default reminders; return (meeting, people)."""
    community = CommunityFactory()
    start = (timezone.now() + timedelta(days=days)).replace(microsecond=0)
    meeting = MeetingFactory(community=community, start=start, end=start + timedelta(hours=1), title="Board")
    people = []
    for index in range(count):
        person = make_member(community, UserFactory(email=f"reminded{index:03d}@example.org"))
        registration = Registration.objects.create(meeting=meeting, user=person)
        reminders_sync_registration(registration=registration)
        people.append(person)
    return meeting, people


def reminder_emails(mailbox: Path) -> list:
    return [m for m in delivered(mailbox) if m["Subject"].startswith("[CoP Portal] Reminder")]


def wait_until_sent(count: int, worker, mailbox: Path, timeout: float = 90) -> None:
    def done():
        assert worker.alive, f"the worker stopped\n{worker.describe()}"
        sent = EmailLedger.objects.filter(kind="reminder", status=EmailLedger.Status.SENT).count()
        return sent >= count and len(reminder_emails(mailbox)) >= count

    assert wait_for(done, timeout=timeout), (
        f"{EmailLedger.objects.filter(status=EmailLedger.Status.SENT).count()} of {count} sent\n{worker.describe()}"
    )


def assert_each_once(mailbox: Path, people) -> None:
    recipients = sorted(m["To"] for m in reminder_emails(mailbox))
    assert recipients == sorted(p.email for p in people), "every person got one reminder, nobody two"


def test_two_dispatchers_at_once_send_each_reminder_once(services, mail_queue, mailbox):
    meeting, people = reminders_for(12)
    due = meeting.start - timedelta(days=1)
    worker = start_worker(services, mail_queue, mailbox)
    barrier = threading.Barrier(2)
    claimed: list[int] = []
    errors: list[BaseException] = []

    def dispatcher():
        try:
            barrier.wait(timeout=10)
            claimed.append(reminders_dispatch(now=due, batch_size=2))  # small batches: many chances to collide
        except BaseException as error:  # noqa: BLE001 - reported below
            errors.append(error)
        finally:
            connection.close()

    threads = [threading.Thread(target=dispatcher) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)

    assert not errors, errors
    assert sum(claimed) == 12, f"the two dispatchers claimed {claimed}: no row twice, none left"
    assert reminders_dispatch(now=due) == 0, "a third run finds nothing left"
    wait_until_sent(12, worker, mailbox)
    assert_each_once(mailbox, people)
    assert set(Reminder.objects.filter(offset_minutes=1440).values_list("status", flat=True)) == {Reminder.Status.SENT}


def test_killing_the_worker_mid_batch_and_starting_another_sends_the_rest_each_once(services, mail_queue, mailbox):
    meeting, people = reminders_for(8)
    due = meeting.start - timedelta(days=1)
    hang_on = people[3].email
    first = start_worker(
        services, mail_queue, mailbox, name="first-worker", TEST_MAILBOX_HANG_ON=hang_on, TEST_VISIBILITY_TIMEOUT="5"
    )

    assert reminders_dispatch(now=due) == 8
    assert wait_for(lambda: (mailbox / "hanging").exists(), timeout=90), first.describe()
    assert len(reminder_emails(mailbox)) == 3, "three were delivered before the worker hung on the fourth"
    os.killpg(first.process.pid, signal.SIGKILL)
    first.process.wait(timeout=30)
    (mailbox / "hanging").unlink()

    second = start_worker(services, mail_queue, mailbox, name="second-worker", TEST_VISIBILITY_TIMEOUT="5")
    wait_until_sent(8, second, mailbox, timeout=120)

    assert_each_once(mailbox, people)
    assert EmailLedger.objects.get(key__startswith="reminder:", to_email=hang_on).attempts == 1


def test_flushing_redis_loses_no_reminder_scheduled_for_tomorrow(services, mail_queue, mailbox, broker_app):
    meeting, people = reminders_for(5, days=2)
    due = meeting.start - timedelta(days=1)
    assert due > timezone.now() + timedelta(hours=12), "due tomorrow"
    broker = redis.Redis.from_url(broker_app.conf.broker_url)

    broker.flushdb()  # the broker's database only (REDIS_URL's index), not the whole server

    assert Reminder.objects.filter(status=Reminder.Status.PENDING).count() == 10
    worker = start_worker(services, mail_queue, mailbox)
    assert reminders_dispatch(now=due - LOOKAHEAD - timedelta(minutes=1)) == 0
    assert reminders_dispatch(now=due) == 5
    wait_until_sent(5, worker, mailbox)
    assert_each_once(mailbox, people)


def test_claimed_reminders_whose_tasks_were_flushed_are_sent_by_a_later_run(services, mail_queue, mailbox, broker_app):
    meeting, people = reminders_for(4, days=2)
    due = meeting.start - timedelta(days=1)
    assert reminders_dispatch(now=due) == 4  # claimed and enqueued, but no worker runs yet
    redis.Redis.from_url(broker_app.conf.broker_url).flushdb()  # the enqueued sends are lost

    worker = start_worker(services, mail_queue, mailbox)
    assert reminders_dispatch(now=due + timedelta(minutes=5)) == 0, "a fresh claim is not taken again"
    assert reminders_dispatch(now=due + timedelta(minutes=20)) == 4, "a stale claim is enqueued again"
    wait_until_sent(4, worker, mailbox)
    assert_each_once(mailbox, people)
