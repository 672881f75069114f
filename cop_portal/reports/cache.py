"""The report's tables, kept for a while: counting a community's whole history on every view is what scales.

At network scale the tables of the largest community take seconds to count (registrations,
knowledge by theme over the whole history), while the page must answer within a second. The
tables of one (community, period, language) are kept in the cache for MAX_AGE and the page says
when they were counted. Invalidation is explicit: report_invalidate() (the page's "Count again"
button, and any service that wants it) moves the community's version, so every period's tables
are counted afresh on the next view.
"""

from __future__ import annotations

import uuid
from datetime import datetime, timedelta

from django.core.cache import cache
from django.utils import timezone
from django.utils.translation import get_language

from communities.models import Community

from .periods import Period
from .selectors import Report
from .tables import Table

MAX_AGE = timedelta(minutes=15)


def _version_key(community_id: int) -> str:
    return f"reports:version:{community_id}"


def report_invalidate(*, community: Community) -> None:
    """Drop the kept tables of every period of community: the next view counts them again."""
    cache.set(_version_key(community.pk), uuid.uuid4().hex, timeout=None)


def report_tables(*, community: Community, period: Period) -> tuple[list[Table], datetime]:
    """Return the tables of community over period and when they were counted (now, or at most MAX_AGE ago)."""
    version = cache.get(_version_key(community.pk)) or "0"
    key = f"reports:tables:{community.pk}:{version}:{period.slug()}:{get_language()}"
    kept = cache.get(key)
    if kept is not None:
        return kept
    counted = (Report(community=community, period=period).tables(), timezone.now())
    cache.set(key, counted, timeout=int(MAX_AGE.total_seconds()))
    return counted
