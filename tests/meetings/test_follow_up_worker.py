"""An overdue action reminds its owner once, through the real broker and a Celery worker process,
even with two beat runs of the dispatcher at the same moment."""

import threading
from datetime import timedelta

import pytest
from django.db import connection
from django.utils import timezone

from meetings.models import ActionItem
from meetings.services import action_reminders_dispatch
from members.models import EmailLedger
from tests.factories import CommunityFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory
from tests.notifications.mailbox import delivered
from tests.notifications.test_worker_delivery import mail_queue, mailbox, start_worker  # noqa: F401 - fixtures
from tests.processes import wait_for

pytestmark = pytest.mark.celery_worker


def test_an_overdue_action_reminds_its_owner_once_with_two_dispatchers_at_once(services, mail_queue, mailbox):  # noqa: F811
    community = CommunityFactory()
    start = timezone.now() - timedelta(days=20)
    meeting = MeetingFactory(community=community, start=start, end=start + timedelta(hours=1), title="Board")
    owners = [make_member(community, UserFactory(email=f"owner{index}@example.org")) for index in range(6)]
    for index, owner in enumerate(owners):
        ActionItem.objects.create(
            meeting=meeting,
            description=f"Overdue action {index}",
            owner=owner,
            due_date=timezone.localdate() - timedelta(days=2),
        )
    worker = start_worker(services, mail_queue, mailbox)
    barrier = threading.Barrier(2)
    claimed: list[int] = []
    errors: list[BaseException] = []

    def dispatcher():
        try:
            barrier.wait(timeout=10)
            claimed.append(action_reminders_dispatch(batch_size=2))
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
    assert sum(claimed) == 6, f"the two dispatchers claimed {claimed}: no item twice, none left"
    assert action_reminders_dispatch() == 0, "a later beat finds nothing"

    def overdue_mail():
        return [m for m in delivered(mailbox) if "Overdue:" in m["Subject"]]

    def done():
        assert worker.alive, f"the worker stopped\n{worker.describe()}"
        return len(overdue_mail()) >= 6 and (
            EmailLedger.objects.filter(kind="action_overdue", status=EmailLedger.Status.SENT).count() >= 6
        )

    assert wait_for(done, timeout=90), worker.describe()
    assert sorted(m["To"] for m in overdue_mail()) == sorted(owner.email for owner in owners)
    assert action_reminders_dispatch(now=timezone.now() + timedelta(days=3)) == 0, "once, not every day"
