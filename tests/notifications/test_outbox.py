"""A dead broker delays email, never loses it, and never fails the request; a dead cache fails safe.

The broker and the cache are real Redis addresses: a local port nothing listens on (dead), then
a real redis-server started on that port (back), with a real Celery worker process delivering
into a file mailbox (tests/notifications/mailbox.py).
"""

import contextlib
import shutil
import subprocess
import time
import uuid
from datetime import timedelta

import pytest
from django.core.cache import caches
from django.test import override_settings
from django.urls import reverse
from django.utils import timezone

from communities.models import Community, Invitation, Membership
from meetings.models import Registration
from members import outbox
from members.models import EmailLedger, OutboxMessage
from tests.conftest import require_service
from tests.factories import CommunityFactory, UserFactory, make_member
from tests.meetings.factories import MeetingFactory
from tests.notifications.mailbox import delivered
from tests.processes import executable, free_port, require_postgres_and_redis, service_env, wait_for

PASSWORD = "a-long-test-password"


@contextlib.contextmanager
def celery_broker(url: str):
    """Send this process's tasks to the broker at url for real (not eagerly), then restore the app."""
    from cop_portal.celery import app

    def forget_connections():
        # Drop the app's references only: kombu's pools are shared by URL, and closing them would
        # close them for the later tests too.
        app._pool = None
        app.amqp._producer_pool = None

    saved = (app.conf.broker_url, app.conf.task_always_eager)
    forget_connections()
    app.conf.broker_url, app.conf.task_always_eager = url, False
    try:
        yield app
    finally:
        forget_connections()
        app.conf.broker_url, app.conf.task_always_eager = saved


def meeting_and_community():
    community = CommunityFactory(slug="outbox-cop", name="Outbox CoP", join_policy=Community.JoinPolicy.APPROVAL)
    start = (timezone.now() + timedelta(days=5)).replace(microsecond=0)
    meeting = MeetingFactory(community=community, start=start, end=start + timedelta(hours=1), title="Board")
    return community, meeting


def register_and_invite(client, community, meeting):
    """POST a registration (as a member) and an invitation (as a coordinator); return the two responses and the time."""
    member = make_member(community, UserFactory(email="mona@example.org"))
    coordinator = make_member(community, UserFactory(email="cora@example.org"), role=Membership.Role.COORDINATOR)
    started = time.monotonic()
    client.force_login(member)
    registered = client.post(
        reverse("meetings:register", kwargs={"community_slug": community.slug, "meeting_pk": meeting.pk})
    )
    client.force_login(coordinator)
    invited = client.post(
        reverse("communities:manage_invite", kwargs={"community_slug": community.slug}),
        {"email": "guest@example.org", "role": "member", "group": "", "message": "Come along"},
    )
    return registered, invited, time.monotonic() - started


def test_with_the_broker_down_registering_and_inviting_answer_at_once_and_keep_the_email_pending(
    client, db, django_capture_on_commit_callbacks, mailoutbox
):
    community, meeting = meeting_and_community()
    with celery_broker(f"redis://127.0.0.1:{free_port()}/0"), django_capture_on_commit_callbacks(execute=True):
        registered, invited, took = register_and_invite(client, community, meeting)

    assert took < 2, f"the two requests took {took:.1f}s with the broker down"
    assert registered.status_code == 302 and invited.status_code == 302
    assert Registration.objects.filter(meeting=meeting, user__email="mona@example.org").exists()
    assert Invitation.objects.filter(email="guest@example.org").exists()
    pending = OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING)
    assert sorted(pending.values_list("task_name", flat=True)) == [
        "communities.send_invitation",
        "meetings.notify_registration",
    ]
    assert all("OperationalError" in error for error in pending.values_list("last_error", flat=True))
    assert mailoutbox == []


def test_the_dispatcher_runs_what_a_dead_broker_left_pending_once_in_eager_mode(
    client, db, django_capture_on_commit_callbacks, mailoutbox
):
    community, meeting = meeting_and_community()
    with celery_broker(f"redis://127.0.0.1:{free_port()}/0"), django_capture_on_commit_callbacks(execute=True):
        register_and_invite(client, community, meeting)
    assert mailoutbox == []

    later = timezone.now() + timedelta(minutes=1)  # past the rows' backoff
    assert outbox.dispatch(now=later) == 2  # tasks are eager again: the dispatcher runs them here
    assert sorted(m.to[0] for m in mailoutbox) == ["guest@example.org", "mona@example.org"]
    assert set(OutboxMessage.objects.values_list("state", flat=True)) == {OutboxMessage.State.DONE}
    assert outbox.dispatch(now=later) == 0
    assert len(mailoutbox) == 2


def test_a_rolled_back_write_leaves_no_outbox_row(db, django_capture_on_commit_callbacks):
    community, meeting = meeting_and_community()
    member = make_member(community)
    with contextlib.suppress(RuntimeError), django_capture_on_commit_callbacks(execute=True) as callbacks:
        from django.db import transaction

        from meetings.services import registration_create

        with transaction.atomic():
            registration_create(meeting=meeting, user=member)
            raise RuntimeError("the request failed after the write")
    assert not OutboxMessage.objects.exists() and callbacks == []


