"""Scheduling, changing, duplicating, cancelling and closing the status of meetings; co-organisers."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import datetime

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities import permissions
from communities.models import Community, CommunityEvent, Membership
from communities.reporting import reports_changed
from communities.services import record_event
from members import outbox
from members.models import User

from .. import localtime, reminders, tasks
from ..models import AgendaItem, ApplicationSetup, Criterion, Meeting, Question, Quota
from ..webhooks import emit_meeting
from ._common import (
    CO_ORGANISER_PERM,
    EDITABLE_FIELDS,
    SIGNIFICANT_FIELDS,
    _clean_themes,
    _require_started,
    _set_themes,
    _unknown_fields,
    _validate,
)
from .agenda import agenda_shift
from .registrations import fill_free_seats_everywhere

# What a duplicate keeps of each registration question (the organiser's wording and switches).
QUESTION_FIELDS = (
    "builtin",
    "kind",
    "label",
    "help_text",
    "required",
    "choices",
    "translations",
    "position",
    "enabled",
)


@transaction.atomic
def meeting_schedule(
    *, community: Community, by: User | None, themes: Iterable[str] | None = None, uid: str | None = None, **fields
) -> Meeting:
    """Create a scheduled meeting of community from the organiser's fields; validate everything first."""
    reports_changed(community.pk)  # counted again by the reports (after commit)
    _unknown_fields(fields)
    themes = _clean_themes(themes)
    # The language the title, description and agenda are written in: the form's choice, else the
    # community's default (stored, so pages know it without reading the community).
    fields["language"] = fields.get("language") or community.default_language
    meeting = Meeting(community=community, created_by=by, **fields)
    if uid:
        meeting.uid = uid
    _validate(meeting)
    meeting.save()
    _set_themes(meeting, themes)
    emit_meeting(meeting, "meeting.created")
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, by: User | None, themes: Iterable[str] | None = None, **fields) -> Meeting:
    """Change a meeting; SEQUENCE grows only when its time, place or status changes, not for a typo."""
    reports_changed(meeting.community_id)  # counted again by the reports (after commit)
    _unknown_fields(fields)
    themes = _clean_themes(themes)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    before = {name: getattr(meeting, name) for name in SIGNIFICANT_FIELDS}
    changed = any(getattr(meeting, name) != value for name, value in fields.items())
    capacity_before = (meeting.capacity, meeting.online_capacity)
    for name, value in fields.items():
        setattr(meeting, name, value)
    _validate(meeting)
    significant = any(getattr(meeting, name) != value for name, value in before.items())
    if significant:
        meeting.sequence += 1
    meeting.save()
    _set_themes(meeting, themes)
    if significant and meeting.status == Meeting.Status.SCHEDULED and not meeting.is_past:
        # Registered people hold an invitation in their calendars: send them the new revision.
        outbox.enqueue(
            tasks.notify_meeting_updated,
            meeting.pk,
            meeting.sequence,
            key=f"meeting-updated:{meeting.pk}:{meeting.sequence}",
        )
    if changed:
        emit_meeting(meeting, "meeting.changed")
    if meeting.start != before["start"]:
        agenda_shift(meeting=meeting, shift=meeting.start - before["start"])  # the agenda moves with it
        reminders.reminders_sync_meeting(meeting=meeting)  # unsent reminders follow the new start
    if (meeting.capacity, meeting.online_capacity) != capacity_before:
        fill_free_seats_everywhere(meeting)
    return meeting


def _shifted(value: datetime | None, shift) -> datetime | None:
    """Return value moved by shift, or None when there is none or it would leave the years meetings use."""
    if value is None:
        return None
    try:
        moved = value + shift
    except OverflowError:
        return None
    return moved if localtime.moment_in_range(moved) else None


@transaction.atomic
def meeting_duplicate(*, meeting: Meeting, by: User | None, start: datetime) -> Meeting:
    """Copy a meeting to a new start: fields, themes, agenda and how it registers people.

    The registration form comes along (its questions, the built-in ones switched on or off, their
    translations), and for a meeting taking applications its settings, criteria and quotas. People
    stay behind: no registration, answer, application, review or outcome is copied.
    """
    reports_changed(meeting.community_id)  # counted again by the reports (after commit)
    if not localtime.moment_in_range(start):
        raise ValidationError({"start": localtime.out_of_range_error()})
    shift = start - meeting.start
    copy = Meeting(
        community=meeting.community,
        created_by=by,
        **{name: getattr(meeting, name) for name in EDITABLE_FIELDS},
    )
    try:
        copy.start = meeting.start + shift
        copy.end = meeting.end + shift
        if meeting.registration_deadline:
            copy.registration_deadline = meeting.registration_deadline + shift
    except OverflowError:
        raise ValidationError({"start": localtime.out_of_range_error()}) from None
    _validate(copy)
    copy.save()
    copy.themes.set(list(meeting.themes.all()))
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=copy,
            order=item.order,
            starts_at=_shifted(item.starts_at, shift),
            title=item.title,
            speaker=item.speaker,
            notes=item.notes,
        )
        for item in meeting.agenda_items.all()
    )
    _copy_registration_form(meeting, copy)
    emit_meeting(copy, "meeting.created")
    return copy


