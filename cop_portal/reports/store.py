"""A report's tables, counted in the background and kept, so no page view counts a large community.

At network scale the tables of the largest community take tens of seconds to count (registrations
and knowledge by theme over the whole history), while the page must answer within a second. So:

- The tables of one (community, period) are counted by the Celery task `reports.count_report`, in
  every language of the portal at once (the database is asked once, `tables.shared_queries`),
  and kept in the cache with the moment they were counted; the page and every download read them
  and say how long ago that was.
- Services that change what a report counts call communities.reporting.reports_changed(), which
  notes the community's change time in the cache after commit. The beat task
  `reports.refresh_reports` (every 5 minutes) queues a count of the three preset periods of every
  community changed since its last count, never counted, or counted more than REFRESH_EVERY ago
  (meetings end and years turn without any service call).
- A period with nothing kept (dates of one's own, a flushed cache) or kept but stale is counted in
  the request only when that is cheap (a small community: CHEAP_MEETINGS, CHEAP_ITEMS); otherwise
  a count is queued and the page says the figures are being counted.
- Queuing goes through members.outbox: a dead broker fails no request, the outbox dispatcher
  publishes the row later, and one key per (community, period, change) queues it once.
"""

from __future__ import annotations

import logging
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

from django.conf import settings
from django.core.cache import cache
from django.template.loader import render_to_string
from django.utils import timezone, translation
from django.utils.http import urlencode

from communities.models import Community
from communities.reporting import changed_key, reports_changed_at
from knowledge.models import KnowledgeItem
from meetings.models import Meeting
from members import outbox

from .charts import charts_for
from .layout import sections
from .periods import PRESET_ALL, PRESET_LAST_YEAR, PRESET_THIS_YEAR, Period, preset_period
from .selectors import Report
from .tables import Table, shared_queries

logger = logging.getLogger(__name__)

PRESETS = (PRESET_ALL, PRESET_THIS_YEAR, PRESET_LAST_YEAR)
# Counted again at least this often even when no service noted a change.
REFRESH_EVERY = timedelta(hours=1)
# Tables of a period nobody asked for again (dates of one's own) are dropped after this long.
KEEP_FOR = timedelta(days=7)
# A community with at most this many meetings and items is counted in the request when needed: a
# few hundred milliseconds at most (REBUILD at scale 0.1, 7,191 meetings and 35,784 items, takes 3.9 s).
CHEAP_MEETINGS = 1000
CHEAP_ITEMS = 5000
COUNT_TASK = "reports.count_report"


@dataclass(frozen=True)
class Counted:
    """What the page shows: the tables and when they were counted; or None, with a count queued."""

    tables: list[Table] | None
    counted_at: datetime | None = None
    stale: bool = False  # something changed since they were counted; a count is on its way
    html: str = ""  # the page's sections, rendered with the tables (reports/partials/_sections.html)

    @property
    def pending(self) -> bool:
        return self.tables is None


def _entry_key(community_id: int, period: Period, language: str) -> str:
    return f"reports:tables:{community_id}:{period.slug()}:{language}"


def _languages() -> list[str]:
    return [code for code, _name in settings.LANGUAGES]


def count_report(*, community: Community, period: Period) -> datetime:
    """Count community's tables over period in every language, keep them, and return when they were counted."""
    counted_at = timezone.now()  # before counting: a change made meanwhile is newer, so counted again
    started = time.monotonic()
    entries = {}
    # Days begin and end in the portal's time zone, whoever (or whichever task) asked for the count.
    with shared_queries(), timezone.override(settings.TIME_ZONE):
        for language in _languages():
            with translation.override(language):
                tables = Report(community=community, period=period, now=counted_at).tables()
                html = sections_html(community, period, tables)
            entries[_entry_key(community.pk, period, language)] = (tables, counted_at, html)
    cache.set_many(entries, timeout=int(KEEP_FOR.total_seconds()))
    logger.info(
        "Report of community %s (%s) counted in %.1f s", community.pk, period.slug(), time.monotonic() - started
    )
    return counted_at


def sections_html(community: Community, period: Period, tables: list[Table]) -> str:
    """Render the page's sections of tables and charts (seconds of templates for the largest community)."""
    context = {
        "sections": sections(tables, charts_for(tables)),
        "community": community,
        "period_query": urlencode(period.query()),
    }
    return render_to_string("reports/partials/_sections.html", context)


