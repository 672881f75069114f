"""Thin tasks of the discussions: ids in, state re-checked, the notices module does the work."""

from __future__ import annotations

from celery import shared_task

from members.notifications import MAIL_RETRY


@shared_task(name="discussions.notify_post", **MAIL_RETRY)
def notify_post(post_id: int) -> None:
    """Email a new post to the people who receive every post of its thread, and to those it mentions."""
    from . import notifications

    notifications.post_send(post_id=post_id)


@shared_task(name="discussions.send_inbound_refusal", **MAIL_RETRY)
def send_inbound_refusal(inbound_id: int, language: str = "") -> None:
    """Tell the sender of a refused inbound email why it was not posted (once)."""
    from . import notifications

    notifications.refusal_send(inbound_id=inbound_id, language=language)


@shared_task(name="discussions.send_announcement", **MAIL_RETRY)
def send_announcement(announcement_id: int) -> int:
    """Email an announcement to its recipients; the ledger claims each email, so a rerun sends none twice."""
    from .services.announcements import announcement_deliver

    return announcement_deliver(announcement_id=announcement_id)
