"""Scoring applications: each reviewer scores each application against the meeting's criteria, independently.

A review holds one score per criterion (0 to the criterion's highest score) and its weighted
total out of 100: sum(weight * score / highest) / sum(weight) * 100. Lists average these
totals and show how far apart reviewers are (highest minus lowest total), flagged above the
meeting's disagreement threshold.

Independence: a named reviewer sees the other reviewers' scores of an application only after
submitting their own (selectors_applications decides what a page shows); the organisers, who
decide, see every score.
"""

from __future__ import annotations

from decimal import ROUND_HALF_UP, Decimal

from django.core.exceptions import ValidationError
from django.db import transaction
from django.utils import timezone
from django.utils.translation import gettext_lazy as _

from communities import permissions
from communities.reporting import reports_changed
from members.models import User

from ..models import ApplicationReview, ApplicationScore, Criterion, Meeting, Registration


def review_total(criteria: list[Criterion], values: dict[int, int]) -> Decimal:
    """Return the weighted total out of 100 of values (criterion id -> score), to one decimal."""
    weights = sum(criterion.weight for criterion in criteria)
    if not weights:
        return Decimal("0.0")
    points = sum(
        Decimal(criterion.weight) * Decimal(values[criterion.pk]) / criterion.scale_max for criterion in criteria
    )
    return (points / weights * 100).quantize(Decimal("0.1"), rounding=ROUND_HALF_UP)


def may_review(*, user: User, meeting: Meeting, organises: bool | None = None) -> bool:
    """Return whether user may read and score meeting's applications (communities.permissions decides).

    organises: whether user organises meeting, when the caller knows it already (the meeting
    page reads it with the meeting); otherwise it is asked here.
    """
    if organises is None:
        organises = Meeting.objects.manageable_by(user).filter(pk=meeting.pk).exists()
    return permissions.may_review(user, meeting, organises=organises)


@transaction.atomic
def review_submit(
    *, registration: Registration, reviewer: User, scores: dict[int, int], comment: str = ""
) -> ApplicationReview:
    """Record reviewer's scores of one application (replacing their earlier ones); ValidationError keyed c<id>."""
    registration = Registration.objects.select_for_update().select_related("meeting").get(pk=registration.pk)
    meeting = registration.meeting
    reports_changed(meeting.community_id)  # counted again by the reports (after commit)
    if not meeting.takes_applications or not may_review(user=reviewer, meeting=meeting):
        raise ValidationError(_("Only the reviewers of this meeting can score its applications."), code="not_reviewer")
    if registration.status == Registration.Status.CANCELLED:
        raise ValidationError(_("This application was withdrawn."), code="withdrawn")
    criteria = list(Criterion.objects.filter(meeting=meeting).order_by("position", "pk"))
    if not criteria:
        raise ValidationError(_("The organisers have not set the criteria yet."), code="no_criteria")
    errors: dict[str, list] = {}
    clean: dict[int, int] = {}
    for criterion in criteria:
        raw = scores.get(criterion.pk)
        try:
            value = int(str(raw).strip())
        except (TypeError, ValueError):
            value = None
        if value is None or not 0 <= value <= criterion.scale_max:
            errors[f"c{criterion.pk}"] = [
                ValidationError(
                    _("Give a score from 0 to %(max)d."), code="score_range", params={"max": criterion.scale_max}
                )
            ]
        else:
            clean[criterion.pk] = value
    if errors:
        raise ValidationError(errors)
    review, _created = ApplicationReview.objects.update_or_create(
        registration=registration,
        reviewer=reviewer,
        defaults={
            "total": review_total(criteria, clean),
            "comment": (comment or "").strip()[:5000],
            "submitted_at": timezone.now(),
        },
    )
    review.scores.all().delete()
    ApplicationScore.objects.bulk_create(
        ApplicationScore(review=review, criterion_id=criterion_id, value=value) for criterion_id, value in clean.items()
    )
    return review
