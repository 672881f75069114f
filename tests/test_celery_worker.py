"""A real Celery round trip: test -> Redis broker -> a worker process -> PostgreSQL -> test."""

import time
import uuid

import pytest
from django.core.cache import cache

from cop_portal.models import Heartbeat
from cop_portal.tasks import ping
from tests.processes import executable, service_env, wait_for_result

pytestmark = pytest.mark.celery_worker


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
