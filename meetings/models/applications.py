"""Applications: a meeting that takes applications instead of registrations (summer schools, trainings).

An application is a Registration of a meeting whose registration policy is "applications"; its
answers are the answers to the meeting's form (Answer rows), so the form builder, the checks and
the exports are the registration form's. The registration's status says where it stands:

    pending     applied, under review (the applicant may change answers until the deadline, or withdraw)
    registered  accepted: holds a seat, counted against the capacity
    waitlisted  on the waitlist, promoted by score (best first) when a seat is freed
    declined    rejected
    cancelled   withdrawn by the applicant, or released for not confirming in time

Beside it: the organisers' criteria (name, weight, scale), each reviewer's Review (one per
reviewer and application, with a Score per criterion and the weighted total kept on the review so
lists aggregate in SQL), quotas ("at most N accepted from X") and the meeting's ApplicationSetup
(who reviews besides the organisers is a per-meeting grant, meetings.review_applications).
"""

from __future__ import annotations

from decimal import Decimal

from django.conf import settings
from django.core.validators import MaxValueValidator, MinValueValidator
from django.db import models
from django.utils.translation import gettext_lazy as _

from .meetings import Meeting
from .registrations import Registration


class ApplicationSetup(models.Model):
    """How a meeting's applications are decided: confirmation window and the disagreement threshold."""

    meeting = models.OneToOneField(Meeting, on_delete=models.CASCADE, related_name="application_setup")
    # Accepted people confirm within this many days of their acceptance, or their seat goes to the
    # waitlist; empty: nobody is asked to confirm.
    confirm_within_days = models.PositiveSmallIntegerField(
        _("days to confirm"),
        null=True,
        blank=True,
        validators=[MinValueValidator(1), MaxValueValidator(365)],
        help_text=_("Accepted people confirm within this many days, or their seat goes to the waitlist."),
    )
    # Two reviewers' totals (0-100) further apart than this flag the application.
    disagreement_threshold = models.DecimalField(
        _("disagreement threshold (points out of 100)"),
        max_digits=5,
        decimal_places=1,
        default=Decimal("25.0"),
        validators=[MinValueValidator(Decimal("0")), MaxValueValidator(Decimal("100"))],
    )
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        verbose_name = _("application settings")
        verbose_name_plural = _("application settings")

    def __str__(self) -> str:
        return str(self.meeting)


class Application(models.Model):
    """What an application adds to its registration: the facts quotas read and the confirmation."""

    registration = models.OneToOneField(Registration, on_delete=models.CASCADE, related_name="application")
    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="applications")
    # Taken when the person applies (and when they change their answers): quotas decide on these.
    country = models.CharField(_("country"), max_length=2, blank=True)
    organisation_kind = models.CharField(_("kind of organisation"), max_length=32, blank=True)
    partner_role_ids = models.JSONField(_("partner roles"), default=list, blank=True)
    submitted_at = models.DateTimeField(_("applied at"))
    accepted_at = models.DateTimeField(_("accepted at"), null=True, blank=True)
    confirm_by = models.DateTimeField(_("confirm by"), null=True, blank=True)
    confirmed_at = models.DateTimeField(_("confirmed at"), null=True, blank=True)
    released_at = models.DateTimeField(_("seat released at"), null=True, blank=True)
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["meeting", "submitted_at", "pk"]
        verbose_name = _("application")
        verbose_name_plural = _("applications")
        indexes = [models.Index(fields=["confirm_by"], name="application_confirm_by")]

    def __str__(self) -> str:
        return f"{self.registration}"

    @property
    def awaits_confirmation(self) -> bool:
        return (
            self.registration.status == Registration.Status.REGISTERED
            and self.confirm_by is not None
            and self.confirmed_at is None
        )


class Criterion(models.Model):
    """One criterion applications are scored against, on a scale from 0 to scale_max, with a weight."""

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="criteria")
    name = models.CharField(_("criterion"), max_length=200)
    description = models.CharField(_("what reviewers look for"), max_length=500, blank=True)
    weight = models.PositiveSmallIntegerField(
        _("weight"), default=1, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    scale_max = models.PositiveSmallIntegerField(
        _("highest score"), default=5, validators=[MinValueValidator(1), MaxValueValidator(100)]
    )
    position = models.PositiveIntegerField(_("position"), default=0)

    class Meta:
        ordering = ["meeting", "position", "pk"]
        verbose_name = _("criterion")
        verbose_name_plural = _("criteria")

    def __str__(self) -> str:
        return self.name


class ApplicationReview(models.Model):
    """One reviewer's scores of one application; total is the weighted score out of 100."""

    registration = models.ForeignKey(Registration, on_delete=models.CASCADE, related_name="application_reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="+")
    total = models.DecimalField(_("total (out of 100)"), max_digits=5, decimal_places=1)
    comment = models.TextField(_("comment for the other reviewers"), blank=True)
    submitted_at = models.DateTimeField(_("submitted at"))
    updated_at = models.DateTimeField(auto_now=True)

    class Meta:
        ordering = ["registration", "submitted_at", "pk"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [
            models.UniqueConstraint(fields=["registration", "reviewer"], name="application_review_once_per_reviewer")
        ]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.registration}: {self.total}"


class ApplicationScore(models.Model):
    review = models.ForeignKey(ApplicationReview, on_delete=models.CASCADE, related_name="scores")
    criterion = models.ForeignKey(Criterion, on_delete=models.CASCADE, related_name="scores")
    value = models.PositiveSmallIntegerField(_("score"))

    class Meta:
        ordering = ["review", "criterion__position", "criterion_id"]
        verbose_name = _("score")
        verbose_name_plural = _("scores")
        constraints = [models.UniqueConstraint(fields=["review", "criterion"], name="score_one_per_criterion")]

    def __str__(self) -> str:
        return f"{self.criterion}: {self.value}"


class Quota(models.Model):
    """At most `limit` people accepted whose country, partner role or kind of organisation is `value`."""

    class Kind(models.TextChoices):
        COUNTRY = "country", _("Country")
        PARTNER_ROLE = "partner_role", _("Partner role")
        ORGANISATION_KIND = "organisation_kind", _("Kind of organisation")

    meeting = models.ForeignKey(Meeting, on_delete=models.CASCADE, related_name="quotas")
    kind = models.CharField(_("quota on"), max_length=32, choices=Kind.choices)
    # A country code, a partner role's id, or an organisation kind.
    value = models.CharField(_("value"), max_length=64)
    limit = models.PositiveIntegerField(_("at most"))

    class Meta:
        ordering = ["meeting", "kind", "value"]
        verbose_name = _("quota")
        verbose_name_plural = _("quotas")
        constraints = [models.UniqueConstraint(fields=["meeting", "kind", "value"], name="quota_once_per_value")]

    def __str__(self) -> str:
        return f"{self.get_kind_display()} {self.value} ≤ {self.limit}"

    def matches(self, application: Application) -> bool:
        """Return whether application counts against this quota."""
        if self.kind == self.Kind.COUNTRY:
            return application.country == self.value
        if self.kind == self.Kind.ORGANISATION_KIND:
            return application.organisation_kind == self.value
        return self.value.isdigit() and int(self.value) in (application.partner_role_ids or [])
