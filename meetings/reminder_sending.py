"""Sending claimed reminders: a chunk is rendered ahead of its due moment and handed to SMTP at it.

The dispatcher (meetings.reminders) claims rows up to LOOKAHEAD before they fall due, in chunks whose
rows share one due moment. The send task (meetings.tasks.send_reminders) then

1. prepares the chunk at once (reminders_prepare): checks who may still receive it and renders each
   email, kept in the cache under its ledger key with a fingerprint of what it says; then it
   publishes itself again for the due moment (a Celery eta; the worker holds it without a process);
2. at the due moment sends it (reminders_send): the same checks again, batched (the rows, the
   agenda, one visibility question per meeting, the preferences: a constant number of queries),
   and the chunk goes through members.mail_batch.send_batch: one ledger INSERT ... ON CONFLICT DO
   NOTHING, one lock of the rows still queued, one SMTP connection, one UPDATE of the outcomes. An
   email whose prepared copy is missing (a flushed cache) or stale (the meeting, its agenda or the
   person changed since) is rendered there and then.

Nothing is lost when Redis goes: a claimed row not sent after STALE_CLAIM is enqueued again, and the
ledger makes every repeat send nothing twice.
"""

from __future__ import annotations

import hashlib
import logging
import pickle  # noqa: S403 - our own messages, in our own cache
import time
import zlib
from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.cache import cache
from django.db.models import prefetch_related_objects
from django.utils import timezone

from communities.models import Membership
from communities.translation import localize, localized_agenda
from members.mail_batch import Outgoing, send_batch
from members.models import User
from members.notifications import absolute_url, build_message
from members.tokens import STREAM_REMINDERS

from .models import AgendaItem, Meeting, Registration, Reminder
from .reminders import LOOKAHEAD, _wants_reminders, due_time

logger = logging.getLogger(__name__)

# A prepared email is kept this long in the cache (its chunk is sent at most LOOKAHEAD later).
PREPARED_TTL = int((LOOKAHEAD + timedelta(minutes=10)).total_seconds())
# A chunk due sooner than this is sent at once (not worth a second trip through the broker).
SEND_NOW_WITHIN = timedelta(seconds=1)


def may_receive(*, user: User, meeting: Meeting) -> bool:
    """Return whether user may still be reminded of meeting: active, can see it, has not left its community."""
    if user is None or not user.is_active:
        return False
    if not Meeting.objects.visible_to(user).filter(pk=meeting.pk).exists():
        return False
    left = Membership.objects.filter(
        user=user, community_id=meeting.community_id, group__isnull=True, status=Membership.Status.LEFT
    )
    return not left.exists()


def may_receive_among(*, user_ids: Iterable[int], meeting: Meeting) -> set[int]:
    """Return which of user_ids may_receive a reminder of meeting, in one query (the dispatcher's chunks)."""
    left = Membership.objects.filter(
        community_id=meeting.community_id, group__isnull=True, status=Membership.Status.LEFT
    ).values("user_id")
    return set(
        User.objects.filter(pk__in=list(user_ids), is_active=True)
        .filter(Meeting.objects.viewers(meeting))
        .exclude(pk__in=left)
        .values_list("pk", flat=True)
    )


def _settle(reminder: Reminder) -> bool:
    """Return whether a claimed reminder still announces its meeting as it is; otherwise put it right (False)."""
    meeting = reminder.meeting
    claimed = Reminder.objects.filter(pk=reminder.pk, status=Reminder.Status.CLAIMED)
    if meeting.status != Meeting.Status.SCHEDULED:
        claimed.update(status=Reminder.Status.CANCELLED, updated_at=timezone.now())
        return False
    due = due_time(meeting, reminder.offset_minutes)
    if reminder.due_at != due:
        # The meeting moved after the claim and nothing recomputed this row: put it back in the
        # queue for the new start, unless that start already has its own row (then this one is done).
        planned = reminder.registration_id is not None and (
            Reminder.objects.filter(
                registration_id=reminder.registration_id, offset_minutes=reminder.offset_minutes, due_at=due
            )
            .exclude(pk=reminder.pk)
            .exists()
        )
        if planned:
            claimed.update(status=Reminder.Status.CANCELLED, claimed_at=None, updated_at=timezone.now())
        else:
            claimed.update(status=Reminder.Status.PENDING, due_at=due, claimed_at=None, updated_at=timezone.now())
        return False
    if meeting.start <= timezone.now():
        claimed.update(status=Reminder.Status.MISSED, updated_at=timezone.now())
        return False
    return True


