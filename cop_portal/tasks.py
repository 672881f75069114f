"""Portal-wide tasks."""

from smtplib import SMTPException

from celery import shared_task
from django.core.cache import cache

from cop_portal.accessibility import accessibility_feedback_send  # noqa: F401 - registers the task in workers
from cop_portal.digests import build_digest_batch, dispatch_digests, send_digest  # noqa: F401 - registers the tasks
from cop_portal.reports.tasks import (  # noqa: F401 - registers the tasks
    build_all_open_data,
    build_open_data,
    build_report_pdf,
    count_report,
    refresh_open_data,
    refresh_reports,
)


@shared_task(name="cop_portal.ping")
def ping(token: str) -> str:
    """Record token in the database and the cache; used by health checks and tests."""
    from cop_portal.models import Heartbeat

    Heartbeat.objects.update_or_create(token=token, defaults={})
    cache.set(f"heartbeat:{token}", True, 300)
    return token


@shared_task(
    name="cop_portal.build_data_export", autoretry_for=(SMTPException, OSError), retry_backoff=True, max_retries=5
)
def build_data_export(export_id: int) -> bool:
    """Build a person's data export and email them its link; safe to run twice (one file, one email)."""
    from cop_portal.privacy.export import build_and_send

    return build_and_send(export_id)
