"""A webhook end to end through the real broker and a Celery worker process: the service writes the delivery
and its outbox row, the worker posts it to a real local HTTP server, a 500 is retried through the beat scan."""

from __future__ import annotations

from datetime import timedelta

import pytest
from django.test import override_settings
from django.utils import timezone

from communities.models import Community, Membership, WebhookDelivery
from communities.webhooks.delivery import retry_due, verify
from communities.webhooks.services import endpoint_create
from meetings import services as meeting_services
from members.models import OutboxMessage
from tests.factories import CommunityFactory, UserFactory, make_member
from tests.processes import executable, service_env, wait_for

pytestmark = pytest.mark.celery_worker


def start_worker(services, queue: str):
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
        f"hooks-{queue}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    env = service_env(
        DJANGO_SETTINGS_MODULE="cop_portal.settings.test",
        CELERY_TASK_ALWAYS_EAGER="false",
        WEBHOOKS_ALLOW_HTTP="true",
        WEBHOOK_QUEUE=queue,
    )
    return services("celery-worker", args, env)


def test_a_worker_delivers_an_event_once_and_retries_a_500(services, broker_app, worker_queue, receiver):
    with override_settings(WEBHOOKS_ALLOW_HTTP=True, WEBHOOK_QUEUE=worker_queue):
        community = CommunityFactory(visibility=Community.Visibility.PUBLIC)
        coordinator = make_member(community, UserFactory(), role=Membership.Role.COORDINATOR)
        endpoint = endpoint_create(
            community=community, by=coordinator, url=receiver.url, events=["meeting.created", "meeting.cancelled"]
        )
        start = (timezone.now() + timedelta(days=7)).replace(microsecond=0)
        # The event is written (and sent to the broker) before any worker runs: it waits there.
        meeting = meeting_services.meeting_schedule(
            community=community, by=coordinator, title="Board", start=start, end=start + timedelta(hours=1)
        )
        created = WebhookDelivery.objects.get(endpoint=endpoint, event_type="meeting.created")
        assert receiver.received == []
        worker = start_worker(services, worker_queue)

        def delivered(row):
            assert worker.alive, worker.describe()
            row.refresh_from_db()
            return row.state == WebhookDelivery.State.SUCCEEDED

        assert wait_for(lambda: delivered(created), timeout=60), worker.describe()
        assert len(receiver.received) == 1
        request = receiver.received[0]
        assert request.headers["x-cop-delivery"] == str(created.event_id)
        assert verify(endpoint.secret, request.body, request.headers["x-cop-signature"])
        outbox_row = OutboxMessage.objects.get(task_name="communities.deliver_webhook", args=[created.pk])
        assert wait_for(lambda: outbox_row.__class__.objects.get(pk=outbox_row.pk).state == "done", timeout=10)

        receiver.answers = [500]
        meeting_services.meeting_cancel(meeting=meeting, by=coordinator)
        cancelled = WebhookDelivery.objects.get(endpoint=endpoint, event_type="meeting.cancelled")

        def tried_once():
            assert worker.alive, worker.describe()
            cancelled.refresh_from_db()
            return cancelled.attempts == 1

        assert wait_for(tried_once, timeout=60), worker.describe()
        assert cancelled.state == WebhookDelivery.State.PENDING and cancelled.response_status == 500
        WebhookDelivery.objects.filter(pk=cancelled.pk).update(next_attempt_at=timezone.now())
        assert retry_due() == 1
        assert wait_for(lambda: delivered(cancelled), timeout=60), worker.describe()
        assert [r.headers["x-cop-event"] for r in receiver.received] == ["meeting.created"] + ["meeting.cancelled"] * 2
        assert retry_due() == 0
        assert len(receiver.received) == 3, "nothing is posted twice after a success"
