"""A request id in every log line of a request, and of the Celery tasks it queued.

The id comes from the X-Request-ID header when a proxy in front sets one (letters, digits, dashes and
dots, at most 64), else it is made here; the response carries it back. Tasks carry it in a message
header (request_id), set from the current context when the task is published, and restored in the
worker around the task, so a line logged by a reminder sent on behalf of a request names it.
"""

from __future__ import annotations

import contextvars
import logging
import re
import uuid

HEADER = "X-Request-ID"
_VALID = re.compile(r"^[A-Za-z0-9._-]{1,64}$")
_current: contextvars.ContextVar[str] = contextvars.ContextVar("cop_request_id", default="")


def current() -> str:
    """Return the id of the request or task being served ("" outside both)."""
    return _current.get()


def _incoming(value: str | None) -> str:
    return value if value and _VALID.match(value) else uuid.uuid4().hex


class RequestIdMiddleware:
    """Give the request an id (request.request_id), log under it, and send it back in X-Request-ID."""

    def __init__(self, get_response):
        self.get_response = get_response

    def __call__(self, request):
        request_id = _incoming(request.headers.get(HEADER))
        request.request_id = request_id
        token = _current.set(request_id)
        try:
            response = self.get_response(request)
        finally:
            _current.reset(token)
        response[HEADER] = request_id
        return response


class RequestIdFilter(logging.Filter):
    """Add request_id to every record (empty outside a request or task), for the formatters."""

    def filter(self, record: logging.LogRecord) -> bool:
        record.request_id = current()
        return True


# --- Celery -------------------------------------------------------------------------------------


def on_before_task_publish(headers=None, **_kwargs):
    """Put the current request id in the message's headers (Celery's before_task_publish)."""
    if headers is not None and (request_id := current()) and "request_id" not in headers:
        headers["request_id"] = request_id


_task_tokens: dict[str, contextvars.Token] = {}


def on_task_prerun(task_id=None, task=None, **_kwargs):
    """Serve the task under the request id it was published with, or under its own task id."""
    request_id = getattr(task.request, "request_id", None) if task is not None else None
    _task_tokens[task_id] = _current.set(_incoming(request_id) if request_id else f"task-{task_id}")


def on_task_postrun(task_id=None, **_kwargs):
    token = _task_tokens.pop(task_id, None)
    if token is not None:
        try:
            _current.reset(token)
        except ValueError:  # reset from another context (a pool thread): clear instead
            _current.set("")


def connect_celery_signals() -> None:
    from celery import signals

    signals.before_task_publish.connect(on_before_task_publish, dispatch_uid="cop_portal.request_id.publish")
    signals.task_prerun.connect(on_task_prerun, dispatch_uid="cop_portal.request_id.prerun")
    signals.task_postrun.connect(on_task_postrun, dispatch_uid="cop_portal.request_id.postrun")
