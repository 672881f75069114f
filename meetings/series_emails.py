"""The one email that tells a person who followed a series which of its dates they are registered for.

Following registers the person for every coming occurrence (services.following); the
registrations it makes send nothing of their own, and this email lists them all: each date with
what became of it (registered, on the waitlist, awaiting approval), the dates the person said
they would miss, and those they could not be registered for. It is sent in the person's language
and time zone, with a calendar file of the dates where they hold a seat, through the portal's
ledger under a key per follow and moment of following, so a retried task sends it once; it is
dropped when the person has left the series since.
"""

from __future__ import annotations

from dataclasses import dataclass
from email.mime.text import MIMEText

from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from members.notifications import absolute_url, send_templated_email

from . import ical
from .models import Meeting, Registration, SeriesFollow


@dataclass(frozen=True)
class SeriesDate:
    meeting: Meeting
    status: str  # a Registration.Status, or "skipped", or "" (not registered)
    label: object  # lazily translated: rendered in the person's language


def series_dates(follow: SeriesFollow) -> list[SeriesDate]:
    """Return each coming occurrence of follow's series with what it is for the person, in date order."""
    coming = Meeting.objects.filter(
        series_id=follow.series_id, status=Meeting.Status.SCHEDULED, start__gt=timezone.now()
    ).order_by("start", "pk")
    statuses = dict(
        Registration.objects.filter(meeting__in=coming, user_id=follow.user_id)
        .active()
        .values_list("meeting_id", "status")
    )
    skipped = set(follow.skips.values_list("meeting_id", flat=True))
    labels = dict(Registration.Status.choices)
    rows = []
    for meeting in coming:
        if meeting.pk in statuses:
            rows.append(SeriesDate(meeting, statuses[meeting.pk], labels[statuses[meeting.pk]]))
        elif meeting.pk in skipped:
            rows.append(SeriesDate(meeting, "skipped", _("You said you will miss this one")))
        else:
            rows.append(SeriesDate(meeting, "", _("Not registered: this date does not take registrations from you")))
    return rows


def _calendar_part(meetings: list[Meeting]) -> MIMEText:
    feed = ical.build_calendar(meetings, name=None, join_for={m.pk for m in meetings if m.is_online})
    part = MIMEText(feed.decode("utf-8"), "calendar", "utf-8")
    part.add_header("Content-Disposition", "attachment", filename="series.ics")
    return part


def send_series_followed(*, follow_id: int, stamp: int) -> bool:
    """Send the person who followed a series the list of its dates and what each is for them."""
    follow = (
        SeriesFollow.objects.select_related("series__community", "user")
        .filter(pk=follow_id, status=SeriesFollow.Status.ACTIVE)
        .first()
    )
    if follow is None or not follow.user.is_active or not follow.user.email:
        return False
    user, series = follow.user, follow.series
    dates = series_dates(follow)
    seated = [row.meeting for row in dates if row.status == Registration.Status.REGISTERED]
    return send_templated_email(
        to_email=user.email,
        template_prefix="meetings/emails/series_followed",
        context={
            "series": series,
            "meeting": series,  # the layout's title
            "community": series.community,
            "series_url": absolute_url(series.get_absolute_url()),
            "person_name": user.get_full_name(),
            "viewer_zone": user.time_zone,
            "dates": dates,
            "registered": len(seated),
        },
        language=user.language,
        time_zone=user.time_zone,
        once_key=f"series-followed:{follow.pk}:{stamp}",
        user=user,
        kind="series_followed",
        community_id=series.community_id,
        attachments=[_calendar_part(seated)] if seated else [],
    )