def _finish(finished: dict[str, list[int]]) -> None:
    """Record the outcome of the reminders handled: one UPDATE per outcome (claimed rows only)."""
    now = timezone.now()
    for status, ids in finished.items():
        if ids:
            Reminder.objects.filter(pk__in=ids, status=Reminder.Status.CLAIMED).update(
                status=status, sent_at=now if status == Reminder.Status.SENT else None, updated_at=now
            )


class _Chunk:
    """A chunk's claimed reminders still valid, who each is for, the agendas and who may receive them."""

    def __init__(self, reminder_ids: Iterable[int]):
        self.reminders = [
            reminder
            for reminder in Reminder.objects.select_related(
                "meeting__community", "meeting__group", "registration__user"
            )
            .filter(pk__in=list(reminder_ids), status=Reminder.Status.CLAIMED)
            .order_by("pk")
            if _settle(reminder)
        ]
        self.recipients: dict[int, list[Registration]] = {}
        for reminder in self.reminders:
            if reminder.registration_id is not None:
                self.recipients[reminder.pk] = [reminder.registration]
            else:  # an organiser's reminder, for everyone registered
                self.recipients[reminder.pk] = list(
                    Registration.objects.filter(
                        meeting=reminder.meeting, status=Registration.Status.REGISTERED, user__isnull=False
                    )
                    .select_related("user")
                    .order_by("pk")
                )
        meetings = {reminder.meeting_id: reminder.meeting for reminder in self.reminders}
        self.agendas: dict[int, list] = defaultdict(list)
        if meetings:
            # Each recipient reads the meeting in their language where someone translated it: the
            # translations of the chunk's meetings and agendas are read once, not per email.
            prefetch_related_objects(list(meetings.values()), "translations")
            items = AgendaItem.objects.filter(meeting_id__in=meetings).prefetch_related("translations")
            for item in items.order_by("meeting_id", "order", "pk"):
                item.meeting = meetings[item.meeting_id]
                self.agendas[item.meeting_id].append(item)
        wanted: dict[int, set[int]] = defaultdict(set)
        for reminder in self.reminders:
            wanted[reminder.meeting_id] |= {r.user_id for r in self.recipients[reminder.pk] if _wants_reminders(r)}
        self.receivers = {
            meeting_id: may_receive_among(user_ids=user_ids, meeting=meetings[meeting_id]) if user_ids else set()
            for meeting_id, user_ids in wanted.items()
        }

    def due_at(self) -> datetime | None:
        return max((reminder.due_at for reminder in self.reminders), default=None)

    def deliveries(self):
        """Yield (reminder, registration or None): each email to send, then None for a reminder nobody may receive."""
        for reminder in self.reminders:
            delivered = False
            for registration in self.recipients[reminder.pk]:
                if _wants_reminders(registration) and registration.user_id in self.receivers[reminder.meeting_id]:
                    delivered = True
                    yield reminder, registration
            if not delivered:
                yield reminder, None

    def key(self, reminder: Reminder, registration: Registration) -> str:
        return f"reminder:{reminder.pk}:{registration.user_id}"

    def fingerprint(self, reminder: Reminder, registration: Registration) -> str:
        """Return a digest of everything the email says: a prepared copy is used only while it still matches."""
        meeting, user = reminder.meeting, registration.user
        agenda = [(item.pk, item.order, item.starts_at, item.title, item.speaker) for item in self.agendas[meeting.pk]]
        facts = (
            meeting.updated_at,
            meeting.start,
            reminder.due_at,
            reminder.message,
            user.email,
            user.full_name,
            user.language,
            user.time_zone,
            agenda,
            [(row.language_code, row.translated_at) for row in meeting.translations.all()],
            [
                (row.master_id, row.language_code, row.translated_at)
                for item in self.agendas[meeting.pk]
                for row in item.translations.all()
            ],
        )
        return hashlib.sha256(repr(facts).encode()).hexdigest()

    def build(self, reminder: Reminder, registration: Registration, sent_at: datetime):
        meeting, user = reminder.meeting, registration.user
        language = user.language or meeting.community.default_language
        return build_message(
            to_email=user.email,
            user=user,
            template_prefix="meetings/emails/reminder",
            context={
                "meeting": meeting,
                "community": meeting.community,
                "reminder": reminder,
                "sent_at": sent_at,
                "person_name": user.get_full_name(),
                "viewer_zone": user.time_zone,
                "shown": localize(meeting, language=language),
                "agenda": localized_agenda(self.agendas[meeting.pk], language),
                "join_url": meeting.online_url if meeting.is_online else "",
                "meeting_url": absolute_url(meeting.get_absolute_url()),
            },
            language=user.language,
            time_zone=user.time_zone,
            stream=STREAM_REMINDERS,
        )


