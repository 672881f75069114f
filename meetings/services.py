"""Every write to meetings, series, agendas, registrations and outcomes goes through these functions.

Functions are keyword-only and idempotent: a double submit changes nothing. Bad input
raises django.core.exceptions.ValidationError with translatable messages keyed by the
field they concern, and nothing is saved. Notifications are enqueued on commit.
"""

from __future__ import annotations

import secrets
import zoneinfo
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from typing import Any

from django.core.exceptions import ValidationError
from django.db import transaction
from django.db.models import Max
from django.utils import formats, timezone
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from communities import permissions
from communities.models import Community, Membership
from members import outbox
from members.models import User

from . import reminders, tasks
from .models import (
    ActionItem,
    AgendaItem,
    Audience,
    CalendarFeedToken,
    Meeting,
    MeetingOutcome,
    MeetingSeries,
    Registration,
    hash_feed_token,
)
from .recurrence import MAX_OCCURRENCES, SeriesRule

# Fields organisers set on a meeting (the rest is bookkeeping).
EDITABLE_FIELDS = (
    "kind",
    "format",
    "title",
    "description",
    "start",
    "end",
    "time_zone",
    "venue",
    "city",
    "country",
    "online_url",
    "host_organization",
    "group",
    "audience",
    "capacity",
    "registration_policy",
    "registration_deadline",
    "visibility",
)
# A change to any of these is a new revision for calendars (iCalendar SEQUENCE).
SIGNIFICANT_FIELDS = ("start", "end", "venue", "city", "country", "format", "online_url", "status")

CO_ORGANISER_PERM = "meetings.organise_meeting"


class RegistrationError(ValidationError):
    """A registration the rules do not allow; its message says why, for the person."""


def _known_time_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return bool(name) and name in zoneinfo.available_timezones()


