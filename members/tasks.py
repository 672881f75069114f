"""Tasks of the members app: the outbox dispatcher."""

from celery import shared_task


@shared_task(name="members.dispatch_outbox")
def dispatch_outbox() -> int:
    """Publish the outbox rows still pending or stale (beat, every 30 seconds; safe to run twice at once)."""
    from .outbox import dispatch

    return dispatch()