def test_a_message_published_long_ago_and_never_done_is_published_again(
    db, mailoutbox, django_capture_on_commit_callbacks
):
    community, meeting = meeting_and_community()
    member = make_member(community, UserFactory(email="late@example.org"))
    registration = Registration.objects.create(meeting=meeting, user=member)
    message = outbox.enqueue("meetings.notify_registration", registration.pk, "registered")
    OutboxMessage.objects.filter(pk=message.pk).update(
        state=OutboxMessage.State.SENT, published_at=timezone.now() - timedelta(hours=2)
    )
    assert outbox.dispatch() == 1
    assert [m.to for m in mailoutbox] == [["late@example.org"]]
    assert outbox.dispatch() == 0


# --- With the real broker and worker -------------------------------------------------------------


@pytest.fixture
def redis_port():
    require_service(shutil.which("redis-server") is not None, "redis-server")
    return free_port()


@pytest.fixture
def redis_server(services, redis_port, tmp_path):
    """Start (on demand) a real, empty redis-server on redis_port; it stops with the test."""

    def start():
        server = services(
            "redis",
            [shutil.which("redis-server"), "--port", str(redis_port), "--save", "", "--appendonly", "no"],
            service_env(),
        )

        def answers():
            result = subprocess.run(  # noqa: S603 - fixed arguments
                [shutil.which("redis-cli") or "redis-cli", "-p", str(redis_port), "ping"],
                capture_output=True,
                text=True,
                check=False,
            )
            return result.stdout.strip() == "PONG"

        assert wait_for(answers, timeout=20), server.describe()
        return server

    return start


def test_with_the_broker_down_the_email_waits_and_the_dispatcher_sends_each_once_when_it_is_back(
    client, services, redis_port, redis_server, tmp_path
):
    require_postgres_and_redis()
    broker_url = f"redis://127.0.0.1:{redis_port}/0"
    queue = f"test-outbox-{uuid.uuid4().hex[:12]}"
    mailbox = tmp_path / "mailbox"
    mailbox.mkdir()
    community, meeting = meeting_and_community()

    with override_settings(MAIL_QUEUE=queue), celery_broker(broker_url):
        registered, invited, took = register_and_invite(client, community, meeting)
        assert took < 2, f"the two requests took {took:.1f}s with the broker down"
        assert registered.status_code == 302 and invited.status_code == 302
        assert OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING).count() == 2
        assert outbox.dispatch() == 0, "the dispatcher cannot publish either while the broker is down"

        redis_server()
        worker = services(
            "worker",
            [
                executable("celery"),
                "-A",
                "cop_portal",
                "worker",
                "--pool=solo",
                "--loglevel=INFO",
                "-Q",
                queue,
                "-n",
                f"outbox-{queue}@%h",
                "--without-gossip",
                "--without-mingle",
                "--without-heartbeat",
            ],
            service_env(
                DJANGO_SETTINGS_MODULE="tests.notifications.worker_settings",
                CELERY_TASK_ALWAYS_EAGER="false",
                REDIS_URL=broker_url,
                MAIL_QUEUE=queue,
                TEST_MAILBOX_DIR=str(mailbox),
            ),
        )
        # The rows wait for their next attempt (backoff): the beat's dispatcher would run later.
        OutboxMessage.objects.update(next_attempt_at=timezone.now())
        assert outbox.dispatch() == 2

        def all_sent():
            assert worker.alive, worker.describe()
            done = OutboxMessage.objects.filter(state=OutboxMessage.State.DONE).count() == 2
            return done and len(delivered(mailbox)) >= 2

        assert wait_for(all_sent, timeout=90), worker.describe()
        assert outbox.dispatch() == 0, "a second run finds nothing to publish"
        time.sleep(2)

    recipients = sorted(message["To"] for message in delivered(mailbox))
    assert recipients == ["guest@example.org", "mona@example.org"], "each email once"
    sent = EmailLedger.objects.filter(status=EmailLedger.Status.SENT)
    assert sorted(sent.values_list("to_email", flat=True)) == ["guest@example.org", "mona@example.org"]


# --- With the cache down -------------------------------------------------------------------------


@pytest.fixture
def dead_cache():
    """Point the default cache at a Redis port nothing listens on (a fresh cache handler)."""
    location = f"redis://127.0.0.1:{free_port()}/0"
    config = {
        "default": {
            "BACKEND": "cop_portal.cache.FailSafeRedisCache",
            "LOCATION": location,
            "KEY_PREFIX": "dead",
            "OPTIONS": {"socket_connect_timeout": 0.3, "socket_timeout": 0.5},
        }
    }
    with override_settings(CACHES=config):
        assert caches["default"].__class__.__name__ == "FailSafeRedisCache"
        yield caches["default"]


def test_with_the_cache_down_a_member_browses_and_signs_in(client, db, dead_cache):
    community, _meeting = meeting_and_community()
    member = make_member(community, UserFactory(email="browser@example.org", password=PASSWORD))

    response = client.post(reverse("account_login"), {"login": "browser@example.org", "password": PASSWORD})
    assert response.status_code == 302
    assert client.session.get("_auth_user_id") == str(member.pk)
    for url in ("/", f"/c/{community.slug}/", "/me/"):
        assert client.get(url).status_code == 200, url
    assert dead_cache.is_down


def test_with_the_cache_down_failed_sign_ins_are_still_limited(client, db, dead_cache):
    UserFactory(email="target@example.org", password=PASSWORD)
    for _ in range(5):
        response = client.post(reverse("account_login"), {"login": "target@example.org", "password": "wrong-one"})
        assert response.status_code == 200
    response = client.post(reverse("account_login"), {"login": "target@example.org", "password": PASSWORD})
    assert "_auth_user_id" not in client.session
    assert b"Too many failed login attempts" in response.content
