"""Meeting reminders: rows due at a moment in UTC, kept in step with meetings, registrations and preferences.

- A registered person gets one Reminder row per offset they chose (by default a day and an
  hour before the start); organisers may add a reminder for everyone registered.
- The meeting and registration services call reminders_sync_* whenever the start, the status
  or a registration changes; /me/notifications/ calls reminders_sync_user when a person changes
  their offsets. Rows not yet sent follow the meeting; a row whose moment has already passed
  when it is (re)computed is cancelled, because the person has just been told (confirmation or
  change notice).
- A beat task runs reminders_dispatch every minute: it claims every row due or falling due within
  LOOKAHEAD, in batches of
  BATCH_SIZE with SELECT ... FOR UPDATE SKIP LOCKED (two beats or two dispatchers never claim
  the same row), marks them claimed with one UPDATE and writes one outbox row per SEND_CHUNK
  reminders with one INSERT; the send tasks go to the broker on commit. Nothing waits in the
  broker: flushing Redis loses no reminder, and claims left unsent (a lost task) are enqueued
  again after STALE_CLAIM. A chunk's rows share their due moment: the send task renders the emails
  at once and sends them at that moment (meetings/reminder_sending.py). The send goes through the
  email ledger, so a repeat sends nothing.
- Reminders due while nothing ran (an outage) are sent late only while the meeting has not
  started; otherwise they are marked missed.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Iterable
from datetime import datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Q
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members import outbox
from members.models import NotificationPreference, User
from members.notifications import preferences_for

from .models import Meeting, Registration, Reminder

# One pass claims every due row, BATCH_SIZE at a time (10,000 due at once: ten short transactions);
# MAX_BATCHES only stops a runaway pass, the next minute's pass goes on. Sends go out SEND_CHUNK per
# task, spread over the mail workers.
BATCH_SIZE = 1000
MAX_BATCHES = 1000
SEND_CHUNK = 25
# A claimed row not sent after this long (its task was lost: a flushed broker, a dead worker)
# is enqueued again; the ledger makes the repeat harmless.
STALE_CLAIM = timedelta(minutes=15)
# The dispatcher claims rows falling due within LOOKAHEAD, so that their emails are rendered before
# the due moment and only handed to SMTP at it (reminder_sending.reminders_prepare). With the beat
# every minute, each row is claimed at least LOOKAHEAD - 60 s before it falls due.
LOOKAHEAD = timedelta(minutes=3)
CUSTOM_OFFSET_CHOICES = (10080, 4320, 2880, 1440, 360, 180, 60, 30)
UNSENT = (Reminder.Status.PENDING, Reminder.Status.CLAIMED)


def due_time(meeting: Meeting, offset_minutes: int) -> datetime:
    """Return the UTC moment offset_minutes before meeting starts (an absolute interval: DST does not shift it)."""
    return meeting.start - timedelta(minutes=offset_minutes)


def _wants_reminders(registration: Registration) -> bool:
    return (
        registration.status == Registration.Status.REGISTERED
        and registration.user_id is not None
        and registration.user.is_active
    )


def _plan(
    *,
    meeting: Meeting,
    registrations: Iterable[Registration],
    existing: Iterable[Reminder],
    preferences: dict[int, NotificationPreference],
    now: datetime,
) -> tuple[list[Reminder], list[Reminder]]:
    """Return (rows to create, rows to update) so the reminders match the meeting, registrations and offsets.

    A person's reminders are planned per (registration, offset, start): a row already sent or
    missed belongs to the start it announced. When the meeting moves, the unsent row follows
    the new start; when there is none (the day-before reminder already went out), a fresh row
    is created for the new start, and the one sent stays as history.
    """
    by_registration: dict[int | None, dict[int, list[Reminder]]] = defaultdict(lambda: defaultdict(list))
    for row in existing:
        by_registration[row.registration_id][row.offset_minutes].append(row)
    scheduled = meeting.status == Meeting.Status.SCHEDULED
    create, update = [], []

    def follow(row: Reminder, wanted: bool) -> None:
        """Point an unsent row at the meeting's current start, or cancel it."""
        if row.status not in (*UNSENT, Reminder.Status.CANCELLED):
            return  # sent or missed: history
        due = due_time(meeting, row.offset_minutes)
        status = Reminder.Status.PENDING if wanted and scheduled and due > now else Reminder.Status.CANCELLED
        if row.status == Reminder.Status.CANCELLED and status == Reminder.Status.CANCELLED:
            return
        if row.due_at != due or row.status != status or row.claimed_at is not None:
            row.due_at, row.status, row.claimed_at, row.updated_at = due, status, None, now
            update.append(row)

    def cancel(row: Reminder) -> None:
        """Cancel an unsent row left at another start (its due_at stays: it names that start)."""
        if row.status in UNSENT:
            row.status, row.claimed_at, row.updated_at = Reminder.Status.CANCELLED, None, now
            update.append(row)

    for registration in registrations:
        rows_by_offset = by_registration.get(registration.pk, {})
        offsets = set()
        if scheduled and _wants_reminders(registration):
            offsets = set(preferences[registration.user_id].active_offsets())
        for offset in offsets | set(rows_by_offset):
            rows = rows_by_offset.get(offset, [])
            due = due_time(meeting, offset)
            # The row for the current start: the one planned for it, else an unsent (or cancelled) one to move.
            current = next((row for row in rows if row.due_at == due), None)
            if current is None:
                movable = sorted(
                    (row for row in rows if row.status in (*UNSENT, Reminder.Status.CANCELLED)),
                    key=lambda row: (row.status == Reminder.Status.CANCELLED, -row.pk),
                )
                current = movable[0] if movable else None
            for row in rows:
                if row is not current:
                    cancel(row)
            if current is not None:
                follow(current, offset in offsets)
            elif offset in offsets and due > now:
                create.append(Reminder(meeting=meeting, registration=registration, offset_minutes=offset, due_at=due))
    for rows in by_registration.get(None, {}).values():
        for row in rows:
            if row.status != Reminder.Status.CANCELLED:  # an organiser's cancelled reminder stays cancelled
                follow(row, True)
    return create, update


