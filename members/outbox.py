"""The one way to run a task after a write: an outbox row in the same transaction, a hand-off after commit.

Every service that enqueues a task after changing data calls, inside its transaction,

    outbox.enqueue("meetings.notify_registration", registration.pk, "confirmed")

1. enqueue() writes an OutboxMessage (task name, JSON arguments, a unique key) in the current
   transaction (it opens one when there is none). If the transaction rolls back, nothing is
   sent; if it commits, the intent is on disk even if the broker or the web process dies.
2. On commit the row is handed to the broker at once (publish_now): no publish retries and
   short timeouts (the Celery settings), so a dead broker costs well under a second; the error
   is logged and the row stays pending. A request never fails because of the broker.
3. The dispatcher (dispatch(), the beat task members.dispatch_outbox every 30 seconds and
   `manage.py dispatch_outbox`) claims pending rows with select_for_update(skip_locked=True)
   and publishes them, and publishes again rows sent long ago (OUTBOX_REDELIVER_AFTER) that
   never finished: the email ledger makes a second run send nothing twice.
4. The message's task id is "outbox-<row id>-<random>"; when the task ends (success or final
   failure), the task_postrun handler below marks its row done or failed. A task still
   retrying leaves it sent.

With CELERY_TASK_ALWAYS_EAGER (`make run`, most tests) the hand-off runs the task in process,
as .delay() did.
"""

from __future__ import annotations

import logging
import uuid
from datetime import timedelta

from celery import current_app
from celery.signals import task_postrun
from django.conf import settings
from django.db import transaction
from django.db.models import F, Q
from django.utils import timezone

from .models import OutboxMessage

logger = logging.getLogger(__name__)

TASK_ID_PREFIX = "outbox-"
# A row handed to the broker but not done after this long is published again (a flushed Redis, a
# worker killed after its message was acknowledged). Long enough for a task's own retries to finish.
REDELIVER_AFTER = timedelta(seconds=getattr(settings, "OUTBOX_REDELIVER_AFTER", 3600))
# After this many publish attempts a row is failed for good (it stays for an operator to read).
MAX_ATTEMPTS = 20
BATCH_SIZE = 200
# Done rows are kept this long for inspection, then deleted by the dispatcher.
KEEP_DONE = timedelta(days=7)


def _task(name: str):
    """Return the Celery task called name, importing the apps' tasks modules if it is not loaded yet."""
    if name not in current_app.tasks:
        current_app.loader.import_default_modules()
    try:
        return current_app.tasks[name]
    except KeyError:
        raise LookupError(f"no Celery task is named {name!r}") from None


def enqueue(task, *args, key: str | None = None) -> OutboxMessage:
    """Record that task(*args) must run once this transaction commits, and hand it off then.

    task is a Celery task or its name. args must be JSON values (ids, strings, small dicts). key
    makes the intent unique: a second enqueue with the same key is the same message (returned as is).
    """
    task_name = _task(getattr(task, "name", task)).name
    key = (key or f"{task_name}:{uuid.uuid4().hex}")[:255]
    with transaction.atomic():
        message, created = OutboxMessage.objects.get_or_create(
            key=key, defaults={"task_name": task_name, "args": list(args)}
        )
        if created:
            transaction.on_commit(lambda: publish_now(message.pk))
    return message


def enqueue_many(task, args_list: list[list]) -> list[int]:
    """Record many runs of task in this transaction with one INSERT, and hand them off after commit.

    The bulk form of enqueue() for dispatchers that claim thousands of rows at once: one row per
    entry of args_list (each a list of JSON values), with fresh keys. Return the rows' ids.
    """
    if not args_list:
        return []
    task_name = _task(getattr(task, "name", task)).name
    with transaction.atomic():
        messages = OutboxMessage.objects.bulk_create(
            [
                OutboxMessage(key=f"{task_name}:{uuid.uuid4().hex}", task_name=task_name, args=list(args))
                for args in args_list
            ]
        )
        ids = [message.pk for message in messages]
        transaction.on_commit(lambda: publish_many(ids))
    return ids


def publish_many(message_ids: list[int]) -> int:
    """Hand fresh rows to the broker after commit: one UPDATE claims them; return how many were handed off.

    A broker error leaves the rest pending for the dispatcher (logged), as publish_now does for one.
    """
    now = timezone.now()
    with transaction.atomic():  # claim first (one SELECT, one UPDATE), publish after: an eager task marks its row done
        rows = list(
            OutboxMessage.objects.select_for_update(skip_locked=True)
            .filter(pk__in=message_ids, state=OutboxMessage.State.PENDING)
            .order_by("pk")
        )
        claimed = [row.pk for row in rows]
        OutboxMessage.objects.filter(pk__in=claimed).update(
            state=OutboxMessage.State.SENT, published_at=now, updated_at=now, attempts=F("attempts") + 1
        )
    published = 0
    for message in rows:
        pk = message.pk
        try:
            _publish(message, throw=current_app.conf.task_eager_propagates)
        except _broker_errors() as error:
            pending = [other for other in claimed if other >= pk]
            OutboxMessage.objects.filter(pk__in=pending).update(
                state=OutboxMessage.State.PENDING,
                next_attempt_at=timezone.now() + _backoff(1),
                last_error=_describe(error),
            )
            logger.warning(
                "Outbox: the broker is unreachable, %d rows left pending: %s", len(pending), _describe(error)
            )
            break
        published += 1
    return published