def _validate(meeting: Meeting) -> None:
    """Raise a ValidationError keyed by field for everything wrong with meeting; return when it may be saved."""
    errors: dict[str, list] = {}
    if not _known_time_zone(meeting.time_zone):
        errors.setdefault("time_zone", []).append(
            ValidationError(
                _("“%(zone)s” is not a time zone we know. Choose one from the list, such as Europe/Rome."),
                code="unknown_time_zone",
                params={"zone": meeting.time_zone},
            )
        )
    if meeting.start and meeting.end and meeting.end <= meeting.start:
        errors.setdefault("end", []).append(
            ValidationError(_("The meeting must end after it starts."), code="end_before_start")
        )
    if meeting.registration_deadline and meeting.start and meeting.registration_deadline > meeting.start:
        errors.setdefault("registration_deadline", []).append(
            ValidationError(
                _("The registration deadline must be before the meeting starts."), code="deadline_after_start"
            )
        )
    if meeting.pk and meeting.capacity is not None:
        taken = Registration.objects.filter(meeting=meeting).seats_taken().count()
        if meeting.capacity < taken:
            errors.setdefault("capacity", []).append(
                ValidationError(
                    ngettext(
                        "%(count)d person is already registered: the capacity cannot be lower.",
                        "%(count)d people are already registered: the capacity cannot be lower.",
                        taken,
                    ),
                    code="capacity_below_registrations",
                    params={"count": taken},
                )
            )
    unknown_audience = [value for value in (meeting.audience or []) if value not in Audience.values]
    if not isinstance(meeting.audience, list) or unknown_audience:
        errors.setdefault("audience", []).append(
            ValidationError(_("Choose the audience from the list."), code="unknown_audience")
        )
    if meeting.group_id and meeting.group.community_id != meeting.community_id:
        errors.setdefault("group", []).append(
            ValidationError(_("Choose a group of this community."), code="foreign_group")
        )
    try:
        meeting.full_clean(exclude=[*errors, "uid", "series", "community"], validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _unknown_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable meeting fields: {sorted(unknown)}")


def _set_themes(meeting: Meeting, themes: Iterable[str] | None) -> None:
    if themes is not None:
        meeting.themes.set([theme.strip() for theme in themes if theme.strip()])


# ---------------------------------------------------------------- meetings


@transaction.atomic
def meeting_schedule(
    *, community: Community, by: User | None, themes: Iterable[str] | None = None, uid: str | None = None, **fields
) -> Meeting:
    """Create a scheduled meeting of community from the organiser's fields; validate everything first."""
    _unknown_fields(fields)
    meeting = Meeting(community=community, created_by=by, **fields)
    if uid:
        meeting.uid = uid
    _validate(meeting)
    meeting.save()
    _set_themes(meeting, themes)
    return meeting


@transaction.atomic
def meeting_update(*, meeting: Meeting, by: User | None, themes: Iterable[str] | None = None, **fields) -> Meeting:
    """Change a meeting; SEQUENCE grows only when its time, place or status changes, not for a typo."""
    _unknown_fields(fields)
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    before = {name: getattr(meeting, name) for name in SIGNIFICANT_FIELDS}
    capacity_before = meeting.capacity
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
    if meeting.start != before["start"]:
        reminders.reminders_sync_meeting(meeting=meeting)  # unsent reminders follow the new start
    if meeting.capacity != capacity_before:
        _fill_free_seats(meeting)
    return meeting


@transaction.atomic
def meeting_duplicate(*, meeting: Meeting, by: User | None, start: datetime) -> Meeting:
    """Copy a meeting (fields, themes, agenda) to a new start; registrations and outcomes stay behind."""
    shift = start - meeting.start
    copy = Meeting(
        community=meeting.community,
        created_by=by,
        **{name: getattr(meeting, name) for name in EDITABLE_FIELDS},
    )
    copy.start = meeting.start + shift
    copy.end = meeting.end + shift
    if meeting.registration_deadline:
        copy.registration_deadline = meeting.registration_deadline + shift
    _validate(copy)
    copy.save()
    copy.themes.set(list(meeting.themes.all()))
    AgendaItem.objects.bulk_create(
        AgendaItem(
            meeting=copy,
            order=item.order,
            starts_at=item.starts_at + shift if item.starts_at else None,
            title=item.title,
            speaker=item.speaker,
            notes=item.notes,
        )
        for item in meeting.agenda_items.all()
    )
    return copy


@transaction.atomic
def meeting_cancel(*, meeting: Meeting, by: User | None) -> Meeting:
    """Cancel a meeting and tell everyone registered; cancelling twice sends nothing more."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if meeting.status == Meeting.Status.CANCELLED:
        return meeting
    meeting.status = Meeting.Status.CANCELLED
    meeting.cancelled_at = timezone.now()
    meeting.sequence += 1
    meeting.save(update_fields=["status", "cancelled_at", "sequence", "updated_at"])
    reminders.reminders_sync_meeting(meeting=meeting)  # no reminder of a cancelled meeting goes out
    outbox.enqueue(tasks.notify_meeting_cancelled, meeting.pk, key=f"meeting-cancelled:{meeting.pk}")
    return meeting


@transaction.atomic
def meeting_mark_held(*, meeting: Meeting, by: User | None) -> Meeting:
    """Mark a meeting that has started as held; marking it twice changes nothing."""
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


@transaction.atomic
def meeting_add_coorganiser(*, meeting: Meeting, user: User, by: User | None) -> None:
    """Let one active member of the community organise this one meeting (a single guardian grant)."""
    if not Membership.objects.active().community_level().filter(user=user, community=meeting.community).exists():
        raise ValidationError(
            {"email": _("Only active members of the community can co-organise its meetings.")}, code="not_member"
        )
    permissions.grant(CO_ORGANISER_PERM, user, meeting)


def meeting_remove_coorganiser(*, meeting: Meeting, user: User, by: User | None) -> None:
    permissions.revoke(CO_ORGANISER_PERM, user, meeting)


# ---------------------------------------------------------------- series


@transaction.atomic
def series_create(
    *, community: Community, by: User | None, rule: SeriesRule, themes: Iterable[str] | None = None, **fields
) -> MeetingSeries:
    """Create a series and one meeting per occurrence of rule, each at the same local time."""
    _unknown_fields(fields)
    if "start" in fields or "end" in fields:
        raise TypeError("A series takes its times from the rule.")
    errors: dict[str, list] = {}
    if not _known_time_zone(rule.time_zone):
        errors["time_zone"] = [
            ValidationError(
                _("“%(zone)s” is not a time zone we know. Choose one from the list, such as Europe/Rome."),
                code="unknown_time_zone",
                params={"zone": rule.time_zone},
            )
        ]
    if rule.until < rule.starts_on:
        errors["until"] = [ValidationError(_("The series must end after its first day."), code="until_before_start")]
    if rule.duration_minutes <= 0:
        errors["duration_minutes"] = [
            ValidationError(_("The meeting must end after it starts."), code="end_before_start")
        ]
    if errors:
        raise ValidationError(errors)
    occurrences = rule.occurrences()
    if not occurrences:
        raise ValidationError({"until": [_("This rule gives no meeting between the first day and the last.")]})
    if len(occurrences) > MAX_OCCURRENCES:
        raise ValidationError(
            {
                "until": ValidationError(
                    _("This rule gives more than %(max)d meetings; choose an earlier last day."),
                    code="too_many_occurrences",
                    params={"max": MAX_OCCURRENCES},
                )
            }
        )
    series = MeetingSeries.objects.create(
        community=community,
        group=fields.get("group"),
        title=fields.get("title", ""),
        rrule=rule.to_rrule(),
        time_zone=rule.time_zone,
        starts_on=rule.starts_on,
        start_time=rule.start_time,
        duration_minutes=rule.duration_minutes,
        until=rule.until,
        created_by=by,
    )
    themes = list(themes or [])
    deadline_offset = None
    for start, end in occurrences:
        meeting = Meeting(
            community=community, created_by=by, series=series, start=start, end=end, time_zone=rule.time_zone, **fields
        )
        if deadline_offset is None and meeting.registration_deadline:
            deadline_offset = start - meeting.registration_deadline
        if deadline_offset is not None:
            meeting.registration_deadline = start - deadline_offset
        _validate(meeting)
        meeting.save()
        _set_themes(meeting, themes)
    return series


@transaction.atomic
def series_cancel_following(*, meeting: Meeting, by: User | None) -> int:
    """Cancel this occurrence and every later scheduled one of its series; return how many were cancelled."""
    if meeting.series_id is None:
        raise ValidationError(_("This meeting is not part of a series."), code="not_in_series")
    later = Meeting.objects.filter(
        series_id=meeting.series_id, start__gte=meeting.start, status=Meeting.Status.SCHEDULED
    ).order_by("start")
    count = 0
    for occurrence in later:
        meeting_cancel(meeting=occurrence, by=by)
        count += 1
    return count


# ---------------------------------------------------------------- agenda


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


# ---------------------------------------------------------------- registrations


def _seats_taken(meeting: Meeting) -> int:
    return Registration.objects.filter(meeting=meeting).seats_taken().count()


def _next_position(meeting: Meeting) -> int:
    last = Registration.objects.filter(meeting=meeting).waitlisted().aggregate(last=Max("position"))["last"]
    return (last or 0) + 1


def _set_status(registration: Registration, status: str, *, position: int | None = None) -> None:
    registration.status = status
    registration.position = position
    registration.status_changed_at = timezone.now()


def _notify(registration: Registration, event: str) -> None:
    reminders.on_registration_changed(registration)  # a seat brings reminders; losing it cancels them
    outbox.enqueue(tasks.notify_registration, registration.pk, event)


def _check_open_for_registration(meeting: Meeting) -> None:
    if meeting.status == Meeting.Status.CANCELLED:
        raise RegistrationError(_("This meeting was cancelled."), code="cancelled")
    if meeting.status == Meeting.Status.HELD or meeting.has_started:
        raise RegistrationError(_("This meeting has already started: registration is closed."), code="started")
    if meeting.registration_policy == Meeting.RegistrationPolicy.NONE:
        raise RegistrationError(_("This meeting takes no registrations: just join it."), code="no_registration")
    if meeting.registration_policy == Meeting.RegistrationPolicy.INVITATION:
        raise RegistrationError(
            _("This meeting is by invitation only: the organisers register the people they invite."),
            code="invitation_only",
        )
    if meeting.registration_deadline and meeting.registration_deadline < timezone.now():
        with timezone.override(meeting.zone):
            when = formats.date_format(timezone.localtime(meeting.registration_deadline), "DATETIME_FORMAT")
        raise RegistrationError(
            _("Registration closed on %(date)s (%(zone)s)."),
            code="deadline_passed",
            params={"date": when, "zone": meeting.time_zone},
        )


def _place(meeting: Meeting, registration: Registration, *, approval: bool) -> str:
    """Give registration a seat, a waitlist place or an approval request; return the notice to send."""
    if approval:
        _set_status(registration, Registration.Status.PENDING)
        return "pending"
    if meeting.capacity is not None and _seats_taken(meeting) >= meeting.capacity:
        _set_status(registration, Registration.Status.WAITLISTED, position=_next_position(meeting))
        return "waitlisted"
    _set_status(registration, Registration.Status.REGISTERED)
    return "registered"


@transaction.atomic
def registration_create(*, meeting: Meeting, user: User) -> Registration:
    """Register user for meeting: a seat if one is free, else the waitlist; approval meetings wait for organisers.

    Registering twice returns the registration already there.
    """
    meeting = Meeting.objects.select_for_update().select_related("community").get(pk=meeting.pk)
    if not Meeting.objects.visible_to(user).filter(pk=meeting.pk).exists():
        raise RegistrationError(_("You cannot register for this meeting."), code="not_visible")
    registration = Registration.objects.select_for_update().filter(meeting=meeting, user=user).first()
    if registration is not None and registration.is_active:
        return registration
    if registration is not None and registration.status == Registration.Status.DECLINED:
        raise RegistrationError(_("The organisers declined your registration for this meeting."), code="declined")
    _check_open_for_registration(meeting)
    if registration is None:
        registration = Registration(meeting=meeting, user=user)
    event = _place(meeting, registration, approval=meeting.registration_policy == Meeting.RegistrationPolicy.APPROVAL)
    registration.save()
    _notify(registration, event)
    return registration


@transaction.atomic
def registration_invite(*, meeting: Meeting, user: User, by: User | None) -> Registration:
    """Register user on the organisers' behalf (invitation-only meetings); capacity still applies."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    if not Meeting.objects.visible_to(user).filter(pk=meeting.pk).exists():
        raise ValidationError(
            {"email": _("This person cannot see the meeting: invite members of the community.")}, code="not_visible"
        )
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("This meeting was cancelled."), code="cancelled")
    registration = Registration.objects.select_for_update().filter(meeting=meeting, user=user).first()
    if registration is not None and registration.status in (
        Registration.Status.REGISTERED,
        Registration.Status.WAITLISTED,
    ):
        return registration
    if registration is None:
        registration = Registration(meeting=meeting, user=user)
    event = _place(meeting, registration, approval=False)
    registration.decided_by = by
    registration.decided_at = timezone.now()
    registration.save()
    _notify(registration, event)
    return registration


