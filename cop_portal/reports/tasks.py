"""Background builds of the open-data bundles (cop_portal/reports/opendata_store.py): thin, ids in."""

from __future__ import annotations

from celery import shared_task
from django.utils import timezone

from communities.models import Community
from members import outbox

from . import opendata_store


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
