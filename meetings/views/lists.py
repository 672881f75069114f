"""The community's meeting list and month calendar."""

from __future__ import annotations

import calendar as pycalendar
import re
import zoneinfo
from datetime import date, datetime, timedelta

from django.contrib import messages
from django.core.paginator import Paginator
from django.shortcuts import render
from django.urls import reverse
from django.utils import formats, timezone
from django.utils.translation import gettext as _

from communities.access import deny
from communities.models import Group
from communities.selectors import user_can_see_content
from communities.translation import prefetch_translations

from .. import localtime, selectors
from ..models import Meeting

PAGE_SIZE = 20
MONTH = re.compile(r"(?P<year>[0-9]{4})-(?P<month>[0-9]{1,2})")


def meeting_list(request, community_slug):
    """List upcoming (or past) meetings of the community, filtered by kind, group, format and theme."""
    community = request.community
    if not user_can_see_content(user=request.user, community=community):
        return deny(request)
    when = "past" if request.GET.get("when") == "past" else "upcoming"
    filters = {key: request.GET.get(key, "") for key in ("kind", "group", "format", "theme")}
    visible = selectors.community_meetings(community=community, user=request.user)
    meetings = selectors.filter_meetings(visible, **filters)
    meetings = meetings.past() if when == "past" else meetings.upcoming(community=community)
    page = Paginator(selectors.for_cards(meetings, request.user), PAGE_SIZE).get_page(request.GET.get("page"))
    groups = list(
        Group.objects.visible_to(request.user).filter(community=community).order_by("position", "sort_name", "pk")
    )
    for group in groups:  # the filter's group names need their language, which may be the community's
        Group._meta.get_field("community").set_cached_value(group, community)
    # The cards and the group filter in the reader's language: every row's translation in one query.
    page.object_list = list(page.object_list)
    prefetch_translations([*page.object_list, *groups])
    context = {
        "community": community,
        "page": page,
        "meetings": page.object_list,
        "when": when,
        "filters": filters,
        "kinds": Meeting.Kind.choices,
        "formats": Meeting.Format.choices,
        "groups": groups,
        "themes": selectors.theme_choices(
            visible.past() if when == "past" else visible.upcoming(community=community), selected=filters["theme"]
        ),
        "can_schedule": selectors.can_schedule(user=request.user, community=community),
        "feed_url": request.build_absolute_uri(
            reverse("calendar_feeds:community", kwargs={"community_slug": community.slug})
        ),
    }
    return render(request, "meetings/meeting_list.html", context)


def _month_from(request) -> date:
    """Return the first day of the month asked for (?month=YYYY-MM), or of this month with a message."""
    this_month = timezone.localdate().replace(day=1)
    value = request.GET.get("month", "")
    if not value:
        return this_month
    match = MONTH.fullmatch(value.strip())
    if match:
        year, month = int(match["year"]), int(match["month"])
        if localtime.EARLIEST_YEAR <= year <= localtime.LATEST_YEAR and 1 <= month <= 12:
            return date(year, month, 1)
    messages.warning(
        request,
        _("There is no calendar for that month: choose one between the years %(first)d and %(last)d.")
        % {"first": localtime.EARLIEST_YEAR, "last": localtime.LATEST_YEAR},
    )
    return this_month


def meeting_calendar(request, community_slug):
    """Show one month as a table of weeks, each day listing its meetings in the viewer's zone (no JavaScript)."""
    community = request.community
    if not user_can_see_content(user=request.user, community=community):
        return deny(request)
    first = _month_from(request)
    viewer_zone = timezone.get_current_timezone() if request.user.is_authenticated else zoneinfo.ZoneInfo("UTC")
    month_days = pycalendar.Calendar(firstweekday=0).monthdatescalendar(first.year, first.month)
    start = datetime.combine(month_days[0][0], datetime.min.time(), tzinfo=viewer_zone)
    end = datetime.combine(month_days[-1][-1] + timedelta(days=1), datetime.min.time(), tzinfo=viewer_zone)
    meetings = list(
        selectors.community_meetings(community=community, user=request.user)
        .in_range(start, end)
        .select_related("community", "group")
        .order_by("start", "pk")
    )
    by_day: dict[date, list[Meeting]] = {}
    for meeting in meetings:
        day = meeting.start.astimezone(viewer_zone).date()
        last = (meeting.end - timedelta(seconds=1)).astimezone(viewer_zone).date()
        while day <= last:
            by_day.setdefault(day, []).append(meeting)
            day += timedelta(days=1)
    weeks = [[(day, day.month == first.month, by_day.get(day, [])) for day in week] for week in month_days]
    previous = (first - timedelta(days=1)).replace(day=1)
    following = (first + timedelta(days=32)).replace(day=1)
    # No link to a month the calendar does not show.
    previous = previous if localtime.year_in_range(previous) else None
    following = following if localtime.year_in_range(following) else None
    context = {
        "community": community,
        "month": first,
        "weeks": weeks,
        "weekdays": [(formats.date_format(day, "l"), formats.date_format(day, "D")) for day in month_days[0]],
        "previous": previous,
        "following": following,
        "today": timezone.localdate(timezone=viewer_zone),
        "viewer_zone": viewer_zone,
        "can_schedule": selectors.can_schedule(user=request.user, community=community),
    }
    return render(request, "meetings/meeting_calendar.html", context)
