"""Posting a delivery: the signature, the HTTP request, retries with backoff, and disabling a failing endpoint.

Exactly once per event and endpoint: deliver() locks the delivery row (select_for_update with
skip_locked), posts only while it is pending and due, and marks it delivered in the same
transaction. A task run twice, or a second worker, finds the row locked or no longer pending and
posts nothing. (If the worker dies between the receiver's answer and the commit, the POST is made
again later with the same X-CoP-Delivery id, which receivers use to drop repeats.)

Retries are rows, not long countdowns in Redis: a failed attempt sets next_attempt_at, and the
beat task communities.retry_webhooks (retry_due) hands the due rows to the outbox again.
"""

from __future__ import annotations

import hashlib
import hmac
import ipaddress
import json
import logging
import socket
import time
from dataclasses import dataclass
from datetime import datetime, timedelta

import urllib3
from django.conf import settings
from django.db import transaction
from django.db.models import F
from django.utils import timezone
from django.utils.translation import gettext as _

from ..models import WebhookDelivery, WebhookEndpoint

logger = logging.getLogger(__name__)

# The wait before each retry; after the last one the delivery is failed.
BACKOFF = (
    timedelta(minutes=1),
    timedelta(minutes=5),
    timedelta(minutes=30),
    timedelta(hours=2),
    timedelta(hours=12),
)
USER_AGENT = "CoP-Portal-Webhooks/1"
RETRY_BATCH = 500


def timeout_seconds() -> float:
    return float(getattr(settings, "WEBHOOKS_TIMEOUT", 5))


def disable_after() -> int:
    """Return how many failed attempts in a row disable an endpoint."""
    return int(getattr(settings, "WEBHOOKS_DISABLE_AFTER", 15))


def local_allowed() -> bool:
    """Return True when plain http to this machine and private addresses are allowed (DEBUG, tests)."""
    return bool(settings.DEBUG or getattr(settings, "WEBHOOKS_ALLOW_HTTP", False))


def body_of(delivery: WebhookDelivery) -> bytes:
    """Return the exact bytes posted for delivery (the same at every attempt)."""
    return json.dumps(delivery.payload, ensure_ascii=False, separators=(",", ":"), sort_keys=True).encode()


def signature(secret: str, body: bytes, timestamp: int) -> str:
    """Return the X-CoP-Signature header: t=<unix>,v1=<hex HMAC-SHA256 of '<t>.<body>' keyed by secret>."""
    mac = hmac.new(secret.encode(), f"{timestamp}.".encode() + body, hashlib.sha256).hexdigest()
    return f"t={timestamp},v1={mac}"


def verify(secret: str, body: bytes, header: str, *, tolerance: int = 300, now: float | None = None) -> bool:
    """Return True when header signs body with secret and is at most tolerance seconds old (for receivers)."""
    try:
        parts = dict(part.split("=", 1) for part in header.split(","))
        timestamp = int(parts["t"])
    except (KeyError, ValueError):
        return False
    if abs((now or time.time()) - timestamp) > tolerance:
        return False
    expected = signature(secret, body, timestamp).split("v1=", 1)[1]
    return hmac.compare_digest(expected, parts.get("v1", ""))


class Refused(Exception):
    """The address may not be called (plain http, a private network): no request was made."""


@dataclass(frozen=True)
class Outcome:
    status: int | None
    duration_ms: int
    error: str = ""

    @property
    def ok(self) -> bool:
        return self.status is not None and 200 <= self.status < 300


def _address(url: str) -> tuple[urllib3.util.Url, str, int]:
    """Return (parsed url, the IP address to connect to, port); raise Refused for addresses not allowed."""
    parts = urllib3.util.parse_url(url)
    scheme = (parts.scheme or "").lower()
    if scheme not in ("https", "http") or not parts.host:
        raise Refused(_("Only https addresses can receive webhooks."))
    if scheme == "http" and not local_allowed():
        raise Refused(_("Only https addresses can receive webhooks."))
    port = parts.port or (443 if scheme == "https" else 80)
    host = parts.host.strip("[]")
    try:
        infos = socket.getaddrinfo(host, port, type=socket.SOCK_STREAM)
    except OSError as error:
        raise Refused(_("The host name could not be resolved (%(error)s).") % {"error": error}) from None
    addresses = [ipaddress.ip_address(info[4][0].split("%", 1)[0]) for info in infos]
    if not local_allowed() and any(not address.is_global for address in addresses):
        # Checked at delivery time, and the connection goes to the address checked (no second lookup).
        raise Refused(_("The address is on a private or local network."))
    return parts, str(addresses[0]), port