def _copy_registration_form(meeting: Meeting, copy: Meeting) -> None:
    """Copy meeting's questions and application settings (never the answers) to copy."""
    Question.objects.bulk_create(
        Question(
            meeting=copy,
            **{name: getattr(question, name) for name in QUESTION_FIELDS},
        )
        for question in meeting.questions.order_by("position", "pk")
    )
    setup = ApplicationSetup.objects.filter(meeting=meeting).first()
    if setup is not None:
        ApplicationSetup.objects.create(
            meeting=copy,
            confirm_within_days=setup.confirm_within_days,
            disagreement_threshold=setup.disagreement_threshold,
        )
    Criterion.objects.bulk_create(
        Criterion(
            meeting=copy,
            name=criterion.name,
            description=criterion.description,
            weight=criterion.weight,
            scale_max=criterion.scale_max,
            position=criterion.position,
        )
        for criterion in meeting.criteria.order_by("position", "pk")
    )
    Quota.objects.bulk_create(
        Quota(meeting=copy, kind=quota.kind, value=quota.value, limit=quota.limit)
        for quota in meeting.quotas.order_by("pk")
    )


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by: User | None) -> Meeting:
    """Cancel a meeting and tell everyone registered; cancelling twice sends nothing more."""
    reports_changed(meeting.community_id)  # counted again by the reports (after commit)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == Meeting.Status.CANCELLED:
        return meeting
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancelled_at = timezone.now()
    meeting.sequence += 1
    meeting.save(update_fields=["status", "cancelled_at", "sequence", "updated_at"])
    reminders.reminders_sync_meeting(meeting=meeting)  # no reminder of a cancelled meeting goes out
    outbox.enqueue(tasks.notify_meeting_cancelled, meeting.pk, key=f"meeting-cancelled:{meeting.pk}")
    emit_meeting(meeting, "meeting.cancelled")
    return meeting


@transaction.atomic
def meeting_mark_held(*, meeting: Meeting, by: User | None) -> Meeting:
    """Mark a meeting that has started as held; marking it twice changes nothing."""
    reports_changed(meeting.community_id)  # counted again by the reports (after commit)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_started(meeting)
    if meeting.status != Meeting.Status.HELD:
        # Held is still CONFIRMED for calendars, so SEQUENCE does not move.
        meeting.status = Meeting.Status.HELD
        meeting.closed_at = timezone.now()
        meeting.save(update_fields=["status", "closed_at", "updated_at"])
    return meeting


def meeting_change_status(*, meeting: Meeting, status: str, by: User | None) -> Meeting:
    """Bring meeting to status through its service: cancelled is meeting_cancel, held is meeting_mark_held.

    A cancelled or held meeting is not scheduled again (duplicate it instead); asking for
    the status it already has changes nothing.
    """
    if status == Meeting.Status.CANCELLED:
        return meeting_cancel(meeting=meeting, by=by)
    if status == Meeting.Status.HELD:
        return meeting_mark_held(meeting=meeting, by=by)
    meeting = Meeting.objects.get(pk=meeting.pk)
    if meeting.status != status:
        raise ValidationError(
            {"status": _("A cancelled or held meeting cannot be scheduled again: duplicate it instead.")},
            code="not_reopenable",
        )
    return meeting


def _lock_for_coorganisers(meeting: Meeting) -> Meeting:
    # The community row first, as every console write does: two coordinators naming the same person
    # at once are serialised, and the second finds the grant already there.
    Community.objects.select_for_update().get(pk=meeting.community_id)
    return Meeting.objects.select_related("community", "group").get(pk=meeting.pk)


def _coorganiser_target(meeting: Meeting, user: User) -> str:
    return f"{user.get_full_name()} · {meeting.title}"


@transaction.atomic
def meeting_add_coorganiser(*, meeting: Meeting, user: User, by: User | None) -> None:
    """Let one active member of the community organise this one meeting (a single guardian grant).

    Naming someone who already co-organises it changes nothing (a retry records no second event).
    """
    meeting = _lock_for_coorganisers(meeting)
    if not Membership.objects.active().community_level().filter(user=user, community=meeting.community).exists():
        raise ValidationError(
            {"email": _("Only active members of the community can co-organise its meetings.")}, code="not_member"
        )
    if permissions.users_granted(CO_ORGANISER_PERM, meeting).filter(pk=user.pk).exists():
        return
    permissions.grant(CO_ORGANISER_PERM, user, meeting)
    record_event(
        community=meeting.community,
        by=by,
        action=CommunityEvent.Action.CO_ORGANISER_ADDED,
        target=_coorganiser_target(meeting, user),
        group=meeting.group,
    )


@transaction.atomic
def meeting_remove_coorganiser(*, meeting: Meeting, user: User, by: User | None) -> None:
    """Take the co-organiser grant on meeting away from user; someone who holds none changes nothing."""
    meeting = _lock_for_coorganisers(meeting)
    held = permissions.users_granted(CO_ORGANISER_PERM, meeting).filter(pk=user.pk).exists()
    permissions.revoke(CO_ORGANISER_PERM, user, meeting)
    if not held:
        return
    record_event(
        community=meeting.community,
        by=by,
        action=CommunityEvent.Action.CO_ORGANISER_REMOVED,
        target=_coorganiser_target(meeting, user),
        group=meeting.group,
    )
