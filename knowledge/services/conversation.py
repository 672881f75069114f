"""Comments on items and meetings, answers to questions."""

from __future__ import annotations

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities.reporting import reports_changed
from members.models import User

from .. import tasks
from ..markup import render_markdown
from ..models import Answer, Comment, KnowledgeItem
from ..selectors import can_accept_answer, can_see_item
from ._common import DOUBLE_SUBMIT_WINDOW, _clean_text, _enqueue, _require_member


@transaction.atomic
def comment_create(*, by: User, body: str, item: KnowledgeItem | None = None, meeting=None) -> Comment:
    """Add a comment by a member to an item or a meeting they can see; a double submit adds nothing."""
    if (item is None) == (meeting is None):
        raise TypeError("comment_create() needs exactly one of item or meeting.")
    body = _clean_text(body, limit=5000)
    if not body:
        raise ValidationError({"body": _("Write a comment first.")})
    target = {"item": item} if item is not None else {"meeting": meeting}
    community = item.community if item is not None else meeting.community
    _require_member(user=by, community=community, message=_("Only members of the community can comment."))
    if item is not None and not can_see_item(user=by, item=item):
        raise PermissionDenied(_("You cannot see this item."))
    if meeting is not None:
        from meetings.models import Meeting

        if not Meeting.objects.visible_to(by).filter(pk=meeting.pk).exists():
            raise PermissionDenied(_("You cannot see this meeting."))
    recent = Comment.objects.filter(
        author=by, body=body, created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW, **target
    ).first()
    if recent is not None:
        return recent
    comment = Comment.objects.create(community=community, author=by, body=body, **target)
    if item is not None:
        _enqueue(tasks.notify_comment_created, comment.pk)
    return comment


@transaction.atomic
def answer_create(*, item: KnowledgeItem, by: User, body: str) -> Answer:
    """Answer a published question; a double submit adds nothing."""
    reports_changed(item.community_id)  # counted again by the reports (after commit)
    if not item.is_question:
        raise ValidationError(_("Only questions take answers; leave a comment instead."))
    if not item.is_published:
        raise ValidationError(_("This question is not published yet."))
    body = _clean_text(body, limit=20000)
    if not body:
        raise ValidationError({"body": _("Write an answer first.")})
    _require_member(user=by, community=item.community, message=_("Only members of the community can answer."))
    if not can_see_item(user=by, item=item):
        raise PermissionDenied(_("You cannot see this item."))
    recent = Answer.objects.filter(
        item=item, author=by, body=body, created_at__gte=timezone.now() - DOUBLE_SUBMIT_WINDOW
    ).first()
    if recent is not None:
        return recent
    answer = Answer.objects.create(item=item, author=by, body=body, body_html=render_markdown(body))
    _enqueue(tasks.notify_answer_created, answer.pk)
    return answer


@transaction.atomic
def answer_accept(*, answer: Answer, by: User) -> Answer:
    """Mark answer as the accepted one (the asker, a facilitator or a coordinator); the previous one loses it."""
    item = KnowledgeItem.objects.select_for_update().get(pk=answer.item_id)
    if not can_accept_answer(user=by, item=item):
        raise PermissionDenied(_("Only the person who asked or a facilitator can accept an answer."))
    answer = Answer.objects.get(pk=answer.pk)
    if answer.is_accepted:
        return answer
    Answer.objects.filter(item=item, is_accepted=True).update(is_accepted=False, accepted_by=None, accepted_at=None)
    answer.is_accepted = True
    answer.accepted_by = by
    answer.accepted_at = timezone.now()
    answer.save(update_fields=["is_accepted", "accepted_by", "accepted_at"])
    _enqueue(tasks.notify_answer_accepted, answer.pk)
    return answer