def is_cheap(community: Community) -> bool:
    """Return whether counting community's report may run in a request (two bounded counts).

    By size, not by the last count's duration: a busy machine must not send a small community's
    figures to the background now and then.
    """
    meetings = Meeting.objects.filter(community=community).order_by()[: CHEAP_MEETINGS + 1].count()
    if meetings > CHEAP_MEETINGS:
        return False
    return KnowledgeItem.objects.filter(community=community).order_by()[: CHEAP_ITEMS + 1].count() <= CHEAP_ITEMS


def period_args(period: Period) -> list[str]:
    return [
        period.preset,
        period.start.isoformat() if period.start else "",
        period.end.isoformat() if period.end else "",
    ]


def queue_count(*, community: Community, period: Period, reason: str) -> None:
    """Queue a background count of community's tables over period, once per reason (outbox key)."""
    outbox.enqueue(
        COUNT_TASK, community.pk, *period_args(period), key=f"reports:count:{community.pk}:{period.slug()}:{reason}"
    )


def _is_stale(community_id: int, counted_at: datetime) -> bool:
    changed = reports_changed_at(community_id)
    return changed is not None and changed > counted_at.timestamp()


def report_invalidate(*, community: Community) -> None:
    """Note now (not after commit) that community's figures are out of date: counted again on the next view or run."""
    cache.set(changed_key(community.pk), time.time(), timeout=None)


def report_tables(*, community: Community, period: Period) -> Counted:
    """Return the kept tables of community over period (in the current language), or None with a count queued.

    Nothing kept or kept but stale: counted here when cheap; otherwise the kept tables (or none)
    are returned and a count is queued. Preset periods are kept fresh by the beat task.
    """
    kept = cache.get(_entry_key(community.pk, period, translation.get_language() or settings.LANGUAGE_CODE))
    if kept is not None and len(kept) == 3:  # (tables, counted at, sections' HTML)
        tables, counted_at, html = kept
        if not _is_stale(community.pk, counted_at):
            return Counted(tables, counted_at, html=html)
        if is_cheap(community):
            return _count_here(community, period)
        if period.preset not in PRESETS:  # the presets are counted again by the beat task
            queue_count(community=community, period=period, reason=_minute())
        return Counted(tables, counted_at, stale=True, html=html)
    if is_cheap(community):
        return _count_here(community, period)
    queue_count(community=community, period=period, reason=_minute())
    return Counted(None)


def _minute() -> str:
    # Requests queue at most one count of a period a minute, whatever asked for it.
    return timezone.now().strftime("%Y%m%dT%H%M")


def _count_here(community: Community, period: Period) -> Counted:
    count_report(community=community, period=period)
    tables, counted_at, html = cache.get(
        _entry_key(community.pk, period, translation.get_language() or settings.LANGUAGE_CODE)
    )
    return Counted(tables, counted_at, html=html)


def report_recount(*, community: Community, period: Period) -> bool:
    """Count community's tables over period again: now when cheap (True), else queued (False).

    Queued, the kept tables are marked stale meanwhile, so the page says a count is on its way.
    """
    if is_cheap(community):
        count_report(community=community, period=period)
        return True
    report_invalidate(community=community)
    queue_count(community=community, period=period, reason=_minute())
    return False


def communities_to_count(*, now: datetime | None = None) -> list[tuple[int, str, float | None]]:
    """Return (community id, preset, changed at) of every preset period whose tables are missing, stale or too old."""
    now = now or timezone.now()
    languages = _languages()
    due = []
    for community_id in Community.objects.order_by("pk").values_list("pk", flat=True):
        changed = reports_changed_at(community_id)
        for preset in PRESETS:
            period = preset_period(preset)
            keys = [_entry_key(community_id, period, language) for language in languages]
            kept = cache.get_many(keys)
            moments = [entry[1] for entry in kept.values()]
            oldest = min(moments) if len(moments) == len(keys) else None
            if oldest is None or oldest < now - REFRESH_EVERY or (changed is not None and changed > oldest.timestamp()):
                due.append((community_id, preset, changed))
    return due


def period_from_args(preset: str, start: str, end: str) -> Period:
    if preset in PRESETS:
        return preset_period(preset)
    return Period(
        datetime.fromisoformat(start).date() if start else None,
        datetime.fromisoformat(end).date() if end else None,
        preset,
    )


def counted_stamp(counted_at: datetime) -> str:
    return counted_at.astimezone(UTC).strftime("%Y%m%dT%H%M%S%fZ")
