"""Structured peer review: rounds with chosen reviewers, and each reviewer's review."""

from __future__ import annotations

from django.conf import settings
from django.db import models
from django.db.models import Q
from django.urls import reverse
from django.utils.translation import gettext_lazy as _

from members.models import Organization

from ..querysets import ReviewQuerySet, ReviewRoundQuerySet
from .items import KnowledgeItem


class ReviewRound(models.Model):
    """An author's request for peer review of an item, with chosen reviewers and a due date."""

    class State(models.TextChoices):
        OPEN = "open", _("Open")
        COMPLETED = "completed", _("Completed")
        CANCELLED = "cancelled", _("Cancelled")

    item = models.ForeignKey(KnowledgeItem, on_delete=models.CASCADE, related_name="review_rounds")
    requested_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, related_name="review_rounds_requested"
    )
    message = models.TextField(_("what to look at"), blank=True, max_length=5000)
    reviewers = models.ManyToManyField(
        settings.AUTH_USER_MODEL, verbose_name=_("reviewers"), related_name="review_rounds_to_review"
    )
    organizations = models.ManyToManyField(
        Organization, verbose_name=_("reviewing organisations"), blank=True, related_name="review_rounds"
    )
    due_date = models.DateField(_("due date"))
    state = models.CharField(_("state"), max_length=16, choices=State.choices, default=State.OPEN)
    author_response = models.TextField(_("authors' response"), blank=True, max_length=20000)
    responded_by = models.ForeignKey(
        settings.AUTH_USER_MODEL, on_delete=models.SET_NULL, null=True, blank=True, related_name="+"
    )
    responded_at = models.DateTimeField(null=True, blank=True)
    completed_at = models.DateTimeField(null=True, blank=True)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewRoundQuerySet.as_manager()

    class Meta:
        ordering = ["-created_at"]
        verbose_name = _("review round")
        verbose_name_plural = _("review rounds")
        constraints = [
            models.UniqueConstraint(fields=["item"], condition=Q(state="open"), name="review_round_one_open_per_item")
        ]

    def __str__(self) -> str:
        return f"{self.item} ({self.get_state_display()})"

    def get_absolute_url(self) -> str:
        return reverse(
            "knowledge:review_round", kwargs={"community_slug": self.item.community.slug, "round_pk": self.pk}
        )

    @property
    def is_open(self) -> bool:
        return self.state == self.State.OPEN


class Review(models.Model):
    """One reviewer's structured answer in a round."""

    class Opinion(models.TextChoices):
        READY = "ready", _("Ready as it is")
        MINOR = "minor", _("Good, with minor changes")
        MAJOR = "major", _("Needs major changes")
        NOT_READY = "not_ready", _("Not ready yet")

    round = models.ForeignKey(ReviewRound, on_delete=models.CASCADE, related_name="reviews")
    reviewer = models.ForeignKey(settings.AUTH_USER_MODEL, on_delete=models.CASCADE, related_name="knowledge_reviews")
    strengths = models.TextField(_("strengths"), max_length=10000)
    weaknesses = models.TextField(_("weaknesses"), max_length=10000)
    recommendations = models.TextField(_("recommendations"), max_length=10000)
    opinion = models.CharField(_("overall opinion"), max_length=16, choices=Opinion.choices)
    created_at = models.DateTimeField(auto_now_add=True)
    updated_at = models.DateTimeField(auto_now=True)

    objects = ReviewQuerySet.as_manager()

    class Meta:
        ordering = ["round", "created_at"]
        verbose_name = _("review")
        verbose_name_plural = _("reviews")
        constraints = [models.UniqueConstraint(fields=["round", "reviewer"], name="review_one_per_reviewer")]

    def __str__(self) -> str:
        return f"{self.reviewer} on {self.round}"
