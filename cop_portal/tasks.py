"""Portal-wide tasks."""

from celery import shared_task
from django.core.cache import cache

from cop_portal.accessibility import accessibility_feedback_send  # noqa: F401 - registers the task in workers
from cop_portal.digests import build_digest_batch, dispatch_digests, send_digest  # noqa: F401 - registers the tasks
from cop_portal.reports.tasks import (  # noqa: F401 - registers the tasks
    build_all_open_data,
    build_open_data,
    refresh_open_data,
)


@shared_task(name="cop_portal.ping")
def ping(token: str) -> str:
    """Record token in the database and the cache; used by health checks and tests."""
    from cop_portal.models import Heartbeat

    Heartbeat.objects.update_or_create(token=token, defaults={})
    cache.set(f"heartbeat:{token}", True, 300)
    return token
