"""Background work of the reports: report tables (store.py), PDFs (pdf_store.py), open-data bundles (opendata_store.py).

Thin tasks, ids in; queued through members.outbox, so each runs once per key and a dead broker
only delays them (the outbox dispatcher publishes them later).
"""

from __future__ import annotations

from celery import shared_task
from django.core.cache import cache
from django.utils import timezone

from communities.models import Community
from members import outbox

from . import opendata_store, pdf_store, store

# A count of one (community, period) runs once at a time; a second one queued meanwhile does nothing.
COUNT_LOCK_SECONDS = 600


@shared_task(name="reports.build_open_data")
def build_open_data(community_id: int) -> None:
    """Build and store the bundle of one community, if it still publishes open data."""
    community = Community.objects.filter(pk=community_id, visibility=Community.Visibility.PUBLIC).first()
    if community is not None:
        opendata_store.open_data_build(community=community)


def _enqueue_builds(community_ids: list[int], *, window: str) -> int:
    # One message per community and window: a second run in the same window enqueues nothing more.
    for community_id in community_ids:
        outbox.enqueue(build_open_data, community_id, key=f"open-data:{community_id}:{window}")
    return len(community_ids)


@shared_task(name="reports.refresh_open_data")
def refresh_open_data() -> int:
    """Rebuild the bundles of the public communities that changed since their last build (beat: often)."""
    now = timezone.now()
    window = now.strftime("%Y%m%dT%H") + f"-{now.minute // 15}"
    return _enqueue_builds(opendata_store.communities_to_rebuild(), window=window)


@shared_task(name="reports.build_all_open_data")
def build_all_open_data() -> int:
    """Rebuild every public community's bundle (beat: nightly), changed or not."""
    ids = list(
        Community.objects.filter(visibility=Community.Visibility.PUBLIC).order_by("pk").values_list("pk", flat=True)
    )
    return _enqueue_builds(ids, window=timezone.now().strftime("nightly-%Y%m%d"))


@shared_task(name=store.COUNT_TASK)
def count_report(community_id: int, preset: str, start: str = "", end: str = "") -> bool:
    """Count and keep one community's report tables over one period, in every language."""
    community = Community.objects.filter(pk=community_id).first()
    if community is None:
        return False
    period = store.period_from_args(preset, start, end)
    lock = f"reports:counting:{community_id}:{period.slug()}"
    if not cache.add(lock, 1, COUNT_LOCK_SECONDS):
        return False
    try:
        store.count_report(community=community, period=period)
    finally:
        cache.delete(lock)
    return True


@shared_task(name="reports.refresh_reports")
def refresh_reports() -> int:
    """Queue a count of every preset period whose tables are missing, changed or old (beat: every 5 minutes)."""
    now = timezone.now()
    window = now.strftime("%Y%m%dT%H") + f"-{now.minute // 5}"
    due = store.communities_to_count(now=now)
    for community_id, preset, changed in due:
        # Once per window and change: a second run in the same window queues nothing more, a change does.
        key = f"reports:count:{community_id}:{preset}:{window}:{changed or 0}"
        outbox.enqueue(count_report, community_id, preset, "", "", key=key)
    return len(due)


@shared_task(name=pdf_store.BUILD_TASK)
def build_report_pdf(community_id: int, preset: str, start: str, end: str, language: str) -> bool:
    """Make and store the PDF of one community's report over one period in one language."""
    return pdf_store.build_task_body(community_id, preset, start, end, language) is not None
