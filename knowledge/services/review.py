"""Peer review: rounds, reviews, the authors' response."""

from __future__ import annotations

from collections.abc import Iterable
from datetime import date

from django.core.exceptions import PermissionDenied, ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext as _

from communities import permissions
from communities.models import Membership
from members.models import Organization, User

from .. import tasks
from ..models import KnowledgeItem, Review, ReviewRound
from ..selectors import is_coordinator, is_item_author
from ._common import _clean_text, _enqueue, _member_authors


@transaction.atomic
def review_round_request(
    *,
    item: KnowledgeItem,
    by: User,
    due_date: date,
    reviewers: Iterable[User] = (),
    organizations: Iterable[Organization] = (),
    message: str = "",
) -> ReviewRound:
    """Ask chosen members, or all members of chosen organisations, to review item by due_date."""
    item = KnowledgeItem.objects.select_for_update().get(pk=item.pk)
    if not is_item_author(user=by, item=item) and not is_coordinator(user=by, community=item.community):
        raise PermissionDenied(_("Only the authors can ask for a review."))
    errors = {}
    if due_date is None or due_date < timezone.localdate():
        errors["due_date"] = _("Choose a due date from today on.")
    organizations = list(organizations)
    chosen = {u.pk for u in reviewers}
    members = Membership.objects.active().community_level().filter(community=item.community)
    from_orgs = set(members.filter(user__organization__in=organizations).values_list("user_id", flat=True))
    not_members = chosen - set(members.filter(user__in=chosen).values_list("user_id", flat=True))
    if not_members:
        errors["reviewers"] = _("Reviewers must be members of the community.")
    reviewer_ids = (chosen | from_orgs) - _member_authors(item)
    if not reviewer_ids and "reviewers" not in errors:
        errors["reviewers"] = _("Choose at least one reviewer who is not an author.")
    if ReviewRound.objects.filter(item=item, state=ReviewRound.State.OPEN).exists():
        errors["__all__"] = _("This item already has an open review round.")
    if errors:
        raise ValidationError(errors)
    review_round = ReviewRound.objects.create(
        item=item, requested_by=by, due_date=due_date, message=_clean_text(message, limit=5000)
    )
    review_round.reviewers.set(User.objects.filter(pk__in=reviewer_ids, is_active=True))
    review_round.organizations.set(organizations)
    _enqueue(tasks.notify_review_requested, review_round.pk)
    return review_round


def _complete(review_round: ReviewRound) -> None:
    review_round.state = ReviewRound.State.COMPLETED
    review_round.completed_at = timezone.now()
    review_round.save(update_fields=["state", "completed_at", "updated_at"])
    _enqueue(tasks.notify_review_completed, review_round.pk)


@transaction.atomic
def review_submit(
    *,
    review_round: ReviewRound,
    by: User,
    strengths: str,
    weaknesses: str,
    recommendations: str,
    opinion: str,
) -> Review:
    """Save by's review (one per reviewer per round, editable while the round is open).

    When every reviewer has answered, the round completes and the authors are told.
    """
    review_round = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
    if not review_round.reviewers.filter(pk=by.pk).exists() or not permissions.is_active_member(
        by, review_round.item.community
    ):
        raise PermissionDenied(_("You are not a reviewer in this round."))
    if not review_round.is_open:
        raise ValidationError(_("This review round is closed."))
    values = {
        "strengths": _clean_text(strengths, limit=10000),
        "weaknesses": _clean_text(weaknesses, limit=10000),
        "recommendations": _clean_text(recommendations, limit=10000),
        "opinion": opinion,
    }
    errors = {name: _("This field is required.") for name, value in values.items() if not value}
    if opinion and opinion not in Review.Opinion.values:
        errors["opinion"] = _("Choose an overall opinion.")
    if errors:
        raise ValidationError(errors)
    review, _created = Review.objects.update_or_create(round=review_round, reviewer=by, defaults=values)
    if review_round.reviews.count() >= review_round.reviewers.count():
        _complete(review_round)
    return review


@transaction.atomic
def review_respond(*, review_round: ReviewRound, by: User, response: str) -> ReviewRound:
    """Record the authors' response to the reviews (after at least one review)."""
    review_round = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
    if not is_item_author(user=by, item=review_round.item):
        raise PermissionDenied(_("Only the authors can respond to the reviews."))
    if review_round.state == ReviewRound.State.CANCELLED:
        raise ValidationError(_("This review round was cancelled."))
    if not review_round.reviews.exists():
        raise ValidationError(_("There is no review to respond to yet."))
    response = _clean_text(response, limit=20000)
    if not response:
        raise ValidationError({"response": _("Write a response first.")})
    if response != review_round.author_response:
        review_round.author_response = response
        review_round.responded_by = by
        review_round.responded_at = timezone.now()
        review_round.save(update_fields=["author_response", "responded_by", "responded_at", "updated_at"])
    return review_round


def _require_round_manager(*, user, review_round: ReviewRound) -> None:
    item = review_round.item
    if not (is_item_author(user=user, item=item) or is_coordinator(user=user, community=item.community)):
        raise PermissionDenied(_("Only the authors or a coordinator can close this review round."))


@transaction.atomic
def review_round_complete(*, review_round: ReviewRound, by: User) -> ReviewRound:
    """Close an open round with the reviews received so far (at least one)."""
    review_round = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
    _require_round_manager(user=by, review_round=review_round)
    if review_round.state == ReviewRound.State.COMPLETED:
        return review_round
    if review_round.state == ReviewRound.State.CANCELLED:
        raise ValidationError(_("This review round was cancelled."))
    if not review_round.reviews.exists():
        raise ValidationError(_("A round completes with at least one review; cancel it instead."))
    _complete(review_round)
    return review_round


@transaction.atomic
def review_round_cancel(*, review_round: ReviewRound, by: User) -> ReviewRound:
    review_round = ReviewRound.objects.select_for_update().get(pk=review_round.pk)
    _require_round_manager(user=by, review_round=review_round)
    if review_round.state != ReviewRound.State.OPEN:
        return review_round
    review_round.state = ReviewRound.State.CANCELLED
    review_round.save(update_fields=["state", "updated_at"])
    return review_round
