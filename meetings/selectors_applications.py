"""Reads of applications: the reviewers' list with averages and disagreement, one application for review.

What a reviewer sees of the others' scores follows the rule of services.application_reviews: the
organisers see every score; a named reviewer sees the others' scores, the average and the
disagreement of an application only once they have submitted their own review of it.
The list page reads everything in a fixed number of queries (aggregates in SQL).
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from django.db.models import Avg, Count, Max, Min, OuterRef, Subquery
from django_countries import countries

from .models import (
    Application,
    ApplicationReview,
    ApplicationScore,
    Criterion,
    Meeting,
    Quota,
    Registration,
)
from .selectors_forms import answer_values, form_questions
from .services.answers import answer_display
from .services.applications import application_setup_of
from .services.selection import quota_label

APPLICATION_STATUSES = [
    (Registration.Status.PENDING, "pending"),
    (Registration.Status.REGISTERED, "accepted"),
    (Registration.Status.WAITLISTED, "waitlisted"),
    (Registration.Status.DECLINED, "rejected"),
    (Registration.Status.CANCELLED, "withdrawn"),
]


def status_label(status: str) -> str:
    from django.utils.translation import gettext as _

    labels = {
        Registration.Status.PENDING: _("Under review"),
        Registration.Status.REGISTERED: _("Accepted"),
        Registration.Status.WAITLISTED: _("On the waitlist"),
        Registration.Status.DECLINED: _("Not selected"),
        Registration.Status.CANCELLED: _("Withdrawn or released"),
    }
    return labels.get(status, status)


def status_choices() -> list[tuple[str, str]]:
    return [(value, status_label(value)) for value, _key in APPLICATION_STATUSES]


@dataclass
class ApplicationFilters:
    status: str = ""
    country: str = ""
    quota: int | None = None

    @property
    def active(self) -> bool:
        return bool(self.status or self.country or self.quota)


def filters_from(params: Mapping[str, str], quotas: list[Quota]) -> ApplicationFilters:
    status = params.get("status", "")
    country = (params.get("country", "") or "").upper()
    quota = params.get("quota", "")
    return ApplicationFilters(
        status=status if status in Registration.Status.values else "",
        country=country if country in dict(countries) else "",
        quota=int(quota) if quota.isdigit() and int(quota) in {q.pk for q in quotas} else None,
    )


@dataclass
class ApplicationRow:
    registration: Registration
    application: Application
    status_label: str
    country_name: str
    review_count: int
    my_total: Decimal | None
    sees_scores: bool
    average: Decimal | None
    spread: Decimal | None
    flagged: bool


def application_rows(
    *, meeting: Meeting, viewer, organiser: bool, filters: ApplicationFilters | None = None
) -> list[ApplicationRow]:
    """Return meeting's applications for the reviewers' list, best average first, with the filters applied."""
    filters = filters or ApplicationFilters()
    setup = application_setup_of(meeting)
    mine = ApplicationReview.objects.filter(registration=OuterRef("pk"), reviewer=viewer).values("total")[:1]
    registrations = (
        Registration.objects.filter(meeting=meeting, application__isnull=False)
        .select_related("application", "user", "user__organization")
        .annotate(
            average=Avg("application_reviews__total"),
            highest=Max("application_reviews__total"),
            lowest=Min("application_reviews__total"),
            review_count=Count("application_reviews"),
            my_total=Subquery(mine),
        )
    )
    if filters.status:
        registrations = registrations.filter(status=filters.status)
    if filters.country:
        registrations = registrations.filter(application__country=filters.country)
    rows = []
    quota = Quota.objects.filter(pk=filters.quota, meeting=meeting).first() if filters.quota else None
    for registration in registrations:
        application = registration.application
        if quota is not None and not quota.matches(application):
            continue
        sees = organiser or registration.my_total is not None
        spread = (registration.highest - registration.lowest) if registration.review_count > 1 else None
        rows.append(
            ApplicationRow(
                registration=registration,
                application=application,
                status_label=status_label(registration.status),
                country_name=str(countries.name(application.country)) if application.country else "",
                review_count=registration.review_count,
                my_total=registration.my_total,
                sees_scores=sees,
                average=registration.average if sees and registration.average is not None else None,
                spread=spread if sees else None,
                flagged=bool(sees and spread is not None and spread > setup.disagreement_threshold),
            )
        )
    rows.sort(
        key=lambda r: (
            r.average is None,
            -(r.average or 0),
            r.application.submitted_at,
            r.registration.pk,
        )
    )
    return rows


@dataclass
class ReviewView:
    reviewer_name: str
    total: Decimal
    comment: str
    scores: list[tuple[str, int, int]] = field(default_factory=list)  # (criterion, value, highest)
    mine: bool = False


def application_detail(*, registration: Registration, viewer, organiser: bool) -> dict[str, Any]:
    """Return what the review page shows: answers, the criteria, my review, and the others' when allowed."""
    meeting = registration.meeting
    questions = form_questions(meeting, include_off=True)
    values = answer_values([registration.pk], questions).get(registration.pk, {})
    answers = [
        (question.display_label, answer_display(question, values.get(question.pk)))
        for question in questions
        if question.pk in values
    ]
    criteria = list(Criterion.objects.filter(meeting=meeting).order_by("position", "pk"))
    reviews = list(
        ApplicationReview.objects.filter(registration=registration)
        .select_related("reviewer")
        .order_by("submitted_at", "pk")
    )
    scores = {}
    for score in ApplicationScore.objects.filter(review__in=reviews).select_related("criterion"):
        scores.setdefault(score.review_id, []).append(
            (score.criterion.name, score.value, score.criterion.scale_max, score.criterion.position)
        )
    mine = next((review for review in reviews if review.reviewer_id == viewer.pk), None)
    sees_others = organiser or mine is not None
    shown = [
        ReviewView(
            reviewer_name=review.reviewer.get_full_name(),
            total=review.total,
            comment=review.comment,
            scores=[
                (name, value, top) for name, value, top, _pos in sorted(scores.get(review.pk, []), key=lambda s: s[3])
            ],
            mine=review.reviewer_id == viewer.pk,
        )
        for review in reviews
        if sees_others or review.reviewer_id == viewer.pk
    ]
    totals = [review.total for review in reviews]
    setup = application_setup_of(meeting)
    spread = (max(totals) - min(totals)) if len(totals) > 1 else None
    application = registration.application
    quotas = [quota_label(q) for q in Quota.objects.filter(meeting=meeting) if q.matches(application)]
    return {
        "answers": answers,
        "criteria": criteria,
        "my_review": mine,
        "my_scores": {score.criterion_id: score.value for score in mine.scores.all()} if mine else {},
        "reviews": shown,
        "hidden_reviews": 0 if sees_others else len(reviews) - len(shown),
        "sees_others": sees_others,
        "average": (sum(totals) / len(totals)).quantize(Decimal("0.1")) if totals and sees_others else None,
        "spread": spread if sees_others else None,
        "flagged": bool(sees_others and spread is not None and spread > setup.disagreement_threshold),
        "threshold": setup.disagreement_threshold,
        "status_label": status_label(registration.status),
        "country_name": str(countries.name(application.country)) if application.country else "",
        "quotas": quotas,
    }


def country_choices(meeting: Meeting) -> list[tuple[str, str]]:
    """Return the countries of meeting's applicants, for the filter."""
    codes = Application.objects.filter(meeting=meeting).exclude(country="").values_list("country", flat=True)
    return sorted(((code, str(countries.name(code))) for code in set(codes)), key=lambda pair: pair[1])
