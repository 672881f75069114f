"""/metrics: Prometheus text for a token or an allowed network, 404 for everyone else, with the portal's figures."""

import uuid
from datetime import timedelta

import pytest
from django.utils import timezone

from cop_portal.tasks import ping
from members.models import EmailLedger, OutboxMessage
from tests.factories import UserFactory
from tests.processes import executable, service_env, wait_for_result

TOKEN = "metrics-token-" + "x" * 24


@pytest.fixture
def metrics_settings(settings):
    settings.METRICS_TOKEN = TOKEN
    settings.METRICS_ALLOWED_NETWORKS = []
    return settings


def scrape(client, token=TOKEN, **extra):
    return client.get("/metrics", HTTP_AUTHORIZATION=f"Bearer {token}", **extra)


def value(text: str, prefix: str) -> float:
    lines = [line for line in text.splitlines() if line.startswith(prefix)]
    assert lines, f"{prefix} not in the metrics"
    return float(lines[0].rsplit(" ", 1)[1])


@pytest.mark.django_db
def test_nobody_reads_the_metrics_without_the_token_or_an_allowed_address(client, metrics_settings):
    assert client.get("/metrics").status_code == 404
    assert scrape(client, token="wrong").status_code == 404
    client.force_login(UserFactory(is_staff=True))
    assert client.get("/metrics").status_code == 404, "being staff is not enough"


@pytest.mark.django_db
def test_with_neither_setting_the_endpoint_answers_nobody(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = []
    assert client.get("/metrics", HTTP_AUTHORIZATION="Bearer ").status_code == 404


@pytest.mark.django_db
def test_an_allowed_network_reads_them_without_a_token(client, settings):
    settings.METRICS_TOKEN = ""
    settings.METRICS_ALLOWED_NETWORKS = ["10.0.0.0/8"]
    assert client.get("/metrics", REMOTE_ADDR="10.1.2.3").status_code == 200
    assert client.get("/metrics", REMOTE_ADDR="192.168.1.9").status_code == 404


@pytest.mark.django_db
def test_requests_latency_and_queries_by_view_are_counted(client, metrics_settings):
    client.get("/")  # the directory: a view that queries the database
    response = scrape(client)
    assert response.status_code == 200
    assert response["Content-Type"].startswith("text/plain")
    text = response.content.decode()
    assert 'django_http_requests_latency_seconds_by_view_method_count{method="GET",view="directory"}' in text
    assert 'django_http_responses_total_by_status_view_method_total{method="GET",status="200",view="directory"}' in text
    assert value(text, "django_db_execute_total{") > 0


@pytest.mark.django_db
def test_outbox_lag_reminder_lateness_and_open_ledger_entries(client, metrics_settings):
    from meetings.models import Reminder
    from tests.meetings.factories import MeetingFactory, RegistrationFactory

    now = timezone.now()
    OutboxMessage.objects.create(key=f"lag-{uuid.uuid4()}", task_name="x", next_attempt_at=now - timedelta(seconds=90))
    OutboxMessage.objects.create(key=f"later-{uuid.uuid4()}", task_name="x", next_attempt_at=now + timedelta(hours=1))
    EmailLedger.objects.create(key=f"q-{uuid.uuid4()}", kind="test", to_email="a@example.org")
    EmailLedger.objects.create(key=f"f-{uuid.uuid4()}", kind="test", to_email="b@example.org", status="failed")
    EmailLedger.objects.create(key=f"s-{uuid.uuid4()}", kind="test", to_email="c@example.org", status="sent")
    meeting = MeetingFactory(start=now + timedelta(hours=2))
    registration = RegistrationFactory(meeting=meeting)
    Reminder.objects.filter(meeting=meeting).delete()
    Reminder.objects.create(
        meeting=meeting, registration=registration, offset_minutes=60, due_at=now - timedelta(minutes=5)
    )

    text = scrape(client).content.decode()

    assert value(text, "cop_outbox_lag_seconds") >= 90
    assert value(text, 'cop_outbox_messages{state="pending"}') == 2
    assert value(text, 'cop_email_ledger_open{status="queued"}') == 1
    assert value(text, 'cop_email_ledger_open{status="failed"}') == 1
    assert value(text, "cop_reminders_due") == 1
    assert value(text, "cop_reminder_lateness_seconds") >= 300


@pytest.mark.django_db
def test_nothing_late_reads_zero(client, metrics_settings):
    text = scrape(client).content.decode()
    assert value(text, "cop_outbox_lag_seconds") == 0
    assert value(text, "cop_reminder_lateness_seconds") == 0


@pytest.mark.celery_worker
def test_a_worker_counts_its_tasks_by_name_and_outcome(services, broker_app, worker_queue, client, settings):
    import redis

    from cop_portal.operations.metrics import TASKS_KEY

    settings.METRICS_TOKEN = TOKEN
    redis.Redis.from_url(settings.REDIS_URL).delete(TASKS_KEY)
    worker = services(
        "celery-worker",
        [
            executable("celery"),
            "-A",
            "cop_portal",
            "worker",
            "--pool=solo",
            "--loglevel=INFO",
            "-Q",
            worker_queue,
            "-n",
            f"{worker_queue}@%h",
            "--without-gossip",
            "--without-mingle",
            "--without-heartbeat",
        ],
        service_env(DJANGO_SETTINGS_MODULE="cop_portal.settings.test", CELERY_TASK_ALWAYS_EAGER="false"),
    )
    for n in range(2):
        result = ping.apply_async(args=[f"metrics-{n}-{uuid.uuid4().hex}"], queue=worker_queue)
        wait_for_result(result, worker)

    text = scrape(client).content.decode()

    assert value(text, 'cop_celery_tasks_total{outcome="success",task="cop_portal.ping"}') == 2