def _fill_free_seats(meeting: Meeting) -> list[Registration]:
    """Promote waitlisted people, first come first served, into the seats now free; caller holds the meeting lock."""
    if meeting.status != Meeting.Status.SCHEDULED or meeting.has_started:
        return []
    waitlist = Registration.objects.filter(meeting=meeting).waitlisted().select_for_update()
    if meeting.capacity is None:
        promoted = list(waitlist)
    else:
        free = meeting.capacity - _seats_taken(meeting)
        promoted = list(waitlist[:free]) if free > 0 else []
    for registration in promoted:
        _set_status(registration, Registration.Status.REGISTERED)
        registration.save(update_fields=["status", "position", "status_changed_at", "updated_at"])
        _notify(registration, "promoted")
    return promoted


@transaction.atomic
def registration_cancel(*, registration: Registration, by: User | None = None) -> Registration:
    """Cancel a registration and give the freed seat to the first person waiting.

    The meeting row is locked first, so two cancellations at the same moment are
    serialised and never promote the same waiting person twice. Cancelling twice
    changes nothing.
    """
    meeting = Meeting.objects.select_for_update().get(pk=registration.meeting_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status in (Registration.Status.CANCELLED, Registration.Status.DECLINED):
        return registration
    held_seat = registration.status == Registration.Status.REGISTERED and not registration.walk_in
    _set_status(registration, Registration.Status.CANCELLED)
    registration.save(update_fields=["status", "position", "status_changed_at", "updated_at"])
    reminders.on_registration_changed(registration)
    if held_seat:
        _fill_free_seats(meeting)
    return registration


@transaction.atomic
def registration_approve(*, registration: Registration, by: User | None) -> Registration:
    """Accept a pending registration: a seat if one is free, else the waitlist. Approving twice changes nothing."""
    meeting = Meeting.objects.select_for_update().get(pk=registration.meeting_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Registration.Status.PENDING:
        return registration
    event = _place(meeting, registration, approval=False)
    registration.decided_by = by
    registration.decided_at = timezone.now()
    registration.save()
    _notify(registration, "approved" if event == "registered" else event)
    return registration


@transaction.atomic
def registration_decline(*, registration: Registration, by: User | None) -> Registration:
    """Decline a registration (pending, waiting or even registered); a freed seat goes to the waitlist."""
    meeting = Meeting.objects.select_for_update().get(pk=registration.meeting_id)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status in (Registration.Status.DECLINED, Registration.Status.CANCELLED):
        return registration
    held_seat = registration.status == Registration.Status.REGISTERED and not registration.walk_in
    _set_status(registration, Registration.Status.DECLINED)
    registration.decided_by = by
    registration.decided_at = timezone.now()
    registration.save()
    _notify(registration, "declined")
    if held_seat:
        _fill_free_seats(meeting)
    return registration


def registration_change_status(*, registration: Registration, status: str, by: User | None) -> Registration:
    """Bring registration to status as an organiser would, through the service for that step.

    Cancelled is registration_cancel and declined registration_decline (a freed seat goes to
    the first person waiting); a pending request is decided with registration_approve (a
    seat, or the waitlist when the meeting is full); a cancelled or declined person is
    registered again with registration_invite. Seats are never handed out past the
    capacity, so other steps (waitlisted to registered, registered to waitlisted) are refused.
    """
    current = Registration.objects.get(pk=registration.pk)
    if status == current.status:
        return current
    if status == Registration.Status.CANCELLED:
        return registration_cancel(registration=current, by=by)
    if status == Registration.Status.DECLINED:
        return registration_decline(registration=current, by=by)
    if status in (Registration.Status.REGISTERED, Registration.Status.WAITLISTED):
        if current.status == Registration.Status.PENDING:
            return registration_approve(registration=current, by=by)
        if current.status in (Registration.Status.CANCELLED, Registration.Status.DECLINED) and current.user_id:
            return registration_invite(meeting=current.meeting, user=current.user, by=by)
    raise ValidationError(
        {"status": _("Seats follow the capacity and the waitlist: cancel, decline or approve instead.")},
        code="not_a_step",
    )


# ---------------------------------------------------------------- attendance and outcomes


def _require_started(meeting: Meeting) -> None:
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("This meeting was cancelled."), code="cancelled")
    if not meeting.has_started:
        raise ValidationError(_("Attendance and minutes can be recorded once the meeting has started."), code="future")


@transaction.atomic
def attendance_mark(*, meeting: Meeting, by: User | None, attended_ids: Iterable[int]) -> int:
    """Record who attended among the registered people of meeting; return how many attended."""
    _require_started(meeting)
    attended_ids = set(attended_ids)
    registered = Registration.objects.filter(meeting=meeting, status=Registration.Status.REGISTERED)
    registered.filter(pk__in=attended_ids).update(attended=True, updated_at=timezone.now())
    registered.exclude(pk__in=attended_ids).update(attended=False, updated_at=timezone.now())
    return registered.filter(attended=True).count()


@transaction.atomic
def registration_attendance_set(*, registration: Registration, attended: bool, by: User | None) -> Registration:
    """Record whether one registered person came (a row of the attendance list); setting it twice changes nothing."""
    meeting = Meeting.objects.select_for_update().get(pk=registration.meeting_id)
    _require_started(meeting)
    registration = Registration.objects.select_for_update().get(pk=registration.pk)
    if registration.status != Registration.Status.REGISTERED:
        raise ValidationError(
            {"attended": _("Only registered people can be marked as present.")}, code="not_registered"
        )
    if registration.attended != attended:
        registration.attended = attended
        registration.save(update_fields=["attended", "updated_at"])
    return registration


@transaction.atomic
def walk_in_add(
    *,
    meeting: Meeting,
    by: User | None,
    name: str,
    email: str = "",
    organization=None,
    organization_name: str = "",
    country: str = "",
) -> Registration:
    """Record someone who came without registering; a person already registered is just marked present."""
    _require_started(meeting)
    Meeting.objects.select_for_update().filter(pk=meeting.pk).first()
    email = (email or "").strip().lower()
    user = User.objects.filter(email__iexact=email).first() if email else None
    registration = Registration.objects.filter(meeting=meeting, user=user).first() if user else None
    if registration is None and email:
        registration = Registration.objects.filter(meeting=meeting, user__isnull=True, email__iexact=email).first()
    if registration is not None:
        if registration.status != Registration.Status.REGISTERED:
            registration.walk_in = True
            _set_status(registration, Registration.Status.REGISTERED)
        registration.attended = True
        registration.save()
        return registration
    if not name.strip() and user is None:
        raise ValidationError({"name": _("Give the name of the person who came.")}, code="name_required")
    registration = Registration(
        meeting=meeting,
        user=user,
        status=Registration.Status.REGISTERED,
        walk_in=True,
        attended=True,
        name=name.strip(),
        email=email,
        organization=organization,
        organization_name=organization_name.strip(),
        country=country,
        decided_by=by,
        decided_at=timezone.now(),
    )
    registration.save()
    return registration


@dataclass(frozen=True)
class ActionItemData:
    description: str
    owner: User | None = None
    owner_name: str = ""
    due_date: date | None = None
    done: bool = False


@transaction.atomic
def meeting_close(
    *,
    meeting: Meeting,
    by: User | None,
    minutes: str,
    decisions: str = "",
    action_items: Sequence[ActionItemData] = (),
) -> Meeting:
    """Record minutes, decisions and action items and mark the meeting held; closing again updates them."""
    meeting = Meeting.objects.select_for_update().get(pk=meeting.pk)
    _require_started(meeting)
    MeetingOutcome.objects.update_or_create(
        meeting=meeting, defaults={"minutes": minutes, "decisions": decisions, "written_by": by}
    )
    ActionItem.objects.filter(meeting=meeting).delete()
    ActionItem.objects.bulk_create(
        ActionItem(
            meeting=meeting,
            order=index,
            description=item.description,
            owner=item.owner,
            owner_name=item.owner_name,
            due_date=item.due_date,
            done=item.done,
        )
        for index, item in enumerate(action_items, start=1)
        if item.description.strip()
    )
    return meeting_mark_held(meeting=meeting, by=by)


def meetings_needing_closing_reminder(*, now: datetime | None = None):
    """Return scheduled meetings that ended 3 to 30 days ago, still not closed and not yet reminded."""
    now = now or timezone.now()
    return Meeting.objects.filter(
        status=Meeting.Status.SCHEDULED,
        end__lte=now - timedelta(days=3),
        end__gte=now - timedelta(days=30),
        closing_reminder_sent_at__isnull=True,
    )


# ---------------------------------------------------------------- personal calendar feed


@transaction.atomic
def calendar_feed_token_create(*, user: User) -> str:
    """Give user a new secret feed address, revoking the previous one; return the token (only shown now)."""
    CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())
    token = secrets.token_urlsafe(32)
    CalendarFeedToken.objects.create(user=user, token_hash=hash_feed_token(token))
    return token


