"""Recurring series: creating the meetings of a series and cancelling the following ones."""

from __future__ import annotations

import zoneinfo
from collections.abc import Iterable

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from communities.models import Community
from members.models import User

from .. import localtime
from ..models import Meeting, MeetingSeries
from ..recurrence import MAX_OCCURRENCES, SeriesRule
from ._common import _clean_themes, _known_time_zone, _set_themes, _unknown_fields, _validate
from .scheduling import meeting_cancel


@transaction.atomic
def series_create(
    *, community: Community, by: User | None, rule: SeriesRule, themes: Iterable[str] | None = None, **fields
) -> MeetingSeries:
    """Create a series and one meeting per occurrence of rule, each at the same local time."""
    _unknown_fields(fields)
    if "start" in fields or "end" in fields:
        raise TypeError("A series takes its times from the rule.")
    themes = _clean_themes(themes) or []
    errors: dict[str, list] = {}
    if not _known_time_zone(rule.time_zone):
        errors["time_zone"] = [
            ValidationError(
                _("“%(zone)s” is not a time zone we know. Choose one from the list, such as Europe/Rome."),
                code="unknown_time_zone",
                params={"zone": rule.time_zone},
            )
        ]
    for name in ("starts_on", "until"):
        if not localtime.year_in_range(getattr(rule, name)):
            errors[name] = [localtime.out_of_range_error()]
    if rule.until < rule.starts_on:
        errors["until"] = [ValidationError(_("The series must end after its first day."), code="until_before_start")]
    if rule.duration_minutes <= 0:
        errors["duration_minutes"] = [
            ValidationError(_("The meeting must end after it starts."), code="end_before_start")
        ]
    if errors:
        raise ValidationError(errors)
    missing = rule.missing_occurrences()
    if missing:
        raise ValidationError(
            {"start_time": localtime.missing_time_error(missing[0], zoneinfo.ZoneInfo(rule.time_zone))}
        )
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
