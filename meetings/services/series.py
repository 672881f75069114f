"""Recurring series: creating the meetings of a series, adding later ones, and cancelling the following ones."""

from __future__ import annotations

import re
import zoneinfo
from collections.abc import Iterable
from datetime import UTC, date, timedelta

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils.translation import gettext_lazy as _

from communities.models import Community
from communities.reporting import reports_changed
from members.models import User

from .. import localtime
from ..models import Meeting, MeetingSeries
from ..recurrence import MAX_OCCURRENCES, SeriesRule, expand
from ..webhooks import emit_meeting
from ._common import (
    EDITABLE_FIELDS,
    _clean_themes,
    _known_time_zone,
    _set_themes,
    _unknown_fields,
    _validate,
)
from .following import register_followers
from .scheduling import meeting_cancel


@transaction.atomic
def series_create(
    *, community: Community, by: User | None, rule: SeriesRule, themes: Iterable[str] | None = None, **fields
) -> MeetingSeries:
    """Create a series and one meeting per occurrence of rule, each at the same local time."""
    reports_changed(community.pk)  # counted again by the reports (after commit)
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
        emit_meeting(meeting, "meeting.created")
    return series


@transaction.atomic
def series_cancel_following(*, meeting: Meeting, by: User | None) -> int:
    """Cancel this occurrence and every later scheduled one of its series; return how many were cancelled."""
    reports_changed(meeting.community_id)  # counted again by the reports (after commit)
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


# What a new occurrence copies from the latest one: everything organisers set, but its own times.
_COPIED_FIELDS = tuple(
    name for name in EDITABLE_FIELDS if name not in {"start", "end", "time_zone", "registration_deadline"}
)


def _with_until(rrule_text: str, until: date) -> str:
    return re.sub(r"UNTIL=[0-9T]+", f"UNTIL={until:%Y%m%d}T235959", rrule_text)


@transaction.atomic
def series_extend(*, series: MeetingSeries, until: date, by: User | None) -> list[Meeting]:
    """Add the occurrences of series between its last day and until; register its followers for each.

    Each new meeting copies the latest occurrence (title, place, capacity, policy, themes, the
    registration deadline as the same time before the start) at the series' local time, so a
    daylight-saving change in between keeps the local hour. The followers are registered as for
    a normal registration (capacity, waitlist, approval, emails). Extending to a day already
    covered adds nothing.
    """
    series = MeetingSeries.objects.select_for_update().get(pk=series.pk)
    if not localtime.year_in_range(until):
        raise ValidationError({"until": [localtime.out_of_range_error()]})
    if until <= series.until:
        return []
    zone = zoneinfo.ZoneInfo(series.time_zone)
    rrule_text = _with_until(series.rrule, until)
    locals_ = expand(rrule_text, series.starts_on, series.start_time)
    if len(locals_) > MAX_OCCURRENCES:
        raise ValidationError(
            {
                "until": ValidationError(
                    _("This rule gives more than %(max)d meetings; choose an earlier last day."),
                    code="too_many_occurrences",
                    params={"max": MAX_OCCURRENCES},
                )
            }
        )
    new_locals = [local for local in locals_ if series.until < local.date() <= until]
    missing = [local for local in new_locals if localtime.is_missing(local, zone)]
    if missing:
        raise ValidationError({"until": localtime.missing_time_error(missing[0], zone)})
    template = Meeting.objects.filter(series=series).order_by("-start", "-pk").first()
    if template is None:
        raise ValidationError(_("This series has no meeting left to copy."), code="empty_series")
    fields = {name: getattr(template, name) for name in _COPIED_FIELDS}
    themes = list(template.themes.names())
    deadline_offset = template.start - template.registration_deadline if template.registration_deadline else None
    created = []
    for local in new_locals:
        start = local.replace(tzinfo=zone).astimezone(UTC)
        meeting = Meeting(
            community=series.community,
            created_by=by,
            series=series,
            start=start,
            end=start + timedelta(minutes=series.duration_minutes),
            time_zone=series.time_zone,
            registration_deadline=start - deadline_offset if deadline_offset is not None else None,
            **fields,
        )
        _validate(meeting)
        meeting.save()
        _set_themes(meeting, themes)
        emit_meeting(meeting, "meeting.created")
        created.append(meeting)
    series.until = until
    series.rrule = rrule_text
    series.save(update_fields=["until", "rrule", "updated_at"])
    for meeting in created:
        register_followers(meeting=meeting)
    return created