def calendar_feed_token_revoke(*, user: User) -> int:
    """Turn off user's personal feed; the old address answers 404 from now on."""
    return CalendarFeedToken.objects.filter(user=user, revoked_at__isnull=True).update(revoked_at=timezone.now())


def calendar_feed_user(*, token: str) -> User | None:
    """Return the active person whose feed token this is, or None for an unknown or revoked token."""
    if not token or len(token) > 100:
        return None
    feed = (
        CalendarFeedToken.objects.select_related("user")
        .filter(token_hash=hash_feed_token(token), revoked_at__isnull=True, user__is_active=True)
        .first()
    )
    if feed is None:
        return None
    now = timezone.now()
    if feed.last_used_at is None or now - feed.last_used_at > timedelta(hours=1):
        CalendarFeedToken.objects.filter(pk=feed.pk).update(last_used_at=now)
    return feed.user


def registration_closed_reason(*, meeting: Meeting) -> str | None:
    """Return why nobody can register for meeting now, or None when registration is open."""
    try:
        _check_open_for_registration(meeting)
    except RegistrationError as error:
        return error.messages[0]
    return None


# ---------------------------------------------------------------- when a membership ends


def meetings_membership_ended(*, user: User, community: Community, actor: User | None = None) -> list[str]:
    """Revoke user's co-organiser grants on community's meetings (a communities membership_ended hook)."""
    grants = permissions.revoke_all_in(user=user, perm=CO_ORGANISER_PERM, model=Meeting, community=community)
    if not grants:
        return []
    return [
        ngettext(
            "Co-organiser rights on %(count)d meeting revoked.",
            "Co-organiser rights on %(count)d meetings revoked.",
            grants,
        )
        % {"count": grants}
    ]
