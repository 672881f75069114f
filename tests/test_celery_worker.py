"""A real Celery round trip: test -> Redis broker -> a worker process -> PostgreSQL -> test."""

import contextlib
import time
import uuid

import pytest
from django.core.cache import cache

from cop_portal.celery import app
from cop_portal.models import Heartbeat
from cop_portal.tasks import ping
from tests.processes import executable, require_postgres_and_redis, service_env

pytestmark = pytest.mark.celery_worker

WORKER_TIMEOUT = 90  # seconds: starting Django and Celery on a busy two-core machine


@pytest.fixture
def broker_app():
    """Send tasks through the broker from this test, as the web process does in production."""
    require_postgres_and_redis()
    eager = app.conf.task_always_eager
    app.conf.task_always_eager = False
    yield app
    app.conf.task_always_eager = eager


@pytest.fixture
def worker_queue(broker_app):
    """Name a queue only this test's worker consumes, and delete it afterwards."""
    queue = f"test-worker-{uuid.uuid4().hex[:12]}"
    yield queue
    # Cleaning up is best effort: the queue may already be gone.
    with broker_app.connection_for_write() as connection, contextlib.suppress(Exception):
        connection.default_channel.queue_delete(queue)


def start_worker(services, queue: str, **env):
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
        f"{queue}@%h",
        "--without-gossip",
        "--without-mingle",
        "--without-heartbeat",
    ]
    return services("celery-worker", args, service_env(**env))


def wait_for_result(result, worker, timeout: float = WORKER_TIMEOUT):
    """Return the task's result, failing early with the worker's log if the worker dies."""
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if result.ready():
            return result.get(timeout=1)
        assert worker.alive, f"the worker stopped before running the task\n{worker.describe()}"
        time.sleep(0.2)
    pytest.fail(f"no result after {timeout}s\n{worker.describe()}")


def test_a_worker_process_runs_a_task_sent_through_redis_and_writes_to_the_database(services, broker_app, worker_queue):
    worker = start_worker(
        services,
        worker_queue,
        DJANGO_SETTINGS_MODULE="cop_portal.settings.test",
        CELERY_TASK_ALWAYS_EAGER="false",
    )
    token = f"round-trip-{uuid.uuid4().hex}"

    result = ping.apply_async(args=[token], queue=worker_queue)

    assert wait_for_result(result, worker) == token
    assert Heartbeat.objects.filter(token=token).exists(), "the worker wrote to the test database"
    assert cache.get(f"heartbeat:{token}") is True, "the worker shares the cache"
    assert worker.alive
    assert f"Task cop_portal.ping[{result.id}] succeeded" in worker.log()


def test_a_task_waits_in_the_broker_until_a_worker_starts(services, broker_app, worker_queue):
    token = f"queued-{uuid.uuid4().hex}"
    result = ping.apply_async(args=[token], queue=worker_queue)
    time.sleep(0.5)
    assert not result.ready()
    assert not Heartbeat.objects.filter(token=token).exists(), "nothing runs the task in-process"

    worker = start_worker(
        services,
        worker_queue,
        DJANGO_SETTINGS_MODULE="cop_portal.settings.test",
        CELERY_TASK_ALWAYS_EAGER="false",
    )

    assert wait_for_result(result, worker) == token
    assert Heartbeat.objects.filter(token=token).exists()