def _apply(create: list[Reminder], update: list[Reminder]) -> None:
    if create:
        Reminder.objects.bulk_create(create)
    if update:
        Reminder.objects.bulk_update(update, ["due_at", "status", "claimed_at", "updated_at"])


@transaction.atomic
def reminders_sync_meeting(*, meeting: Meeting, now: datetime | None = None) -> None:
    """Recompute every reminder of meeting (it moved, was cancelled, or its registrations changed)."""
    now = now or timezone.now()
    meeting = Meeting.objects.get(pk=meeting.pk)
    registrations = list(
        Registration.objects.filter(meeting=meeting)
        .filter(Q(status=Registration.Status.REGISTERED) | Q(reminders__status__in=UNSENT))
        .select_related("user")
        .distinct()
    )
    existing = list(Reminder.objects.select_for_update().filter(meeting=meeting))
    preferences = preferences_for({r.user_id for r in registrations if r.user_id})
    _apply(*_plan(meeting=meeting, registrations=registrations, existing=existing, preferences=preferences, now=now))


@transaction.atomic
def reminders_sync_registration(*, registration: Registration, now: datetime | None = None) -> None:
    """Make one registration's reminders match its status, its meeting's start and its person's offsets."""
    now = now or timezone.now()
    registration = Registration.objects.select_related("meeting", "user").get(pk=registration.pk)
    existing = list(Reminder.objects.select_for_update().filter(registration=registration))
    preferences = preferences_for([registration.user_id] if registration.user_id else [])
    _apply(
        *_plan(
            meeting=registration.meeting,
            registrations=[registration],
            existing=existing,
            preferences=preferences,
            now=now,
        )
    )


def reminders_sync_user(*, user: User, now: datetime | None = None) -> int:
    """Recompute the future reminders of user after they changed their offsets; return how many meetings it touched."""
    now = now or timezone.now()
    registrations = (
        Registration.objects.filter(user=user, meeting__start__gt=now)
        .filter(Q(status=Registration.Status.REGISTERED) | Q(reminders__status__in=UNSENT))
        .distinct()
    )
    count = 0
    for registration in registrations:
        reminders_sync_registration(registration=registration, now=now)
        count += 1
    return count


def on_registration_changed(registration: Registration) -> None:
    """Sync the registration's reminders; called by the registration services inside their transaction."""
    reminders_sync_registration(registration=registration)


# ---------------------------------------------------------------- organisers' reminders


@transaction.atomic
def reminder_custom_add(*, meeting: Meeting, by: User | None, offset_minutes: int, message: str = "") -> Reminder:
    """Add a reminder for everyone registered, offset_minutes before the start; adding it twice changes nothing."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status != Meeting.Status.SCHEDULED:
        raise ValidationError(_("This meeting is not scheduled any more."), code="not_scheduled")
    if offset_minutes not in CUSTOM_OFFSET_CHOICES:
        raise ValidationError({"offset_minutes": _("Choose when to send the reminder from the list.")}, code="offset")
    due = due_time(meeting, offset_minutes)
    if due <= timezone.now():
        raise ValidationError(
            {"offset_minutes": _("That moment has already passed: choose a shorter time before the meeting.")},
            code="past",
        )
    message = (message or "").strip()
    if len(message) > 2000:
        raise ValidationError({"message": _("Keep the message under 2000 characters.")}, code="too_long")
    reminder, created = Reminder.objects.get_or_create(
        meeting=meeting,
        registration=None,
        offset_minutes=offset_minutes,
        defaults={"due_at": due, "message": message, "created_by": by},
    )
    if not created and reminder.status == Reminder.Status.CANCELLED:
        reminder.status, reminder.due_at, reminder.message, reminder.claimed_at = (
            Reminder.Status.PENDING,
            due,
            message,
            None,
        )
        reminder.save(update_fields=["status", "due_at", "message", "claimed_at", "updated_at"])
    elif not created and reminder.status != Reminder.Status.PENDING:
        raise ValidationError({"offset_minutes": _("A reminder at that time was already sent.")}, code="already_sent")
    return reminder


@transaction.atomic
def reminder_custom_cancel(*, reminder: Reminder, by: User | None) -> Reminder:
    """Cancel an organiser's reminder not sent yet; cancelling twice changes nothing."""
    reminder = Reminder.objects.select_for_update().get(pk=reminder.pk)
    if reminder.is_custom and reminder.status in UNSENT:
        reminder.status = Reminder.Status.CANCELLED
        reminder.save(update_fields=["status", "updated_at"])
    return reminder


