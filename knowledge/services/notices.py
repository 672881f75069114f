"""Notices about knowledge, sent by the tasks (knowledge.tasks) once per person."""

from __future__ import annotations

from members.models import User
from members.notifications import absolute_url

from ..models import Answer, Comment, KnowledgeItem, ReviewRound
from ..notifications import send_once
from ..selectors import can_see_item
from ._common import _member_authors


def _item_recipients(item: KnowledgeItem, *, exclude: int | None) -> list[User]:
    ids = _member_authors(item) - ({exclude} if exclude else set())
    return list(User.objects.filter(pk__in=ids, is_active=True))


def notice_comment_created(*, comment_id: int) -> int:
    """Tell the item's authors about a new comment; return how many were told."""
    comment = Comment.objects.select_related("item", "item__community", "author").filter(pk=comment_id).first()
    if comment is None or comment.item is None:
        return 0
    sent = 0
    for user in _item_recipients(comment.item, exclude=comment.author_id):
        if not can_see_item(user=user, item=comment.item):
            continue
        sent += send_once(
            key=f"knowledge:comment:{comment.pk}:{user.pk}",
            user=user,
            template_prefix="knowledge/emails/comment_created",
            context={"comment": comment, "item": comment.item, "url": absolute_url(comment.item.get_absolute_url())},
        )
    return sent


def notice_answer_created(*, answer_id: int) -> int:
    answer = (
        Answer.objects.select_related("item", "item__community", "item__created_by", "author")
        .filter(pk=answer_id)
        .first()
    )
    if answer is None or answer.item.created_by is None or answer.item.created_by_id == answer.author_id:
        return 0
    asker = answer.item.created_by
    return int(
        send_once(
            key=f"knowledge:answer:{answer.pk}:{asker.pk}",
            user=asker,
            template_prefix="knowledge/emails/answer_created",
            context={"answer": answer, "item": answer.item, "url": absolute_url(answer.item.get_absolute_url())},
        )
    )


def notice_answer_accepted(*, answer_id: int) -> int:
    answer = (
        Answer.objects.select_related("item", "item__community", "author", "accepted_by")
        .filter(pk=answer_id, is_accepted=True)
        .first()
    )
    if answer is None or answer.accepted_by_id == answer.author_id:
        return 0
    return int(
        send_once(
            key=f"knowledge:accepted:{answer.pk}:{answer.author_id}",
            user=answer.author,
            template_prefix="knowledge/emails/answer_accepted",
            context={"answer": answer, "item": answer.item, "url": absolute_url(answer.item.get_absolute_url())},
        )
    )


def notice_review_requested(*, round_id: int) -> int:
    review_round = (
        ReviewRound.objects.select_related("item", "item__community", "requested_by")
        .filter(pk=round_id, state=ReviewRound.State.OPEN)
        .first()
    )
    if review_round is None:
        return 0
    sent = 0
    for user in review_round.reviewers.filter(is_active=True):
        sent += send_once(
            key=f"knowledge:review-requested:{review_round.pk}:{user.pk}",
            user=user,
            template_prefix="knowledge/emails/review_requested",
            context={
                "round": review_round,
                "item": review_round.item,
                "url": absolute_url(review_round.get_absolute_url()),
            },
        )
    return sent


def notice_review_completed(*, round_id: int) -> int:
    review_round = (
        ReviewRound.objects.select_related("item", "item__community")
        .filter(pk=round_id, state=ReviewRound.State.COMPLETED)
        .first()
    )
    if review_round is None:
        return 0
    sent = 0
    for user in _item_recipients(review_round.item, exclude=None):
        sent += send_once(
            key=f"knowledge:review-completed:{review_round.pk}:{user.pk}",
            user=user,
            template_prefix="knowledge/emails/review_completed",
            context={
                "round": review_round,
                "item": review_round.item,
                "review_count": review_round.reviews.count(),
                "url": absolute_url(review_round.get_absolute_url()),
            },
        )
    return sent
