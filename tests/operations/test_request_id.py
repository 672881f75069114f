"""Every request has an id: in the response, in its log lines, and in the tasks it queues (a real worker)."""

import logging
import uuid

import pytest

from cop_portal.operations import request_id
from cop_portal.tasks import ping
from tests.processes import executable, service_env, wait_for_result


@pytest.mark.django_db
def test_a_request_gets_an_id_and_keeps_a_proxy_s(client):
    made = client.get("/healthz")["X-Request-ID"]
    assert len(made) == 32 and made != client.get("/healthz")["X-Request-ID"]
    assert client.get("/healthz", HTTP_X_REQUEST_ID="lb-1234.abc")["X-Request-ID"] == "lb-1234.abc"
    bad = client.get("/healthz", HTTP_X_REQUEST_ID="<script>")["X-Request-ID"]
    assert bad != "<script>" and len(bad) == 32, "an id that is not a plain token is replaced"


def test_log_records_carry_the_current_id():
    record = logging.LogRecord("x", logging.INFO, __file__, 1, "hello", (), None)
    token = request_id._current.set("req-42")
    try:
        request_id.RequestIdFilter().filter(record)
    finally:
        request_id._current.reset(token)
    assert record.request_id == "req-42"


def test_the_json_formatter_writes_one_object_with_the_id():
    import json

    from django.conf import settings
    from pythonjsonlogger.json import JsonFormatter

    options = {key: value for key, value in settings.LOGGING["formatters"]["json"].items() if key != "()"}
    formatter = JsonFormatter(**options)
    record = logging.LogRecord("cop.test", logging.WARNING, __file__, 1, "disk %s", ("full",), None)
    token = request_id._current.set("req-json")
    try:
        request_id.RequestIdFilter().filter(record)
    finally:
        request_id._current.reset(token)
    line = json.loads(formatter.format(record))
    assert line["message"] == "disk full"
    assert line["level"] == "WARNING" and line["logger"] == "cop.test"
    assert line["request_id"] == "req-json"


@pytest.mark.celery_worker
def test_a_task_queued_by_a_request_logs_under_the_request_s_id(services, broker_app, worker_queue):
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
    the_id = f"req-{uuid.uuid4().hex[:12]}"
    token = request_id._current.set(the_id)
    try:
        result = ping.apply_async(args=[f"rid-{uuid.uuid4().hex}"], queue=worker_queue)
    finally:
        request_id._current.reset(token)
    wait_for_result(result, worker)

    lines = [line for line in worker.log().splitlines() if f"cop_portal.ping[{result.id}] succeeded" in line]
    assert lines, worker.describe()
    assert f"[{the_id}]" in lines[0], "the worker logged the task under the request's id"
