"""Agenda items: adding, changing, reordering, moving and deleting; following the meeting when it moves."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime, timedelta

from django.db import transaction
from django.db.models import F, Max, Q

from members.models import User

from ..models import AgendaItem, Meeting


@transaction.atomic
def agenda_item_add(
    *,
    meeting: Meeting,
    by: User | None,
    title: str,
    starts_at: datetime | None = None,
    speaker: str = "",
    notes: str = "",
) -> AgendaItem:
    """Append an item to the agenda of meeting."""
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    last = AgendaItem.objects.filter(meeting=meeting).aggregate(last=Max("order"))["last"]
    item = AgendaItem(
        meeting=meeting,
        order=(last or 0) + 1,
        title=title,
        starts_at=starts_at,
        speaker=speaker,
        notes=notes,
    )
    item.full_clean(exclude=["meeting"])
    item.save()
    return item


@transaction.atomic
def agenda_item_update(*, item: AgendaItem, by: User | None, **fields) -> AgendaItem:
    allowed = {"title", "starts_at", "speaker", "notes"}
    for name, value in fields.items():
        if name not in allowed:
            raise TypeError(f"Not an editable agenda field: {name}")
        setattr(item, name, value)
    item.full_clean(exclude=["meeting"])
    item.save()
    return item


@transaction.atomic
def agenda_reorder(*, meeting: Meeting, by: User | None, item_ids: Sequence[int]) -> None:
    """Put the agenda of meeting in the order of item_ids; items not listed keep their relative order after them."""
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    items = {item.pk: item for item in AgendaItem.objects.filter(meeting=meeting)}
    ordered = [items[pk] for pk in item_ids if pk in items]
    ordered += [item for pk, item in sorted(items.items(), key=lambda kv: (kv[1].order, kv[0])) if item not in ordered]
    for position, item in enumerate(ordered, start=1):
        item.order = position
    AgendaItem.objects.bulk_update(ordered, ["order"])


def agenda_item_move(*, item: AgendaItem, by: User | None, offset: int) -> None:
    """Move one agenda item up (offset -1) or down (+1)."""
    ids = list(
        AgendaItem.objects.filter(meeting_id=item.meeting_id).order_by("order", "pk").values_list("pk", flat=True)
    )
    index = ids.index(item.pk)
    target = max(0, min(len(ids) - 1, index + offset))
    ids.insert(target, ids.pop(index))
    agenda_reorder(meeting=item.meeting, by=by, item_ids=ids)


@transaction.atomic
def agenda_item_delete(*, item: AgendaItem, by: User | None) -> None:
    AgendaItem.objects.filter(pk=item.pk).delete()


def agenda_shift(*, meeting: Meeting, shift: timedelta) -> int:
    """Move every timed agenda item of meeting by shift (the meeting moved: each keeps its offset from the start).

    Offsets are kept in elapsed time, so an item 90 minutes after the start is 90 minutes after the
    new start, across a daylight-saving change too. Return how many items moved.
    """
    if not shift:
        return 0
    return AgendaItem.objects.filter(meeting=meeting, starts_at__isnull=False).update(starts_at=F("starts_at") + shift)


def agenda_items_outside(meeting: Meeting) -> list[AgendaItem]:
    """Return the timed agenda items of meeting that fall outside its time (before the start, at or after the end)."""
    return list(
        AgendaItem.objects.filter(meeting=meeting, starts_at__isnull=False)
        .filter(Q(starts_at__lt=meeting.start) | Q(starts_at__gte=meeting.end))
        .order_by("order", "pk")
    )


def agenda_items_outside_if_moved(meeting: Meeting, *, start: datetime, end: datetime) -> list[AgendaItem]:
    """Return the timed agenda items that would fall outside meeting if it moved to start–end; save nothing.

    Each item keeps its offset from the start (agenda_shift); the items returned carry the time
    they would have (unsaved), for the organiser to see before confirming the change.
    """
    shift = start - meeting.start
    outside = []
    for item in AgendaItem.objects.filter(meeting=meeting, starts_at__isnull=False).order_by("order", "pk"):
        item.starts_at = item.starts_at + shift
        if item.starts_at < start or item.starts_at >= end:
            outside.append(item)
    return outside