# ---------------------------------------------------------------- dispatching


def _claim_batch(*, now: datetime, batch_size: int, lookahead: timedelta = LOOKAHEAD) -> tuple[int, list[int]]:
    """Claim up to batch_size rows due by now + lookahead; return (rows looked at, ids to send), enqueued on commit.

    A constant number of statements whatever the batch size: one SELECT ... FOR UPDATE SKIP LOCKED
    (two dispatchers never claim the same row), one UPDATE per outcome, one INSERT of outbox rows
    (one send task per SEND_CHUNK reminders).
    """
    from . import tasks

    due = Q(status=Reminder.Status.PENDING, due_at__lte=now + lookahead) | Q(
        status=Reminder.Status.CLAIMED, claimed_at__lte=now - STALE_CLAIM
    )
    with transaction.atomic():
        rows = list(
            Reminder.objects.select_for_update(skip_locked=True, of=("self",))
            .filter(due)
            .order_by("due_at", "pk")
            .values_list(
                "pk", "registration_id", "offset_minutes", "meeting__status", "meeting__start", "due_at", "meeting_id"
            )[:batch_size]
        )
        # A person's earlier reminder is superseded by a later one also due (after an outage, send one).
        latest: dict[int, int] = {}
        for _pk, registration_id, offset, _status, _start, _due, _meeting in rows:
            if registration_id is not None:
                latest[registration_id] = min(latest.get(registration_id, offset), offset)
        outcome: dict[str, list[int]] = defaultdict(list)
        for pk, registration_id, offset, meeting_status, meeting_start, _due, _meeting in rows:
            if meeting_status != Meeting.Status.SCHEDULED:
                outcome[Reminder.Status.CANCELLED].append(pk)
            elif meeting_start <= now or (registration_id is not None and offset != latest[registration_id]):
                outcome[Reminder.Status.MISSED].append(pk)
            else:
                outcome[Reminder.Status.CLAIMED].append(pk)
        changed = timezone.now()
        for status, ids in outcome.items():
            changes = {"claimed_at": now} if status == Reminder.Status.CLAIMED else {}
            Reminder.objects.filter(pk__in=ids).update(status=status, updated_at=changed, **changes)
        to_send = outcome.get(Reminder.Status.CLAIMED, [])
        # A chunk's rows fall due at one moment (sent together at it), of as few meetings as can be
        # (one visibility question per meeting); rows already due are one moment: now.
        moment = {pk: (max(due_at, now), meeting_id, pk) for pk, _r, _o, _s, _st, due_at, meeting_id in rows}
        chunks: list[list[int]] = []
        for pk in sorted(to_send, key=moment.__getitem__):
            if not chunks or len(chunks[-1]) >= SEND_CHUNK or moment[chunks[-1][0]][0] != moment[pk][0]:
                chunks.append([])
            chunks[-1].append(pk)
        outbox.enqueue_many(tasks.send_reminders, [[chunk] for chunk in chunks])
    return len(rows), to_send


def reminders_dispatch(
    *, now: datetime | None = None, batch_size: int = BATCH_SIZE, lookahead: timedelta = LOOKAHEAD
) -> int:
    """Claim the reminders due by now (default: the clock) + lookahead, enqueue their sends; return how many."""
    now = now or timezone.now()
    enqueued = 0
    for _batch in range(MAX_BATCHES):
        seen, ids = _claim_batch(now=now, batch_size=batch_size, lookahead=lookahead)
        enqueued += len(ids)
        if seen < batch_size:
            break
    return enqueued


# ---------------------------------------------------------------- sending (meetings/reminder_sending.py)

from .reminder_sending import (  # noqa: E402 - the send side needs the helpers above
    may_receive,
    may_receive_among,
    reminder_send,
    reminders_prepare,
    reminders_send,
)

__all__ = [
    "may_receive",
    "may_receive_among",
    "reminder_custom_add",
    "reminder_custom_cancel",
    "reminder_send",
    "reminders_dispatch",
    "reminders_prepare",
    "reminders_send",
    "reminders_sync_meeting",
    "reminders_sync_registration",
    "reminders_sync_user",
]