def post(endpoint: WebhookEndpoint, delivery: WebhookDelivery, *, now: datetime | None = None) -> Outcome:
    """POST delivery's body to endpoint with its headers; return what happened (never raise for the network)."""
    body = body_of(delivery)
    timestamp = int((now or timezone.now()).timestamp())
    started = time.monotonic()

    def elapsed() -> int:
        return int((time.monotonic() - started) * 1000)

    try:
        parts, ip, port = _address(endpoint.url)
    except Refused as error:
        return Outcome(None, elapsed(), str(error))
    headers = {
        "Host": parts.netloc,
        "Content-Type": "application/json",
        "User-Agent": USER_AGENT,
        "X-CoP-Event": delivery.event_type,
        "X-CoP-Delivery": str(delivery.event_id),
        "X-CoP-Signature": signature(endpoint.secret, body, timestamp),
    }
    timeout = urllib3.Timeout(connect=timeout_seconds(), read=timeout_seconds())
    if parts.scheme == "https":
        pool = urllib3.HTTPSConnectionPool(
            ip,
            port,
            timeout=timeout,
            retries=False,
            maxsize=1,
            cert_reqs="CERT_REQUIRED",
            server_hostname=parts.host,
            assert_hostname=parts.host,
        )
    else:
        pool = urllib3.HTTPConnectionPool(ip, port, timeout=timeout, retries=False, maxsize=1)
    try:
        response = pool.urlopen(
            "POST", parts.request_uri, body=body, headers=headers, redirect=False, retries=False, preload_content=False
        )
        try:
            response.read(4096, decode_content=False)  # enough to finish a small answer; the rest is not kept
        finally:
            response.release_conn()
    except (urllib3.exceptions.HTTPError, OSError) as error:
        return Outcome(None, elapsed(), f"{type(error).__name__}: {error}"[:1000])
    finally:
        pool.close()
    status = response.status
    if 200 <= status < 300:
        return Outcome(status, elapsed())
    return Outcome(status, elapsed(), _("The endpoint answered %(status)s.") % {"status": status})


def deliver(delivery_id: int, *, now: datetime | None = None) -> str:
    """Post one delivery if it is still pending and due; return what happened (a word for logs and tests)."""
    now = now or timezone.now()
    with transaction.atomic():
        delivery = (
            WebhookDelivery.objects.select_for_update(skip_locked=True, of=("self",))
            .select_related("endpoint")
            .filter(pk=delivery_id)
            .first()
        )
        if delivery is None:
            return "locked"  # another run holds it (or it was deleted with its endpoint)
        if delivery.state != WebhookDelivery.State.PENDING:
            return "done"
        if delivery.next_attempt_at > now:
            return "not due"
        endpoint = delivery.endpoint
        if not endpoint.is_active:
            delivery.state = WebhookDelivery.State.FAILED
            delivery.last_error = _("The endpoint is disabled.")
            delivery.save(update_fields=["state", "last_error"])
            return "disabled"
        outcome = post(endpoint, delivery, now=now)
        _record(delivery, outcome, now=now)
        return "sent" if outcome.ok else "failed"


def _record(delivery: WebhookDelivery, outcome: Outcome, *, now: datetime) -> None:
    """Save an attempt's outcome on the (locked) delivery and the endpoint's failure count."""
    State = WebhookDelivery.State
    delivery.attempts += 1
    delivery.retries += 1
    delivery.last_attempt_at = now
    delivery.response_status = outcome.status
    delivery.duration_ms = outcome.duration_ms
    delivery.last_error = outcome.error
    if outcome.ok:
        delivery.state = State.SUCCEEDED
        delivery.delivered_at = now
        WebhookEndpoint.objects.filter(pk=delivery.endpoint_id, consecutive_failures__gt=0).update(
            consecutive_failures=0
        )
    else:
        if delivery.retries > len(BACKOFF):
            delivery.state = State.FAILED
        else:
            delivery.next_attempt_at = now + BACKOFF[delivery.retries - 1]
        WebhookEndpoint.objects.filter(pk=delivery.endpoint_id).update(
            consecutive_failures=F("consecutive_failures") + 1
        )
        _disable_if_failing(delivery.endpoint_id, now=now)
    delivery.save()


def _disable_if_failing(endpoint_id: int, *, now: datetime) -> None:
    from members import outbox

    disabled = WebhookEndpoint.objects.filter(
        pk=endpoint_id, is_active=True, consecutive_failures__gte=disable_after()
    ).update(
        is_active=False,
        disabled_at=now,
        disabled_reason=_("Disabled by the portal after %(count)d failed attempts in a row.")
        % {"count": disable_after()},
    )
    if disabled:
        logger.warning("Webhook endpoint %s disabled after %d failures in a row", endpoint_id, disable_after())
        outbox.enqueue(
            "communities.notify_webhook_disabled",
            endpoint_id,
            key=f"webhook-disabled:{endpoint_id}:{int(now.timestamp())}",
        )


def retry_due(*, now: datetime | None = None, batch_size: int = RETRY_BATCH) -> int:
    """Hand the deliveries whose retry is due to the outbox again; return how many.

    Each retry is keyed by the delivery and its attempt count, so two beat runs at once enqueue it once.
    """
    from members import outbox

    from . import DELIVER_TASK

    now = now or timezone.now()
    due = list(
        WebhookDelivery.objects.filter(
            state=WebhookDelivery.State.PENDING, retries__gt=0, next_attempt_at__lte=now
        ).values_list("pk", "attempts")[:batch_size]
    )
    with transaction.atomic():
        for pk, attempts in due:
            outbox.enqueue(DELIVER_TASK, pk, key=f"webhook:{pk}:{attempts}")
    return len(due)
