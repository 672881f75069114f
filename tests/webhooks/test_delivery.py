"""Webhook delivery against a real local HTTP server: signature, exactly once, retries, refusals, disabling."""

from __future__ import annotations

import hashlib
import hmac
import json
import threading
import time
from datetime import timedelta

import pytest
from django.db import connection
from django.test import override_settings
from django.utils import timezone

from communities.models import WebhookDelivery, WebhookEndpoint
from communities.webhooks import delivery as webhook_delivery
from communities.webhooks.delivery import BACKOFF, deliver, retry_due, verify
from meetings import services as meeting_services
from members.models import EmailLedger, OutboxMessage
from tests.factories import UserFactory, make_member


def schedule(community, by, title="Steering committee"):
    start = (timezone.now() + timedelta(days=7)).replace(microsecond=0)
    return meeting_services.meeting_schedule(
        community=community, by=by, title=title, start=start, end=start + timedelta(hours=1), time_zone="Europe/Rome"
    )


def only_delivery(endpoint, event_type="meeting.created") -> WebhookDelivery:
    return WebhookDelivery.objects.get(endpoint=endpoint, event_type=event_type)


def test_a_delivery_is_signed_with_the_endpoints_secret_and_carries_the_event(
    hooked, django_capture_on_commit_callbacks
):
    community, receiver, endpoint = hooked["community"], hooked["receiver"], hooked["endpoint"]

    with django_capture_on_commit_callbacks(execute=True):
        meeting = schedule(community, hooked["coordinator"])

    assert len(receiver.received) == 1, "the outbox handed the delivery to the task after commit"
    request = receiver.received[0]
    assert request.path == "/hooks"
    assert request.headers["x-cop-event"] == "meeting.created"
    assert request.headers["content-type"] == "application/json"
    timestamp, mac = (part.split("=", 1)[1] for part in request.headers["x-cop-signature"].split(","))
    expected = hmac.new(endpoint.secret.encode(), f"{timestamp}.".encode() + request.body, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(mac, expected), "the receiver recomputes the same HMAC"
    assert abs(int(timestamp) - time.time()) < 60
    assert verify(endpoint.secret, request.body, request.headers["x-cop-signature"])
    assert not verify("whsec_wrong", request.body, request.headers["x-cop-signature"])
    assert not verify(endpoint.secret, request.body + b" ", request.headers["x-cop-signature"])

    payload = json.loads(request.body)
    assert payload["id"] == request.headers["x-cop-delivery"]
    assert payload["type"] == "meeting.created"
    assert payload["community"] == {"slug": community.slug}
    assert payload["data"]["meeting"]["id"] == meeting.pk
    assert payload["data"]["meeting"]["title"] == "Steering committee"
    assert "online_url" not in payload["data"]["meeting"]
    row = only_delivery(endpoint)
    assert row.state == WebhookDelivery.State.SUCCEEDED
    assert (row.attempts, row.response_status) == (1, 200)
    assert row.duration_ms is not None and row.delivered_at is not None
    assert str(row.event_id) == payload["id"]


def test_running_the_task_again_after_a_success_posts_nothing(hooked, django_capture_on_commit_callbacks):
    with django_capture_on_commit_callbacks(execute=True):
        schedule(hooked["community"], hooked["coordinator"])
    row = only_delivery(hooked["endpoint"])
    assert len(hooked["receiver"].received) == 1

    assert deliver(row.pk) == "done"
    from communities.tasks import deliver_webhook

    deliver_webhook.apply(args=[row.pk])
    assert len(hooked["receiver"].received) == 1, "a retried or duplicated task posts nothing twice"
    row.refresh_from_db()
    assert row.attempts == 1


@pytest.fixture
def committed_hook(transactional_db, receiver, allow_local):
    from communities.models import Community, Membership
    from communities.webhooks.services import endpoint_create
    from tests.factories import CommunityFactory

    community = CommunityFactory(visibility=Community.Visibility.PUBLIC, join_policy=Community.JoinPolicy.OPEN)
    coordinator = make_member(community, UserFactory(), role=Membership.Role.COORDINATOR)
    endpoint = endpoint_create(community=community, by=coordinator, url=receiver.url, events=["meeting.created"])
    return {"community": community, "coordinator": coordinator, "endpoint": endpoint, "receiver": receiver}


def test_two_task_runs_at_the_same_moment_post_once(committed_hook):
    receiver = committed_hook["receiver"]
    receiver.delay = 0.5  # the first run holds the row while the receiver answers
    schedule(committed_hook["community"], committed_hook["coordinator"])  # committed: eager tasks ran
    row = only_delivery(committed_hook["endpoint"])
    assert len(receiver.received) == 1
    # Make it due again as if that POST had never been recorded, then race two runs against each other.
    WebhookDelivery.objects.filter(pk=row.pk).update(state=WebhookDelivery.State.PENDING, retries=0)
    receiver.received.clear()
    barrier = threading.Barrier(2)
    outcomes: list[str] = []

    def run():
        try:
            barrier.wait(timeout=10)
            outcomes.append(deliver(row.pk))
        finally:
            connection.close()

    threads = [threading.Thread(target=run) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=30)
    assert sorted(outcomes) == ["locked", "sent"], outcomes
    assert len(receiver.received) == 1, "the second run found the row locked and posted nothing"
    assert deliver(row.pk) == "done"
    assert len(receiver.received) == 1


def test_a_500_is_retried_after_the_backoff_then_succeeds(hooked, django_capture_on_commit_callbacks):
    receiver, endpoint = hooked["receiver"], hooked["endpoint"]
    receiver.answers = [500]
    with django_capture_on_commit_callbacks(execute=True):
        schedule(hooked["community"], hooked["coordinator"])
    row = only_delivery(endpoint)
    assert row.state == WebhookDelivery.State.PENDING
    assert (row.attempts, row.response_status) == (1, 500)
    assert "500" in row.last_error
    assert timedelta(seconds=50) < row.next_attempt_at - row.last_attempt_at <= BACKOFF[0]
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 1

    assert deliver(row.pk) == "not due", "nothing is posted before the backoff"
    assert retry_due() == 0
    assert len(receiver.received) == 1

    WebhookDelivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    with django_capture_on_commit_callbacks(execute=True):
        assert retry_due() == 1
    with django_capture_on_commit_callbacks(execute=True):
        assert retry_due() == 0, "a delivered retry is not handed out again"
    assert len(receiver.received) == 2
    first, second = receiver.received
    assert first.headers["x-cop-delivery"] == second.headers["x-cop-delivery"], "the same event id for idempotency"
    assert first.body == second.body
    row.refresh_from_db()
    assert row.state == WebhookDelivery.State.SUCCEEDED
    assert (row.attempts, row.response_status, row.last_error) == (2, 200, "")
    endpoint.refresh_from_db()
    assert endpoint.consecutive_failures == 0, "a success resets the count"


def test_after_the_last_retry_a_delivery_fails_and_a_failing_endpoint_is_disabled_with_a_note(
    hooked, django_capture_on_commit_callbacks, mailoutbox
):
    receiver, endpoint = hooked["receiver"], hooked["endpoint"]
    receiver.answers = [503] * 20
    with override_settings(WEBHOOKS_DISABLE_AFTER=100), django_capture_on_commit_callbacks(execute=True):
        schedule(hooked["community"], hooked["coordinator"])
    row = only_delivery(endpoint)
    for _retry in BACKOFF:
        WebhookDelivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
        with override_settings(WEBHOOKS_DISABLE_AFTER=100):
            assert deliver(row.pk) == "failed"
    row.refresh_from_db()
    assert row.state == WebhookDelivery.State.FAILED
    assert row.attempts == 1 + len(BACKOFF)
    assert len(receiver.received) == 1 + len(BACKOFF)
    endpoint.refresh_from_db()
    assert endpoint.is_active and endpoint.consecutive_failures == 6

    with override_settings(WEBHOOKS_DISABLE_AFTER=7), django_capture_on_commit_callbacks(execute=True):
        schedule(hooked["community"], hooked["coordinator"], title="Board")
    endpoint.refresh_from_db()
    assert not endpoint.is_active, "the seventh failure in a row disabled the endpoint"
    assert "7" in endpoint.disabled_reason
    assert OutboxMessage.objects.filter(task_name="communities.notify_webhook_disabled").count() == 1
    assert EmailLedger.objects.filter(kind="webhook_disabled", to_email=hooked["coordinator"].email).count() == 1
    assert [message.to for message in mailoutbox if "webhook" in message.subject.lower()] == [
        [hooked["coordinator"].email]
    ]

    received = len(receiver.received)
    with django_capture_on_commit_callbacks(execute=True):
        schedule(hooked["community"], hooked["coordinator"], title="After")
    assert len(receiver.received) == received, "a disabled endpoint gets nothing"
    assert not WebhookDelivery.objects.filter(endpoint=endpoint, payload__data__meeting__title="After").exists()


def test_plain_http_and_private_addresses_are_refused_at_delivery_time(hooked, django_capture_on_commit_callbacks):
    receiver, endpoint = hooked["receiver"], hooked["endpoint"]
    with override_settings(WEBHOOKS_ALLOW_HTTP=False), django_capture_on_commit_callbacks(execute=True):
        schedule(hooked["community"], hooked["coordinator"])
    assert receiver.received == [], "no request left for a local address"
    row = only_delivery(endpoint)
    assert row.state == WebhookDelivery.State.PENDING and row.response_status is None
    assert "https" in row.last_error

    WebhookEndpoint.objects.filter(pk=endpoint.pk).update(url=receiver.url.replace("http://", "https://"))
    WebhookDelivery.objects.filter(pk=row.pk).update(next_attempt_at=timezone.now() - timedelta(seconds=1))
    with override_settings(WEBHOOKS_ALLOW_HTTP=False):
        assert deliver(row.pk) == "failed"
    row.refresh_from_db()
    assert "private or local network" in row.last_error
    assert receiver.received == []


def test_a_timeout_counts_as_a_failed_attempt(hooked, django_capture_on_commit_callbacks):
    receiver = hooked["receiver"]
    receiver.delay = 1.5
    with override_settings(WEBHOOKS_TIMEOUT=0.5), django_capture_on_commit_callbacks(execute=True):
        schedule(hooked["community"], hooked["coordinator"])
    row = only_delivery(hooked["endpoint"])
    assert row.state == WebhookDelivery.State.PENDING
    assert row.response_status is None and "timed out" in row.last_error.lower()
    assert row.duration_ms < 1400


def test_the_signature_helper_matches_the_documented_format():
    body = b'{"a":1}'
    header = webhook_delivery.signature("whsec_test", body, 1700000000)
    assert header == "t=1700000000,v1=" + hmac.new(b"whsec_test", b'1700000000.{"a":1}', hashlib.sha256).hexdigest()
    assert verify("whsec_test", body, header, now=1700000100)
    assert not verify("whsec_test", body, header, now=1700001000), "an old signature is refused"
    assert not verify("whsec_test", body, "garbage")
