"""The digest tasks, and the two steps that enqueue them: dispatch (per batch) and build_batch (per person)."""

from __future__ import annotations

import uuid
from datetime import datetime

from celery import shared_task
from django.utils import timezone
from django.utils.dateparse import parse_datetime

from members import outbox
from members.models import EmailLedger, User
from members.notifications import MAIL_RETRY

from . import shared
from .building import build_digests
from .periods import Period, digest_key
from .selection import digests_due
from .sending import digest_send

BATCH_SIZE = 50


def dispatch(*, now: datetime | None = None, batch_size: int = BATCH_SIZE) -> int:
    """Enqueue one build task per batch of people whose digest is due; return how many people.

    The batches of one call are one run: they share the period's candidate lists (shared.py),
    read by the first batch that needs them.
    """
    now = now or timezone.now()
    run = uuid.uuid4().hex
    batches = [
        ids[index : index + batch_size]
        for ids in digests_due(now=now).values()
        for index in range(0, len(ids), batch_size)
    ]
    outbox.enqueue_many(build_digest_batch, [[batch, now.isoformat(), run] for batch in batches])
    return sum(len(batch) for batch in batches)


def build_batch(*, user_ids: list[int], now: datetime, run: str | None = None) -> int:
    """Build the digests of a batch; skip the empty ones on the ledger, enqueue the others; return how many.

    run: the dispatch this batch belongs to (its batches share the period lists); None reads its own.
    """
    users = list(User.objects.filter(pk__in=user_ids, is_active=True).order_by("pk"))
    digests = build_digests(users, now=now, shared=shared.for_run(run, now) if run else None)
    empty = [digest for digest in digests if digest.is_empty]
    if empty:
        EmailLedger.objects.bulk_create(
            [
                EmailLedger(
                    key=digest_key(d.user.pk, d.period),
                    kind="digest",
                    user=d.user,
                    to_email=d.user.email,
                    status=EmailLedger.Status.SKIPPED,
                    last_error="nothing new",
                )
                for d in empty
            ],
            ignore_conflicts=True,
        )
    sends = []
    for digest in digests:
        if digest.is_empty:
            continue
        period = digest.period
        args = (digest.user.pk, period.frequency, period.key, period.start.isoformat(), period.end.isoformat())
        sends.append([*args, digest.payload()])
    # One INSERT for the batch's sends (and one hand-off after commit), not a few queries per person.
    outbox.enqueue_many(send_digest, sends)
    return len(sends)


@shared_task(name="cop_portal.dispatch_digests")
def dispatch_digests() -> int:
    """Find the people whose digest is due and enqueue their batches (beat, every 15 minutes; safe twice)."""
    return dispatch()


@shared_task(name="cop_portal.build_digest_batch")
def build_digest_batch(user_ids: list[int], now_iso: str, run: str | None = None) -> int:
    """Build the digests of one batch of people, as of now_iso (the dispatcher's clock), in run (its dispatch)."""
    return build_batch(user_ids=user_ids, now=parse_datetime(now_iso), run=run)


@shared_task(name="cop_portal.send_digest", **MAIL_RETRY)
def send_digest(user_id: int, frequency: str, key: str, start_iso: str, end_iso: str, payload: dict) -> bool:
    """Send one person's digest, re-checking that they may still see each entry."""
    period = Period(frequency=frequency, key=key, start=parse_datetime(start_iso), end=parse_datetime(end_iso))
    return digest_send(user_id=user_id, period=period, payload=payload)