def _backoff(attempts: int) -> timedelta:
    return timedelta(seconds=min(15 * 2 ** max(attempts - 1, 0), 900))


def _describe(error: BaseException) -> str:
    return f"{type(error).__name__}: {error}"[:2000]


def _publish(message: OutboxMessage, *, throw: bool) -> None:
    """Send the task to the broker (run it here when eager, raising its error if throw); raise a broker error."""
    task = _task(message.task_name)
    task_id = f"{TASK_ID_PREFIX}{message.pk}-{uuid.uuid4().hex[:12]}"
    if current_app.conf.task_always_eager:
        task.apply(args=message.args, task_id=task_id, throw=throw)
        return
    # retry=False: the dispatcher is the retry. ignore_result: nothing waits for the result, and the
    # Redis result backend is not touched from the request.
    task.apply_async(args=message.args, task_id=task_id, retry=False, ignore_result=True)


def _broker_errors() -> tuple[type[BaseException], ...]:
    from kombu.exceptions import KombuError, OperationalError

    errors: list[type[BaseException]] = [KombuError, OperationalError, OSError, TimeoutError]
    try:
        import redis

        errors.append(redis.exceptions.RedisError)
    except ImportError:  # pragma: no cover - redis is installed with the broker
        pass
    return tuple(errors)


def publish_now(message_id: int) -> bool:
    """Hand a fresh row to the broker (after commit); return False, logged, when the broker is down."""
    now = timezone.now()
    claimed = OutboxMessage.objects.filter(pk=message_id, state=OutboxMessage.State.PENDING).update(
        state=OutboxMessage.State.SENT, published_at=now, updated_at=now
    )
    if not claimed:
        return False  # the dispatcher (or a task run) got there first
    message = OutboxMessage.objects.get(pk=message_id)
    try:
        # In eager mode a failing task raises into the caller, as .delay() did (tests see it).
        _publish(message, throw=current_app.conf.task_eager_propagates)
    except _broker_errors() as error:
        _release(message, error)
        logger.warning("Outbox %s: the broker is unreachable, left pending: %s", message.key, _describe(error))
        return False
    OutboxMessage.objects.filter(pk=message_id).update(attempts=message.attempts + 1)
    return True


def _release(message: OutboxMessage, error: BaseException) -> None:
    attempts = message.attempts + 1
    OutboxMessage.objects.filter(pk=message.pk).update(
        state=OutboxMessage.State.FAILED if attempts >= MAX_ATTEMPTS else OutboxMessage.State.PENDING,
        attempts=attempts,
        next_attempt_at=timezone.now() + _backoff(attempts),
        last_error=_describe(error),
        updated_at=timezone.now(),
    )


def dispatch(*, now=None, batch_size: int = BATCH_SIZE) -> int:
    """Publish the pending rows that are due and the stale sent ones; return how many were published.

    Safe to run twice at once: each run claims rows with select_for_update(skip_locked=True). A
    broker error stops the run (the rows stay pending, with a later next attempt).
    """
    now = now or timezone.now()
    State = OutboxMessage.State
    due = Q(state=State.PENDING, next_attempt_at__lte=now) | Q(
        state=State.SENT, published_at__lte=now - REDELIVER_AFTER
    )
    published = 0
    while True:
        with transaction.atomic():
            rows = list(
                OutboxMessage.objects.select_for_update(skip_locked=True).filter(due).order_by("pk")[:batch_size]
            )
            for row in rows:
                try:
                    _publish(row, throw=False)
                except _broker_errors() as error:
                    _release(row, error)
                    logger.warning("Outbox dispatcher: the broker is unreachable, %s", _describe(error))
                    return published
                # A task run in process (eager) has marked its row done already: keep that state.
                OutboxMessage.objects.filter(pk=row.pk, state__in=[State.PENDING, State.SENT]).update(
                    state=State.SENT, published_at=timezone.now(), updated_at=timezone.now()
                )
                OutboxMessage.objects.filter(pk=row.pk).update(attempts=row.attempts + 1)
                published += 1
        if len(rows) < batch_size:
            break
    OutboxMessage.objects.filter(state=State.DONE, updated_at__lt=now - KEEP_DONE).delete()
    return published


def message_id_of(task_id: str | None) -> int | None:
    """Return the outbox row id a task id names, or None for a task not sent through the outbox."""
    if not task_id or not task_id.startswith(TASK_ID_PREFIX):
        return None
    head = task_id[len(TASK_ID_PREFIX) :].split("-", 1)[0]
    return int(head) if head.isdigit() else None


@task_postrun.connect(dispatch_uid="members.outbox.mark_finished")
def _mark_finished(sender=None, task_id=None, state=None, retval=None, **kwargs) -> None:
    """Mark the task's outbox row done (success) or failed (final failure); a retry leaves it sent."""
    message_id = message_id_of(task_id)
    if message_id is None or state not in ("SUCCESS", "FAILURE"):
        return
    if state == "SUCCESS":
        changes = {"state": OutboxMessage.State.DONE, "last_error": ""}
    else:
        changes = {"state": OutboxMessage.State.FAILED, "last_error": _describe(retval)[:2000]}
    OutboxMessage.objects.filter(pk=message_id).update(updated_at=timezone.now(), **changes)
