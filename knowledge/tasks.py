"""Thin tasks: ids in, state re-checked, one notice per recipient (safe to run twice)."""

from __future__ import annotations

from celery import shared_task

from members.notifications import MAIL_RETRY as RETRY


@shared_task(**RETRY)
def notify_comment_created(comment_id: int) -> int:
    from .services import notice_comment_created

    return notice_comment_created(comment_id=comment_id)


@shared_task(**RETRY)
def notify_answer_created(answer_id: int) -> int:
    from .services import notice_answer_created

    return notice_answer_created(answer_id=answer_id)


@shared_task(**RETRY)
def notify_answer_accepted(answer_id: int) -> int:
    from .services import notice_answer_accepted

    return notice_answer_accepted(answer_id=answer_id)


@shared_task(**RETRY)
def notify_review_requested(round_id: int) -> int:
    from .services import notice_review_requested

    return notice_review_requested(round_id=round_id)


@shared_task(**RETRY)
def notify_review_completed(round_id: int) -> int:
    from .services import notice_review_completed

    return notice_review_completed(round_id=round_id)
