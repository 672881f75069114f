"""Follow-up of a held meeting: publishing the minutes (emailed once), action items and their reminders.

- Minutes: the first save with minutes publishes them; the organiser chooses who receives them by
  email (the participants, or the whole community too). Each sending is a numbered round (an outbox
  row keyed by meeting and round, one ledger email per person), so an edit saved later sends
  nothing unless the organiser asks for another round, and a double submit of the same form sends
  one round (the form carries the round it saw).
- Action items keep their identity across saves of the closing form (they are updated, not
  recreated), so an owner is told once when an item is assigned to them, and the beat task
  reminds them once before the due date and once when it has passed.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities.reporting import reports_changed
from members import outbox
from members.models import User

from .. import tasks
from ..models import ActionItem, Meeting, MeetingOutcome

# Owners are reminded this many days before an action's due date (and once when it has passed).
ACTION_REMINDER_DAYS = 3
DISPATCH_BATCH = 200


@dataclass(frozen=True)
class ActionItemData:
    """One row of the closing form: pk is the item it edits (None: a new item)."""

    description: str
    owner: User | None = None
    owner_name: str = ""
    due_date: date | None = None
    done: bool = False
    status: str | None = None
    pk: int | None = None

    def status_value(self) -> str:
        if self.status:
            return self.status
        return ActionItem.Status.DONE if self.done else ActionItem.Status.OPEN


# --- Minutes --------------------------------------------------------------------------------------


def minutes_publish(
    *,
    outcome: MeetingOutcome,
    by: User | None,
    mail_to: str | None = None,
    send_again: bool = False,
    seen_round: int | None = None,
) -> bool:
    """Publish outcome's minutes and email them when asked; return True when a round of emails was enqueued.

    Call inside the transaction that saved the outcome (it is locked here). The first publication
    sends to mail_to; later saves send only with send_again. seen_round is the round the form
    showed: a form posted twice (or after someone else's sending) does not send again.
    """
    outcome = MeetingOutcome.objects.select_for_update().get(pk=outcome.pk)
    reports_changed(outcome.meeting.community_id)  # counted again by the reports (after commit)
    if not outcome.has_minutes:
        return False
    fields = []
    if outcome.published_at is None:
        outcome.published_at = timezone.now()
        fields.append("published_at")
    wants = mail_to in {MeetingOutcome.MailTo.PARTICIPANTS, MeetingOutcome.MailTo.COMMUNITY}
    first = outcome.mail_round == 0
    current = seen_round is None or seen_round == outcome.mail_round
    send = wants and current and (first or send_again)
    if send:
        outcome.mail_round += 1
        outcome.mail_to = mail_to
        outcome.mailed_at = timezone.now()
        fields += ["mail_round", "mail_to", "mailed_at"]
    if fields:
        outcome.save(update_fields=[*fields, "updated_at"])
    if send:
        outbox.enqueue(
            tasks.send_minutes,
            outcome.meeting_id,
            outcome.mail_round,
            key=f"minutes:{outcome.meeting_id}:{outcome.mail_round}",
        )
    return send


# --- Action items ---------------------------------------------------------------------------------


def _validate_item(item: ActionItem) -> None:
    if item.status not in ActionItem.Status.values:
        raise ValidationError({"status": _("Choose a status from the list.")}, code="unknown_status")
    item.full_clean(exclude=["meeting", "owner"])


def _reset_reminders(item: ActionItem) -> None:
    """A new owner or a new due date: the reminders start again."""
    item.reminded_at = None
    item.overdue_notified_at = None


def _notify_assigned(item: ActionItem, by: User | None) -> None:
    if not item.owner_id or not item.is_open or (by is not None and item.owner_id == by.pk):
        return
    stamp = int(item.assigned_at.timestamp())
    outbox.enqueue(
        tasks.send_action_notice,
        item.pk,
        "assigned",
        item.owner_id,
        item.due_date.isoformat() if item.due_date else "",
        key=f"action-assigned:{item.pk}:{item.owner_id}:{stamp}",
    )


def action_items_sync(*, meeting: Meeting, by: User | None, items: Sequence[ActionItemData]) -> list[ActionItem]:
    """Make meeting's action items those of items (by pk: changed in place; new ones created; the rest deleted).

    Owners newly given an item are told (not the person who assigns it to themselves). Call with
    the meeting locked (meeting_close does).
    """
    reports_changed(meeting.community_id)  # counted again by the reports (after commit)
    now = timezone.now()
    existing = {item.pk: item for item in ActionItem.objects.select_for_update().filter(meeting=meeting)}
    kept: list[ActionItem] = []
    newly_assigned: list[ActionItem] = []
    order = 0
    for data in items:
        if not data.description.strip():
            continue
        order += 1
        item = existing.pop(data.pk, None) if data.pk else None
        status = data.status_value()
        if item is None:
            item = ActionItem(meeting=meeting, assigned_at=now, status_changed_at=now)
            owner_changed = data.owner is not None
        else:
            owner_changed = item.owner_id != (data.owner.pk if data.owner else None)
            if owner_changed or item.due_date != data.due_date:
                _reset_reminders(item)
            if owner_changed:
                item.assigned_at = now
            if item.status != status:
                item.status_changed_at = now
        item.order = order
        item.description = data.description.strip()
        item.owner = data.owner
        item.owner_name = "" if data.owner else data.owner_name.strip()
        item.due_date = data.due_date
        item.status = status
        _validate_item(item)
        item.save()
        kept.append(item)
        if owner_changed and item.owner_id:
            newly_assigned.append(item)
    ActionItem.objects.filter(pk__in=list(existing)).delete()
    for item in newly_assigned:
        _notify_assigned(item, by)
    return kept


@transaction.atomic
def action_item_set_status(*, item: ActionItem, by: User | None, status: str) -> ActionItem:
    """Move an action item to status (its owner or the meeting's organisers do); the same status changes nothing."""
    item = ActionItem.objects.select_for_update().select_related("meeting").get(pk=item.pk)
    reports_changed(item.meeting.community_id)  # counted again by the reports (after commit)
    if status not in ActionItem.Status.values:
        raise ValidationError({"status": _("Choose a status from the list.")}, code="unknown_status")
    if item.status != status:
        item.status = status
        item.status_changed_at = timezone.now()
        item.save(update_fields=["status", "status_changed_at"])
    return item


def _claim_and_enqueue(queryset, field: str, event: str, now: datetime, batch_size: int) -> int:
    """Claim up to batch_size items and enqueue their notices in one transaction (both or neither)."""
    with transaction.atomic():
        rows = list(
            queryset.select_for_update(skip_locked=True, of=("self",))
            .order_by("due_date", "pk")
            .only("pk", "owner_id", "due_date")[:batch_size]
        )
        if rows:
            ActionItem.objects.filter(pk__in=[row.pk for row in rows]).update(**{field: now})
            outbox.enqueue(
                tasks.send_action_notices,
                [[row.pk, event, row.owner_id, row.due_date.isoformat()] for row in rows],
            )
    return len(rows)


def action_reminders_dispatch(*, now: datetime | None = None, batch_size: int = DISPATCH_BATCH) -> int:
    """Claim the action items whose owners are due a reminder (before the date) or an overdue notice; enqueue them.

    Each item is claimed once for each (its ledger column is set in the claiming UPDATE, rows locked
    by another run are skipped), so two beats at once remind each owner once. Return how many
    notices were enqueued.
    """
    now = now or timezone.now()
    today = timezone.localdate(now)
    open_items = ActionItem.objects.filter(
        status__in=ActionItem.OPEN_STATUSES,
        owner__isnull=False,
        owner__is_active=True,
        due_date__isnull=False,
    ).exclude(meeting__status=Meeting.Status.CANCELLED)
    kinds = (
        (
            "reminder",
            "reminded_at",
            open_items.filter(
                reminded_at__isnull=True,
                due_date__gte=today,
                due_date__lte=today + timedelta(days=ACTION_REMINDER_DAYS),
            ),
        ),
        ("overdue", "overdue_notified_at", open_items.filter(overdue_notified_at__isnull=True, due_date__lt=today)),
    )
    total = 0
    for event, field, queryset in kinds:
        while True:
            claimed = _claim_and_enqueue(queryset, field, event, now, batch_size)
            total += claimed
            if claimed < batch_size:
                break
    return total
