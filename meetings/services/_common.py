"""What several areas of the meeting services share: the editable fields, the registration error, validation."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable
from datetime import UTC
from typing import Any

from django.core.exceptions import ValidationError
from django.utils.translation import gettext_lazy as _
from django.utils.translation import ngettext

from communities import permissions
from communities.theme_names import theme_names_clean
from members.models import TIME_ZONE_NAMES
from members.text import has_control_characters

from .. import localtime
from ..models import Audience, Meeting, Registration

# Fields organisers set on a meeting (the rest is bookkeeping).
EDITABLE_FIELDS = (
    "kind",
    "format",
    "title",
    "description",
    "language",
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
    "online_capacity",
    "registration_policy",
    "registration_deadline",
    "visibility",
)
# A change to any of these is a new revision for calendars (iCalendar SEQUENCE).
SIGNIFICANT_FIELDS = ("start", "end", "venue", "city", "country", "format", "online_url", "status")

# One-line fields: a line break there breaks calendar files and email headers.
ONE_LINE_FIELDS = ("title", "venue", "city")

CO_ORGANISER_PERM = "meetings.organise_meeting"


class RegistrationError(ValidationError):
    """A registration the rules do not allow; its message says why, for the person."""


def _known_time_zone(name: str) -> bool:
    try:
        zoneinfo.ZoneInfo(name)
    except (zoneinfo.ZoneInfoNotFoundError, ValueError):
        return False
    return bool(name) and name in TIME_ZONE_NAMES


def _utc(value):
    return value.astimezone(UTC)


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
    for name in ("start", "end", "registration_deadline"):
        value = getattr(meeting, name)
        if value is None:
            continue
        if not localtime.moment_in_range(value):
            errors.setdefault(name, []).append(localtime.out_of_range_error())
            setattr(meeting, name, None)  # nothing below may compute with it
        elif isinstance(value.tzinfo, zoneinfo.ZoneInfo) and localtime.is_missing(
            value.replace(tzinfo=None), value.tzinfo
        ):
            errors.setdefault(name, []).append(localtime.missing_time_error(value.replace(tzinfo=None), value.tzinfo))
    for name in ONE_LINE_FIELDS:
        if has_control_characters(getattr(meeting, name) or ""):
            errors.setdefault(name, []).append(
                ValidationError(
                    _("Write this on one line, without line breaks, tabs or invisible control characters."),
                    code="control_characters",
                )
            )
    # Compare moments, not wall-clock readings: two times in the same zone object compare by
    # their wall clocks, so 02:30 < 03:30 even on the day those are the same instant.
    if meeting.start and meeting.end and _utc(meeting.end) <= _utc(meeting.start):
        errors.setdefault("end", []).append(
            ValidationError(_("The meeting must end after it starts."), code="end_before_start")
        )
    if meeting.registration_deadline and meeting.start and _utc(meeting.registration_deadline) > _utc(meeting.start):
        errors.setdefault("registration_deadline", []).append(
            ValidationError(
                _("The registration deadline must be before the meeting starts."), code="deadline_after_start"
            )
        )
    if meeting.pk:
        _validate_capacities(meeting, errors)
    unknown_audience = [value for value in (meeting.audience or []) if value not in Audience.values]
    if not isinstance(meeting.audience, list) or unknown_audience:
        errors.setdefault("audience", []).append(
            ValidationError(_("Choose the audience from the list."), code="unknown_audience")
        )
    if meeting.group_id and meeting.group.community_id != meeting.community_id:
        errors.setdefault("group", []).append(
            ValidationError(_("Choose a group of this community."), code="foreign_group")
        )
    elif meeting.group_id and not permissions.group_accepts_new_content(meeting.group):
        stays = meeting.pk and Meeting.objects.filter(pk=meeting.pk, group_id=meeting.group_id).exists()
        if not stays:  # a meeting already in the group may still be changed (minutes, a new time)
            errors.setdefault("group", []).append(
                ValidationError(_("This group is archived: nothing new can be added to it."), code="archived_group")
            )
    try:
        meeting.full_clean(exclude=[*errors, "uid", "series", "community"], validate_constraints=False)
    except ValidationError as error:
        for field, messages in error.message_dict.items():
            errors.setdefault(field, []).extend(messages)
    if errors:
        raise ValidationError(errors)


def _validate_capacities(meeting: Meeting, errors: dict) -> None:
    """No capacity may fall below the seats already taken (by mode, for a hybrid meeting counting seats apart)."""
    from .registrations import _pool, splits_seats

    split = splits_seats(meeting)
    limits = [("capacity", Registration.Mode.IN_PERSON if split else None, meeting.capacity)]
    if split:
        limits.append(("online_capacity", Registration.Mode.ONLINE, meeting.online_capacity))
    for field, mode, limit in limits:
        if limit is None:
            continue
        taken = _pool(meeting, mode).seats_taken().count()
        if limit < taken:
            errors.setdefault(field, []).append(
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


def _unknown_fields(fields: dict[str, Any]) -> None:
    unknown = set(fields) - set(EDITABLE_FIELDS)
    if unknown:
        raise TypeError(f"Not editable meeting fields: {sorted(unknown)}")


def _clean_themes(themes: Iterable[str] | None) -> list[str] | None:
    """Return the theme names cleaned (None: leave them), or raise ValidationError keyed "themes"."""
    if themes is None:
        return None
    try:
        return theme_names_clean(themes)
    except ValidationError as error:
        raise ValidationError({"themes": error.messages}) from None


def _set_themes(meeting: Meeting, themes: Iterable[str] | None) -> None:
    themes = _clean_themes(themes)
    if themes is not None:
        meeting.themes.set(themes)


def _require_started(meeting: Meeting) -> None:
    if meeting.status == Meeting.Status.CANCELLED:
        raise ValidationError(_("This meeting was cancelled."), code="cancelled")
    if not meeting.has_started:
        raise ValidationError(_("Attendance and minutes can be recorded once the meeting has started."), code="future")
