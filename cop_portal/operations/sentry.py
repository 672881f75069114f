"""Error reports to Sentry (or any Sentry-compatible service) when SENTRY_DSN is set.

sentry-sdk's Django and Celery integrations catch what a page or a task raises. Personal data stays
home: the SDK is told not to collect it (data_collection), and scrub() removes what could still
carry it: cookies, request bodies and query strings, user fields but the id, the Authorization
header, and every email address in messages, exception texts and breadcrumbs. Each event is tagged
with the request id, so it can be found in the logs.
"""

from __future__ import annotations

import re
from typing import Any

EMAIL = re.compile(r"[\w.+-]+@[\w-]+(\.[\w-]+)+")
REDACTED = "[redacted]"
_DROP_HEADERS = {"authorization", "cookie", "x-csrftoken", "proxy-authorization"}


def _redact_text(value: Any) -> Any:
    return EMAIL.sub(REDACTED, value) if isinstance(value, str) else value


def scrub(event: dict, _hint: dict | None = None) -> dict:
    """Remove personal data from a Sentry event (its before_send and before_send_transaction)."""
    from .request_id import current

    request = event.get("request") or {}
    for key in ("cookies", "data", "query_string", "env"):
        request.pop(key, None)
    if isinstance(request.get("headers"), dict):
        request["headers"] = {k: v for k, v in request["headers"].items() if k.lower() not in _DROP_HEADERS}
    if isinstance(request.get("url"), str):
        request["url"] = _redact_text(request["url"])
    user = event.get("user")
    if isinstance(user, dict):
        event["user"] = {"id": user["id"]} if "id" in user else {}
    if "message" in event:
        event["message"] = _redact_text(event["message"])
    logentry = event.get("logentry") or {}
    for key in ("message", "formatted"):
        if key in logentry:
            logentry[key] = _redact_text(logentry[key])
    if "params" in logentry:
        logentry["params"] = [_redact_text(value) for value in logentry.get("params") or []]
    for exception in (event.get("exception") or {}).get("values") or []:
        exception["value"] = _redact_text(exception.get("value"))
        for frame in (exception.get("stacktrace") or {}).get("frames") or []:
            frame.pop("vars", None)  # local variables may hold anyone's data
            frame["context_line"] = _redact_text(frame.get("context_line"))
            for key in ("pre_context", "post_context"):
                frame[key] = [_redact_text(line) for line in frame.get(key) or []]
    breadcrumbs = event.get("breadcrumbs")
    crumbs = breadcrumbs.get("values", []) if isinstance(breadcrumbs, dict) else breadcrumbs or []
    for crumb in crumbs:
        crumb["message"] = _redact_text(crumb.get("message"))
        crumb.pop("data", None)
    if request_id := current():
        event.setdefault("tags", {})["request_id"] = request_id
    return event


def init(dsn: str, *, environment: str, release: str, traces_sample_rate: float) -> None:
    """Start reporting errors of pages and tasks to dsn."""
    import sentry_sdk
    from sentry_sdk.integrations.celery import CeleryIntegration
    from sentry_sdk.integrations.django import DjangoIntegration

    sentry_sdk.init(
        dsn=dsn,
        environment=environment,
        release=release or None,
        integrations=[DjangoIntegration(), CeleryIntegration()],
        # No person, no request body, no local variables; scrub() takes out the rest.
        data_collection={"user_info": False, "http_bodies": [], "stack_frame_variables": False},
        traces_sample_rate=traces_sample_rate,
        before_send=scrub,
        before_send_transaction=scrub,
    )