def _cache_key(key: str) -> str:
    return f"prepared-email:{key}"


def reminders_prepare(*, reminder_ids: Iterable[int], now: datetime | None = None) -> datetime | None:
    """Render a chunk's emails ahead of its due moment, into the cache; return that moment, or None to send now.

    None when the chunk is already due (or nothing in it is left to send), or when its moment lies
    further ahead than the dispatcher ever claims (a caller's clock that is not the real one).
    """
    now = now or timezone.now()
    chunk = _Chunk(reminder_ids)
    due = chunk.due_at()
    if due is None or due - now < SEND_NOW_WITHIN or due - now > LOOKAHEAD + timedelta(minutes=1):
        return None
    prepared = {}
    for reminder, registration in chunk.deliveries():
        if registration is not None:
            message = chunk.build(reminder, registration, sent_at=due)
            payload = zlib.compress(pickle.dumps(message, protocol=pickle.HIGHEST_PROTOCOL))
            prepared[_cache_key(chunk.key(reminder, registration))] = (
                chunk.fingerprint(reminder, registration),
                payload,
            )
    if prepared:
        cache.set_many(prepared, timeout=PREPARED_TTL)
    return due


def wait_until(moment: datetime) -> None:
    """Sleep until moment (at most LOOKAHEAD and a minute): a chunk prepared where no eta is possible."""
    seconds = (moment - timezone.now()).total_seconds()
    if seconds > 0:
        time.sleep(min(seconds, (LOOKAHEAD + timedelta(minutes=1)).total_seconds()))


def reminders_send(*, reminder_ids: Iterable[int]) -> int:
    """Send a chunk of claimed reminders whose announcement still holds; return how many emails went out now.

    A constant number of reads per meeting of the chunk (the rows, the agenda, who of the chunk may
    still receive it: one query, see may_receive_among), then one ledger batch for the whole chunk
    (members.mail_batch.send_batch): a retried chunk skips what the ledger has sent and finishes the
    rows left claimed. Emails prepared ahead (reminders_prepare) are taken from the cache.
    """
    chunk = _Chunk(reminder_ids)
    if not chunk.reminders:
        return 0
    sent_at = timezone.now()
    outgoing: list[tuple[Reminder, Registration, str]] = []
    finished: dict[str, list[int]] = defaultdict(list)
    for reminder, registration in chunk.deliveries():
        if registration is None:
            finished[
                Reminder.Status.CANCELLED if reminder.registration_id is not None else Reminder.Status.SENT
            ].append(reminder.pk)
        else:
            outgoing.append((reminder, registration, chunk.key(reminder, registration)))
    ready = cache.get_many([_cache_key(key) for _r, _reg, key in outgoing]) if outgoing else {}
    items = []
    for reminder, registration, key in outgoing:
        message = None
        fingerprint, payload = ready.get(_cache_key(key), (None, None))
        if payload is not None and fingerprint == chunk.fingerprint(reminder, registration):
            message = pickle.loads(zlib.decompress(payload))  # noqa: S301 - written by reminders_prepare
        items.append(
            Outgoing(
                key=key,
                user=registration.user,
                kind="reminder",
                stream=STREAM_REMINDERS,
                community_id=reminder.meeting.community_id,
                message=message,
                build=lambda r=reminder, g=registration: chunk.build(r, g, sent_at=max(sent_at, r.due_at)),
            )
        )
    sent = send_batch(items)  # a transient SMTP error raises: the rows stay claimed for the retry
    for reminder in chunk.reminders:
        if reminder.pk not in finished[Reminder.Status.CANCELLED] and reminder.pk not in finished[Reminder.Status.SENT]:
            finished[Reminder.Status.SENT].append(reminder.pk)
    _finish(finished)
    if outgoing:
        cache.delete_many([_cache_key(key) for _r, _reg, key in outgoing])
    return len(sent)


def reminder_send(*, reminder_id: int) -> int:
    """Send one claimed reminder if what it announces still holds; return how many emails went out now."""
    return reminders_send(reminder_ids=[reminder_id])
