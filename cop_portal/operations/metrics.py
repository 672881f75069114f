"""Prometheus metrics at /metrics, for a scraper that shows a token or comes from an allowed network.

Requests and latency by view, and database queries, are django-prometheus's (its two middlewares
and its database backends, settings.base). The portal's own figures are read when the scraper asks
(MetricsCollector), from where they already are, so every web node answers the same:
- tasks run, failed and retried, by task: counted by the workers in a Redis hash (Celery's signals);
- the email ledger's open entries (queued, failed) and the outbox's (pending, failed);
- the outbox lag: how long the oldest message due has waited to be handed to the broker;
- reminder lateness: how long past its time the oldest reminder still pending is, and how many are due.

With several gunicorn workers, set PROMETHEUS_MULTIPROC_DIR (an empty directory, the same for all
workers of a node) so a scrape sums the workers' counters (prometheus_client's multiprocess mode;
gunicorn.conf.py marks a stopped worker's files dead).
"""

from __future__ import annotations

import hmac
import ipaddress
import logging
import os

from django.conf import settings
from django.http import Http404, HttpResponse
from django.views.decorators.cache import never_cache
from django.views.decorators.http import require_GET

logger = logging.getLogger(__name__)

TASKS_KEY = "cop:metrics:tasks"
_local_task_counts: dict[tuple[str, str], int] = {}  # eager tasks, no Redis (the embedded default)


# --- Task counts (in the worker) -------------------------------------------------------------------


def _count_task(name: str, outcome: str) -> None:
    try:
        if settings.REDIS_URL:
            import redis

            client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
            client.hincrby(TASKS_KEY, f"{name}\t{outcome}", 1)
        else:
            _local_task_counts[(name, outcome)] = _local_task_counts.get((name, outcome), 0) + 1
    except Exception:  # noqa: BLE001 - a metric never fails a task
        logger.debug("task metric not counted", exc_info=True)


def on_task_success(sender=None, **_kwargs):
    _count_task(getattr(sender, "name", str(sender)), "success")


def on_task_failure(sender=None, **_kwargs):
    _count_task(getattr(sender, "name", str(sender)), "failure")


def on_task_retry(sender=None, **_kwargs):
    _count_task(getattr(sender, "name", str(sender)), "retry")


def connect_celery_signals() -> None:
    from celery import signals

    signals.task_success.connect(on_task_success, dispatch_uid="cop_portal.metrics.success")
    signals.task_failure.connect(on_task_failure, dispatch_uid="cop_portal.metrics.failure")
    signals.task_retry.connect(on_task_retry, dispatch_uid="cop_portal.metrics.retry")


def task_counts() -> dict[tuple[str, str], int]:
    """Return {(task, outcome): count} as the workers counted them."""
    if not settings.REDIS_URL:
        return dict(_local_task_counts)
    import redis

    client = redis.Redis.from_url(settings.REDIS_URL, socket_connect_timeout=1, socket_timeout=1)
    counts = {}
    for field, value in client.hgetall(TASKS_KEY).items():
        name, _, outcome = field.decode().partition("\t")
        counts[(name, outcome)] = int(value)
    return counts


# --- The portal's figures, read at scrape time -----------------------------------------------------


class MetricsCollector:
    """Yield the portal's own metrics; each is one indexed query (or a Redis read) per scrape."""

    def describe(self):
        return []  # no description ahead: the registry must not collect (query) when this is registered

    def collect(self):
        from django.utils import timezone
        from prometheus_client.core import CounterMetricFamily, GaugeMetricFamily

        from meetings.models import Reminder
        from members.models import EmailLedger, OutboxMessage

        now = timezone.now()
        tasks = CounterMetricFamily(
            "cop_celery_tasks", "Celery tasks finished, by task and outcome.", labels=["task", "outcome"]
        )
        try:
            for (name, outcome), count in sorted(task_counts().items()):
                tasks.add_metric([name, outcome], count)
        except Exception:  # noqa: BLE001 - Redis down: the other figures still answer
            logger.warning("task counts unavailable", exc_info=True)
        yield tasks

        ledger = GaugeMetricFamily(
            "cop_email_ledger_open", "Emails in the ledger not sent yet, by status.", labels=["status"]
        )
        for status in (EmailLedger.Status.QUEUED, EmailLedger.Status.FAILED):
            ledger.add_metric([status], EmailLedger.objects.filter(status=status).count())
        yield ledger

        outbox = GaugeMetricFamily("cop_outbox_messages", "Outbox messages not done, by state.", labels=["state"])
        for state in (OutboxMessage.State.PENDING, OutboxMessage.State.SENT, OutboxMessage.State.FAILED):
            outbox.add_metric([state], OutboxMessage.objects.filter(state=state).count())
        yield outbox

        oldest_due = (
            OutboxMessage.objects.filter(state=OutboxMessage.State.PENDING, next_attempt_at__lte=now)
            .order_by("next_attempt_at")
            .values_list("next_attempt_at", flat=True)
            .first()
        )
        yield GaugeMetricFamily(
            "cop_outbox_lag_seconds",
            "How long the oldest outbox message due has waited for the broker (0 when none waits).",
            value=(now - oldest_due).total_seconds() if oldest_due else 0.0,
        )

        due = Reminder.objects.filter(status=Reminder.Status.PENDING, due_at__lte=now)
        oldest_reminder = due.order_by("due_at").values_list("due_at", flat=True).first()
        yield GaugeMetricFamily("cop_reminders_due", "Reminders past their time and not sent yet.", value=due.count())
        yield GaugeMetricFamily(
            "cop_reminder_lateness_seconds",
            "How far past its time the oldest reminder not sent yet is (0 when none is late).",
            value=(now - oldest_reminder).total_seconds() if oldest_reminder else 0.0,
        )


# --- The endpoint ------------------------------------------------------------------------------


def allowed(request) -> bool:
    """Return whether request may read the metrics: METRICS_TOKEN as bearer token, or an allowed network address."""
    token = settings.METRICS_TOKEN
    if token:
        scheme, _, given = request.headers.get("Authorization", "").partition(" ")
        if scheme.lower() == "bearer" and hmac.compare_digest(given.strip().encode(), token.encode()):
            return True
    networks = settings.METRICS_ALLOWED_NETWORKS
    if networks:
        try:
            address = ipaddress.ip_address(request.META.get("REMOTE_ADDR", ""))
        except ValueError:
            return False
        return any(address in ipaddress.ip_network(network, strict=False) for network in networks)
    return False


_registered = False


def _registry():
    global _registered
    from prometheus_client import REGISTRY, CollectorRegistry, multiprocess

    if os.environ.get("PROMETHEUS_MULTIPROC_DIR"):
        registry = CollectorRegistry()
        multiprocess.MultiProcessCollector(registry)
        registry.register(MetricsCollector())
        return registry
    if not _registered:
        REGISTRY.register(MetricsCollector())
        _registered = True
    return REGISTRY


@never_cache
@require_GET
def metrics_view(request):
    """The metrics in Prometheus's text format; 404 for anyone not allowed (nothing tells it exists)."""
    from prometheus_client import CONTENT_TYPE_LATEST, generate_latest

    if not allowed(request):
        raise Http404
    return HttpResponse(generate_latest(_registry()), content_type=CONTENT_TYPE_LATEST)
