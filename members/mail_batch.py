"""Send many emails through the ledger over one SMTP connection (the dispatchers' chunks).

send_templated_email (members.notifications) costs about seven statements and a disk-synced commit
per email. A dispatcher's chunk of a few dozen emails goes through send_batch instead:

1. One statement takes a session advisory lock per key of the chunk (in key order: two batches
   sharing keys wait for each other, never deadlock). Whoever sends a key holds its lock from
   reading its status to recording the outcome, so two runs (a retried or duplicated task, two
   workers) never both send it; a worker that dies loses its connection and with it its locks.
2. One INSERT ... ON CONFLICT DO NOTHING writes the chunk's ledger rows (a row already there, sent,
   failed or skipped, stays as it is), one SELECT reads which are still queued, one query reads the
   recipients' preferences and one UPDATE marks skipped the rows of a stream turned off.
3. Each email (built ahead by the caller, Outgoing.message, or built now) goes over the chunk's one
   connection and its outcome is committed at once by one UPDATE: at most the email in flight is
   unknown when a worker dies, as with send_templated_email. These commits do not wait for the disk
   (synchronous_commit off for the batch): a crash of the database server, not of a worker, could
   forget the last fraction of a second of "sent" marks, and those emails would go out again; none
   is ever lost.
4. A transient SMTP error is recorded and raised again (the rest of the chunk stays queued, for the
   task's retry, MAIL_RETRY); a permanent one (or the last attempt) marks that row failed and the
   chunk goes on.

Keys sent here are sent only here (the reminders' "reminder:..." keys): send_templated_email
serialises on the row lock instead.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from smtplib import SMTPException

from django.core.mail import EmailMultiAlternatives, get_connection
from django.db import connection as db_connection
from django.db.models import F
from django.utils import timezone

from .models import EmailLedger, User, is_erased_address
from .notifications import _describe, _last_attempt, is_permanent, preference_allows, preferences_for

logger = logging.getLogger(__name__)


@dataclass
class Outgoing:
    """One email of a batch: its ledger key and recipient, and how to build it (or the message, built ahead)."""

    key: str
    user: User
    kind: str
    stream: str
    build: Callable[[], EmailMultiAlternatives]
    community_id: int | None = None
    message: EmailMultiAlternatives | None = None
    to_email: str = field(default="")

    def __post_init__(self) -> None:
        self.key = self.key[:255]
        self.kind = self.kind[:40]
        self.to_email = self.to_email or self.user.email


# The namespace of the ledger's advisory locks (pg_advisory_lock(LOCK_SPACE, hashtext(key))).
LOCK_SPACE = 15_015


def send_batch(items: list[Outgoing]) -> set[str]:
    """Send items through the ledger, each once whatever the retries; return the keys sent now.

    Not inside a transaction: each email's outcome is committed as soon as it is known.
    """
    if not items:
        return set()
    by_key = {item.key: item for item in items}
    keys = sorted(by_key)
    with db_connection.cursor() as cursor:
        cursor.execute("SET synchronous_commit TO OFF")
        cursor.execute(
            "SELECT pg_advisory_lock(%s, hashtext(k)) FROM (SELECT k FROM unnest(%s::text[]) AS k ORDER BY k) AS keys",
            [LOCK_SPACE, keys],
        )
    try:
        return _send_locked(by_key)
    finally:
        with db_connection.cursor() as cursor:
            cursor.execute(
                "SELECT pg_advisory_unlock(%s, hashtext(k)) FROM unnest(%s::text[]) AS k", [LOCK_SPACE, keys]
            )
            cursor.execute("RESET synchronous_commit")


def _send_locked(by_key: dict[str, Outgoing]) -> set[str]:
    EmailLedger.objects.bulk_create(
        [
            EmailLedger(
                key=item.key, kind=item.kind, user=item.user, to_email=item.to_email, community_id=item.community_id
            )
            for item in by_key.values()
        ],
        ignore_conflicts=True,
    )
    queued = {
        key: (pk, attempts)
        for key, pk, attempts in EmailLedger.objects.filter(key__in=list(by_key), status=EmailLedger.Status.QUEUED)
        .order_by("pk")
        .values_list("key", "pk", "attempts")
    }
    if not queued:
        return set()
    preferences = preferences_for({by_key[key].user.pk for key in queued})
    erased = {key for key in queued if by_key[key].user.is_erased or is_erased_address(by_key[key].to_email)}
    if erased:
        EmailLedger.objects.filter(pk__in=[queued[key][0] for key in erased], status=EmailLedger.Status.QUEUED).update(
            status=EmailLedger.Status.SKIPPED,
            last_error="the recipient erased their account",
            updated_at=timezone.now(),
        )
        queued = {key: value for key, value in queued.items() if key not in erased}
    skipped = {key for key in queued if not preference_allows(preferences[by_key[key].user.pk], by_key[key].stream)}
    for stream in {by_key[key].stream for key in skipped}:
        EmailLedger.objects.filter(
            pk__in=[queued[key][0] for key in skipped if by_key[key].stream == stream], status=EmailLedger.Status.QUEUED
        ).update(
            status=EmailLedger.Status.SKIPPED,
            last_error=f"{stream} turned off by the recipient",
            updated_at=timezone.now(),
        )
    sent: set[str] = set()
    connection = get_connection()
    try:
        for key, (pk, attempts) in queued.items():
            if key not in skipped and _send_one(by_key[key], pk, attempts, connection):
                sent.add(key)
    finally:
        connection.close()
    return sent


def _send_one(item: Outgoing, pk: int, attempts: int, connection) -> bool:
    """Send one queued row's message over connection and record the outcome in one UPDATE (its key is locked)."""
    message = item.message or item.build()
    message.connection = connection
    row = EmailLedger.objects.filter(pk=pk, status=EmailLedger.Status.QUEUED)
    fields = {"subject": message.subject[:300], "to_email": item.to_email, "attempts": F("attempts") + 1}
    try:
        connection.send_messages([message])
    except (SMTPException, OSError) as error:
        last_error = _describe(error)
        if is_permanent(error) or _last_attempt(EmailLedger(pk=pk, key=item.key, attempts=attempts + 1)):
            logger.warning("Email %s failed for good: %s", item.key, last_error)
            row.update(**fields, status=EmailLedger.Status.FAILED, last_error=last_error, updated_at=timezone.now())
            return False
        row.update(**fields, last_error=last_error, updated_at=timezone.now())
        raise  # recorded; the task retries with backoff (the rest of the batch stays queued)
    now = timezone.now()
    row.update(**fields, status=EmailLedger.Status.SENT, sent_at=now, last_error="", updated_at=now)
    return True
